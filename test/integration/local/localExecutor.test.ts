import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { AttemptResult, AttemptToRun } from "../../../src/executor/executor.js";
import { LocalExecutor } from "../../../src/executor/localExecutor.js";
import { processesByAttemptDir } from "../../../src/executor/processStartTime.js";
import { testDir } from "../../helpers/runCli.js";

let executor: LocalExecutor | null = null;
afterEach(async () => {
  await executor?.close();
  executor = null;
});

function attempt(root: string, id: number, command: string, env: Record<string, string> = {}) {
  const a: AttemptToRun = {
    attemptId: id,
    trialId: id,
    trialIndex: id,
    attemptNo: 1,
    campaignUid: "c0ffee00",
    campaignName: "lx",
    jobName: `lx-${id}`,
    command,
    env: { SLURMOPT_TRIAL_INDEX: String(id), ...env },
    workdir: root,
    dir: join(root, "jobs", String(id), "1"),
    timeoutMs: null,
  };
  return a;
}

/** Polls until every attempt id has its "finished" event. */
async function results(ex: LocalExecutor, ids: number[]): Promise<Map<number, AttemptResult>> {
  const out = new Map<number, AttemptResult>();
  const end = Date.now() + 20_000;
  while (out.size < ids.length) {
    if (Date.now() > end) throw new Error(`only ${[...out.keys()].join(",")} finished`);
    for (const e of await ex.poll()) if (e.type === "finished") out.set(e.attemptId, e.result);
    await sleep(20);
  }
  return out;
}

