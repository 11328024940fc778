import Database from "better-sqlite3";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { mulberry32, runCli, startCli, testDir } from "../../helpers/runCli.js";

/** A campaign whose program logs every run (trial index) to runs.log, so duplicates show. */
function writeSpec(
  cwd: string,
  name: string,
  maxEval: number,
  parallelism: number,
  sleepExpr: string,
): string {
  const spec = {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: `sleep ${sleepExpr}; echo "$SLURMOPT_TRIAL_INDEX" >> ${join(cwd, "runs.log")}; echo "RESULT: %(x)"`,
    max_eval: maxEval,
    parallelism,
    seed: 11,
    strategy: "SOBOL",
    executor: "local",
  };
  const path = join(cwd, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

function runCounts(cwd: string): Map<number, number> {
  const counts = new Map<number, number>();
  if (!existsSync(join(cwd, "runs.log"))) return counts;
  for (const line of readFileSync(join(cwd, "runs.log"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  }
  return counts;
}

function trialStates(dir: string): { state: string; attempts: number }[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT t.state AS state, (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id) AS attempts FROM trials t ORDER BY t.trial_index",
      )
      .all() as { state: string; attempts: number }[];
  } finally {
    db.close();
  }
}

const POINTS = [
  "after-trial-rows",
  "after-submit-before-record",
  "collect-before-write",
  "results-csv-rewrite",
] as const;

describe("crash safety with the local executor (SIGKILL, real processes)", () => {
  it.each(POINTS)("loses nothing and runs nothing twice when killed at %s", async (point) => {
    const cwd = testDir(`fault-${point}`);
    const spec = writeSpec(cwd, "fault", 6, 2, "0.3");
    const faultLog = join(cwd, "fault.log");
    const first = startCli(["run", spec, "--quiet"], cwd, {
      SLURMOPT_FAULT_POINT: point,
      // results.csv is rewritten at most every 2 s: kill at its first rewrite.
      SLURMOPT_FAULT_SKIP: point === "results-csv-rewrite" ? "0" : "2",
      SLURMOPT_FAULT_LOG: faultLog,
    });
    const code = await first.ended;
    expect(code, first.stderr()).toBe(null); // killed by SIGKILL
    expect(readFileSync(faultLog, "utf8")).toMatch(new RegExp(`^${point} \\d+`));
    const dir = join(cwd, "runs", "fault", "0");
    const r = await runCli(["resume", dir, "--quiet"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const states = trialStates(dir);
    expect(states).toHaveLength(6);
    expect(states.every((s) => s.state === "COMPLETED")).toBe(true);
    const counts = runCounts(cwd);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const [trial, n] of counts) expect(n, `trial ${trial} ran ${n} times`).toBe(1);
  });

  it("completes 40 trials exactly once through 10 SIGKILLs at random instants", async () => {
    const seed = Number(process.env.SLURMOPT_KILL_SEED ?? Date.now() % 100000);
    console.log(`kill-and-resume (local): seed ${seed} (SLURMOPT_KILL_SEED=${seed} replays it)`);
    const rand = mulberry32(seed);
    const cwd = testDir("killresume");
    const spec = writeSpec(cwd, "kr", 40, 4, "$((SLURMOPT_TRIAL_INDEX % 3 + 1))");
    // A kill before the campaign database exists leaves nothing to resume: run again then.
    const started = (): boolean =>
      existsSync(join(cwd, "runs", "kr")) &&
      readdirSync(join(cwd, "runs", "kr")).some((n) =>
        existsSync(join(cwd, "runs", "kr", n, "campaign.db")),
      );
    for (let k = 0; k < 10; k++) {
      const args = started()
        ? ["resume", join(cwd, "runs", "kr"), "--quiet"]
        : ["run", spec, "--quiet"];
      const run = startCli(args, cwd);
      await sleep(300 + rand() * 2500);
      await run.kill();
    }
    // On a loaded machine every kill may come before the database exists: then run it anew.
    const final = await runCli(
      started() ? ["resume", join(cwd, "runs", "kr"), "--quiet"] : ["run", spec, "--quiet"],
      { cwd, timeoutMs: 240_000 },
    );
    const dir = join(
      cwd,
      "runs",
      "kr",
      readdirSync(join(cwd, "runs", "kr")).filter((n) =>
        existsSync(join(cwd, "runs", "kr", n, "campaign.db")),
      )[0]!,
    );
    expect(final.code, final.stderr).toBe(0);
    const states = trialStates(dir);
    expect(states).toHaveLength(40);
    expect(states.filter((s) => s.state === "COMPLETED")).toHaveLength(40);
    const counts = runCounts(cwd);
    expect(counts.size).toBe(40);
    for (const [trial, n] of counts)
      expect(n, `trial ${trial} ran ${n} times (seed ${seed})`).toBe(1);
  }, 400_000);
});