describe("local executor (real processes through the launcher)", () => {
  it("passes scripts of any bytes intact, writes attempt.sh 0600 without changing the program's umask or locale", async () => {
    const root = testDir("localexec");
    executor = new LocalExecutor();
    const word = "Grüße-ß-東京-🙂"; // multi-byte: the launcher's read counts bytes, not characters
    const long = "x".repeat(70_000); // longer than a pipe's buffer
    const batch = [
      attempt(root, 1, `printf 'RESULT: 1 %s\\n' "$WORD"`, { WORD: word }),
      attempt(root, 2, `printf '%s' "$LONG" | wc -c; echo "lc=\${LC_ALL-unset}"`, { LONG: long }),
      attempt(root, 3, `umask; : > made-by-program; exit 7`),
    ];
    const records = await executor.submit(batch);
    expect(records.map((r) => r.attemptId)).toEqual([1, 2, 3]);
    expect(records.every((r) => r.pid !== null && r.pid > 0)).toBe(true);
    const done = await results(executor, [1, 2, 3]);
    expect(done.get(1)!.stdout).toBe(`RESULT: 1 ${word}\n`);
    expect(done.get(1)!.exitCode).toBe(0);
    const expectedLc = process.env.LC_ALL ?? "unset";
    expect(
      done
        .get(2)!
        .stdout.split("\n")
        .map((l) => l.trim()),
    ).toEqual(["70000", `lc=${expectedLc}`, ""]);
    // This process's umask, from /proc (process.umask() would set it to read it).
    const umask = Number.parseInt(
      /^Umask:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))![1]!,
      8,
    );
    expect(done.get(3)!.exitCode).toBe(7);
    expect(Number.parseInt(done.get(3)!.stdout.trim(), 8)).toBe(umask);
    expect(statSync(join(root, "made-by-program")).mode & 0o777).toBe(0o666 & ~umask);
    for (const a of batch) {
      const script = join(a.dir, "attempt.sh");
      expect(statSync(script).mode & 0o777).toBe(0o600);
      expect(readFileSync(script, "utf8")).toContain("# slurmopt local attempt");
      expect(readFileSync(join(a.dir, "exit-status"), "utf8")).toMatch(/^exit=\d+/);
    }
    expect(readFileSync(join(batch[0]!.dir, "attempt.sh"), "utf8")).toContain(word);
  });

  it("fails an attempt whose script cannot be written with the reason, and runs the others", async () => {
    const root = testDir("localexec-unwritable");
    executor = new LocalExecutor({ watchMs: 100 });
    const blocked = attempt(root, 1, `echo "RESULT: 1"`);
    // attempt.sh already exists as a directory: the launched job cannot write it.
    mkdirSync(join(blocked.dir, "attempt.sh"), { recursive: true });
    const fine = attempt(root, 2, `echo "RESULT: 2"`);
    await executor.submit([blocked, fine]);
    const done = await results(executor, [1, 2]);
    expect(done.get(1)!.fault).toBe("SUBMIT_FAILED");
    expect(done.get(1)!.retryable).toBe(false);
    expect(done.get(1)!.faultReason).toMatch(/could not write .*jobs\/1\/1\/attempt\.sh/);
    expect(done.get(2)!.fault).toBe(null);
    expect(done.get(2)!.stdout).toBe("RESULT: 2\n");
  });

  it("refuses a script holding a NUL byte before it reaches the launcher, which stays in step", async () => {
    const root = testDir("localexec-nul");
    executor = new LocalExecutor();
    const nul = attempt(root, 1, `echo "RESULT: 1"`, { SLURMOPT_P_word: "a\0b" });
    await expect(executor.submit([nul])).rejects.toThrow(/holds a NUL byte/);
    const records = await executor.submit([
      attempt(root, 2, `echo "RESULT: 2"`, { SLURMOPT_P_word: "x\0y" }),
      attempt(root, 3, `echo "RESULT: 3"`),
    ]);
    expect(records.map((r) => r.attemptId)).toEqual([3]);
    const done = await results(executor, [3]);
    expect(done.get(3)!.stdout).toBe("RESULT: 3\n");
  });

  it("waits out a time limit longer than Node's 24.8-day timer instead of firing at once", async () => {
    const root = testDir("localexec-longlimit");
    executor = new LocalExecutor();
    // --worker_timeout 40000 (OmniOpt2 minutes): 2.4e9 ms, beyond setTimeout's 2^31 - 1 ms.
    const a = { ...attempt(root, 1, `sleep 1; echo "RESULT: 1"`), timeoutMs: 40_000 * 60_000 };
    await executor.submit([a]);
    const done = await results(executor, [1]);
    expect(done.get(1)!.fault).toBe(null);
    expect(done.get(1)!.exitCode).toBe(0);
    expect(done.get(1)!.stdout).toBe("RESULT: 1\n");
  });

  it("reads exit codes 129-255 as exit codes and only a real signal as a signal", async () => {
    const root = testDir("localexec-highexit");
    executor = new LocalExecutor({ watchMs: 100 });
    await executor.submit([
      attempt(root, 1, `echo "RESULT: 1234"; exit 252`),
      attempt(root, 2, `echo "RESULT: 1"; exit 255`),
      attempt(root, 3, `echo "RESULT: 2"; kill -KILL $$`),
      attempt(root, 4, `exit 137`),
      attempt(root, 5, `sh -c 'kill -SEGV $$'; echo "after $?"`),
    ]);
    const done = await results(executor, [1, 2, 3, 4, 5]);
    expect(done.get(1)).toMatchObject({ exitCode: 252, signal: null, fault: null });
    expect(done.get(2)).toMatchObject({ exitCode: 255, signal: null, fault: null });
    expect(done.get(3)).toMatchObject({ signal: "SIGKILL", fault: null });
    expect(done.get(4)).toMatchObject({ exitCode: 137, signal: null, fault: null });
    // A signal that ended a child inside the program, which then exited on its own, is not the
    // program's end.
    expect(done.get(5)).toMatchObject({ exitCode: 0, signal: null, fault: null });
    expect(done.get(5)!.stdout).toBe("after 139\n");
    expect(readFileSync(join(root, "jobs", "3", "1", "exit-status"), "utf8")).toMatch(/killed=9/);
  });

  it("ends the background children an attempt left in its process group: SIGTERM, then SIGKILL", async () => {
    const root = testDir("localexec-children");
    executor = new LocalExecutor({ killGraceMs: 500 });
    const batch = [
      attempt(root, 1, `sleep 297 & echo "RESULT: 1"`),
      // Catches SIGTERM and says so: the group gets SIGTERM first.
      attempt(
        root,
        2,
        // It says when its trap is set, and the program ends only then (on a loaded machine the
        // group's SIGTERM could otherwise come before the trap, and nothing would be written).
        `(trap 'echo term > got-term; exit 0' TERM; : > trap-set; while :; do sleep 1; done) & while [ ! -e trap-set ]; do sleep 0.05; done; echo "RESULT: 2"`,
      ),
      // Ignores SIGTERM: SIGKILL after the grace period.
      attempt(root, 3, `(trap '' TERM; exec sleep 298) & echo "RESULT: 3"`),
    ];
    await executor.submit(batch);
    const done = await results(executor, [1, 2, 3]);
    for (const id of [1, 2, 3]) expect(done.get(id)).toMatchObject({ exitCode: 0, fault: null });
    // Every process of an attempt carries its SLURMOPT_ATTEMPT_DIR: wait until none is left.
    const dirs = batch.map((a) => a.dir);
    const left = () => {
      const byDir = processesByAttemptDir();
      return dirs.flatMap((d) => byDir.get(d) ?? []);
    };
    const end = Date.now() + 20_000;
    while (left().length > 0 && Date.now() < end) await sleep(50);
    expect(left()).toEqual([]);
    expect(readFileSync(join(root, "got-term"), "utf8")).toBe("term\n");
  });
});
