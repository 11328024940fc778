/**
 * The controller running as a Slurm job (`run --in-slurm`): hand-overs to continuations before
 * its time limit, --follow, stop/cancel with a continuation queued or no controller running.
 */
import { execFile } from "node:child_process";
import Database from "better-sqlite3";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { expect } from "vitest";
import { CONTINUATION_REASON } from "../../../src/controllerJob/renderControllerScript.js";
import { runCli, testDir } from "../../helpers/runCli.js";
import {
  POLL_FLOOR_MS,
  campaignUid,
  controllerJobs,
  perTrialProblems,
  rememberCampaign,
  runCounts,
  sacctRows,
  settledSacctRows,
  startCli,
  storedTrials,
  writeSlurmSpec,
} from "./slurmCrashKit.js";

const env = { SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS };

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** `run --in-slurm --time 2 --follow`: at least two hand-overs; --follow ends with the campaign. */
export async function controllerHandsOver(): Promise<void> {
  const cwd = testDir("inslurm");
  // 10 trials of 50 s, two at a time: about 4.5 minutes, longer than two controller jobs
  // (each stops 30 to 90 s after its start: --signal=B:USR1@30 with up to 60 s of slack).
  const spec = writeSlurmSpec(cwd, "sctl", { maxEval: 10, parallelism: 2, sleep: "50" });
  const dir = join(cwd, "runs", "sctl", "0");
  const follow = startCli(
    [
      "run",
      spec,
      "--in-slurm",
      "--time",
      "2",
      "--controller_signal_delay_s",
      "30",
      "--main_process_gb",
      "0.5",
      "--follow",
    ],
    cwd,
  );
  await waitFor("the campaign folder", () => existsSync(join(dir, "campaign.db")), 120_000);
  const uid = campaignUid(dir);
  rememberCampaign(uid);

  // While the controller job holds the campaign, a second controller is refused.
  await waitFor(
    "the controller job's lock",
    () => existsSync(join(dir, "controller.json")),
    120_000,
  );
  const owner = JSON.parse(readFileSync(join(dir, "controller.json"), "utf8")) as {
    host: string;
    pid: number;
  };
  const second = await runCli(["resume", dir, "--quiet"], { cwd, env });
  expect(second.code, second.stderr).toBe(3);
  expect(second.stderr).toContain(
    `is driven by another controller on ${owner.host} (pid ${owner.pid}, since `,
  );

  const code = await follow.ended;
  const endedAt = Date.now();
  expect(code, follow.stderr()).toBe(0);
  const out = follow.stdout().trim().split("\n");
  expect(out[0]).toMatch(/^controller job \d+ submitted/);
  expect(follow.stdout()).toMatch(/state: COMPLETED\ntrials: 10\/10 finished: 10 completed/);

  // Every trial completed exactly once, through the continuations.
  const trials = storedTrials(dir);
  expect(trials.map((t) => [t.state, t.attempts])).toEqual(
    Array.from({ length: 10 }, () => ["COMPLETED", 1]),
  );
  expect([...runCounts(cwd).values()]).toEqual(Array.from({ length: 10 }, () => 1));
  expect(perTrialProblems(await settledSacctRows(dir), 10)).toEqual([]);

  // At least two hand-overs: controller-jobs.log and sacct show three or more controller jobs.
  const log = readFileSync(join(dir, "controller-jobs.log"), "utf8").trim().split("\n");
  expect(log.length, log.join("\n")).toBeGreaterThanOrEqual(3);
  expect(log[0]).toMatch(/^\d+ submitted -> \d+$/);
  const chain = [log[0]!.split(" ").at(-1)!];
  for (const line of log.slice(1)) {
    const m = /^\d+ (\d+) -> (\d+)$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(m![1]).toBe(chain.at(-1));
    chain.push(m![2]!);
  }
  const jobs = await controllerJobs(uid);
  expect(jobs.map((j) => j.jobId)).toEqual(chain);
  // The ones that handed over ended cleanly after the signal; the last one completed the campaign.
  for (const id of chain.slice(0, -1)) {
    expect(readFileSync(join(dir, `controller-${id}.out`), "utf8")).toMatch(
      /received SIGUSR1 .*\n[^]*continuation queued as job \d+/,
    );
  }
  expect(
    jobs.every((j) => j.state === "COMPLETED 0:0"),
    JSON.stringify(jobs),
  ).toBe(true);

  // --follow ended with the campaign, not long after.
  const h = new Database(join(dir, "campaign.db"), { readonly: true });
  const updated = (h.prepare("SELECT updated_at FROM campaigns").get() as { updated_at: number })
    .updated_at;
  h.close();
  expect(endedAt - updated).toBeLessThan(10_000);
}

/** `slurmopt cancel` with no controller running: scancel of the jobs, trials CANCELLED. */
export async function cancelWithoutController(): Promise<void> {
  const cwd = testDir("slurmcancel");
  const spec = writeSlurmSpec(cwd, "scan", { maxEval: 4, parallelism: 2, sleep: "300" });
  const dir = join(cwd, "runs", "scan", "0");
  const run = startCli(["run", spec, "--quiet"], cwd);
  await waitFor("the campaign folder", () => existsSync(join(dir, "campaign.db")), 120_000);
  const uid = campaignUid(dir);
  rememberCampaign(uid);
  await waitFor(
    "two running trials",
    () => storedTrials(dir).filter((t) => t.state === "RUNNING").length === 2,
    120_000,
  );
  const stop = await runCli(["stop", dir, "--wait", "60"], { cwd });
  expect(stop.code, stop.stderr).toBe(0);
  expect(await run.ended).toBe(0);
  // The jobs outlive their controller; the two queued behind them (submit-ahead) are held, so
  // nothing new starts while no controller runs (an admin hold when the tests run as root).
  const queued = await promisify(execFile)("squeue", ["--me", "--noheader", "--format=%j|%T|%r"]);
  const mine = queued.stdout.split("\n").filter((l) => l.includes(`-${uid}-`));
  expect(mine.filter((l) => l.includes("|RUNNING|"))).toHaveLength(2);
  expect(mine.filter((l) => l.includes("|PENDING|"))).toHaveLength(2);
  for (const l of mine.filter((x) => x.includes("|PENDING|")))
    expect(l).toMatch(/JobHeld(User|Admin)$/);

  const cancel = await runCli(["cancel", dir, "--wait", "60"], {
    cwd,
    env,
    timeoutMs: 120_000,
  });
  expect(cancel.code, cancel.stderr).toBe(0);
  expect(storedTrials(dir).map((t) => t.state)).toEqual(Array(4).fill("CANCELLED"));
  const after = await promisify(execFile)("squeue", ["--me", "--noheader", "--format=%j|%T"]);
  expect(
    after.stdout
      .split("\n")
      .filter((l) => l.includes(`-${uid}-`) && /\|(PENDING|RUNNING)$/.test(l)),
  ).toEqual([]);
  let states: string[] = [];
  for (let i = 0; i < 30; i++) {
    states = (await sacctRows(uid)).map((r) => r.state);
    if (states.length >= 2 && states.every((s) => s === "CANCELLED")) break;
    await sleep(1000);
  }
  // The two that ran; sacct may or may not list the queued ones that never started.
  expect(states.length).toBeGreaterThanOrEqual(2);
  expect(new Set(states)).toEqual(new Set(["CANCELLED"]));
  expect(runCounts(cwd).size).toBe(0);
}

/** `slurmopt stop` cancels a queued continuation; a continuation leaves a stopped campaign alone. */
export async function stopQueuedContinuation(): Promise<void> {
  const cwd = testDir("slurmqueued");
  const spec = writeSlurmSpec(cwd, "sq", { maxEval: 1, parallelism: 1, sleep: "0" });
  const first = await runCli(["run", spec, "--quiet"], { cwd, env, timeoutMs: 120_000 });
  expect(first.code, first.stderr).toBe(0);
  const dir = join(cwd, "runs", "sq", "0");
  const uid = campaignUid(dir);
  rememberCampaign(uid);
  // As after a hand-over: the campaign stopped for its continuation, which waits in the queue.
  const db = new Database(join(dir, "campaign.db"));
  db.prepare("UPDATE campaigns SET state = 'STOPPED', stop_reason = ?").run(CONTINUATION_REASON);
  db.close();
  const held = (
    await promisify(execFile)("sbatch", [
      "--parsable",
      "--hold",
      `--job-name=sq-${uid}-controller`,
      "--mem=50M",
      "--wrap=true",
    ])
  ).stdout.trim();
  writeFileSync(join(dir, "controller-jobs.log"), `1 submitted -> 1\n2 1 -> ${held}\n`);

  const stop = await runCli(["stop", dir], { cwd });
  expect(stop.code, stop.stderr).toBe(0);
  expect(stop.stdout).toBe(`cancelled the queued controller job ${held}\nstopped\n`);
  const q = await promisify(execFile)("squeue", [
    "--noheader",
    `--jobs=${held}`,
    "--format=%T",
  ]).catch(() => ({ stdout: "" }));
  expect(q.stdout.trim()).not.toMatch(/PENDING|RUNNING/);
  const row = (): unknown => {
    const h = new Database(join(dir, "campaign.db"), { readonly: true });
    try {
      return h.prepare("SELECT state, stop_reason FROM campaigns").get();
    } finally {
      h.close();
    }
  };
  expect(row()).toEqual({ state: "STOPPED", stop_reason: "stopped by slurmopt stop" });

  // A continuation that started anyway leaves the stopped campaign as it is.
  const cont = await runCli(["resume", dir, "--quiet", "--max_eval", "3"], {
    cwd,
    env: { ...env, SLURMOPT_CONTINUATION_OF: held },
  });
  expect(cont.code, cont.stderr).toBe(0);
  expect(cont.stderr).toContain(
    `is STOPPED (stopped by slurmopt stop); this continuation of controller job ${held} leaves it so`,
  );
  expect(row()).toEqual({ state: "STOPPED", stop_reason: "stopped by slurmopt stop" });
  expect(storedTrials(dir)).toHaveLength(1);
}

/** --follow reports a controller job that died without a continuation, and exits 1. */
export async function followReportsGoneController(): Promise<void> {
  const cwd = testDir("slurmfollowgone");
  const spec = writeSlurmSpec(cwd, "sg", { maxEval: 4, parallelism: 2, sleep: "120" });
  const dir = join(cwd, "runs", "sg", "0");
  const follow = startCli(["run", spec, "--in-slurm", "--time", "5", "--follow"], cwd);
  await waitFor("the campaign folder", () => existsSync(join(dir, "campaign.db")), 120_000);
  const uid = campaignUid(dir);
  rememberCampaign(uid);
  await waitFor(
    "two running trials",
    () => storedTrials(dir).filter((t) => t.state === "RUNNING").length === 2,
    120_000,
  );
  // The controller inside the job dies at once (as when its node fails): no continuation.
  const owner = JSON.parse(readFileSync(join(dir, "controller.json"), "utf8")) as {
    pid: number;
  };
  process.kill(owner.pid, "SIGKILL");
  const code = await follow.ended;
  expect(code, follow.stderr()).toBe(1);
  const job = /controller job (\d+) submitted/.exec(follow.stdout())![1]!;
  expect(follow.stdout()).toContain(
    `the controller job ${job} ended without finishing the campaign and queued no continuation (see ${join(dir, `controller-${job}.out`)}); start it again with "sbatch ${join(dir, "controller.sbatch")}"`,
  );
  // Its trials outlived it: cancel them (no controller runs).
  const cancel = await runCli(["cancel", dir], { cwd, env, timeoutMs: 120_000 });
  expect(cancel.code, cancel.stderr).toBe(0);
  // The two running trials, and those queued behind them (submit-ahead) if stored before the kill.
  const states = storedTrials(dir).map((t) => t.state);
  expect(states.length).toBeGreaterThanOrEqual(2);
  expect(new Set(states)).toEqual(new Set(["CANCELLED"]));
}

/**
 * The time-limit signal can reach a controller job before its controller can take it (during
 * the spec's setup lines, or while Node starts): it waits and is passed on once the controller
 * is ready, so the hand-over still happens.
 */
export async function earlySignalHandsOver(): Promise<void> {
  const cwd = testDir("slurmearly");
  const path = writeSlurmSpec(cwd, "searly", { maxEval: 2, parallelism: 2, sleep: "5" });
  // Setup lines that take a while: the signal comes while they run, before the controller starts.
  const spec = JSON.parse(readFileSync(path, "utf8")) as { slurm: Record<string, unknown> };
  spec.slurm.setup = ["sleep 6"];
  writeFileSync(path, JSON.stringify(spec));
  const dir = join(cwd, "runs", "searly", "0");
  const submitted = await runCli(["run", path, "--in-slurm", "--time", "10", "--quiet"], {
    cwd,
    env,
    timeoutMs: 120_000,
  });
  expect(submitted.code, submitted.stderr).toBe(0);
  const uid = campaignUid(dir);
  rememberCampaign(uid);
  const jobId = /controller job (\d+) submitted/.exec(submitted.stdout)?.[1];
  expect(jobId, submitted.stdout).toBeDefined();
  const state = async (): Promise<string> =>
    (
      await promisify(execFile)("squeue", ["--noheader", `--jobs=${jobId}`, "--format=%T"]).catch(
        () => ({ stdout: "" }),
      )
    ).stdout.trim();
  const end = Date.now() + 120_000;
  while ((await state()) !== "RUNNING") {
    if (Date.now() > end) throw new Error("the controller job did not start");
    await sleep(100);
  }
  // One second in: the batch shell has its trap (its first lines), the 6 s of setup lines run
  // and the controller has not started. (A signal in the shell's very first milliseconds, before
  // any line ran, kills it; Slurm's --signal never comes that early.)
  await sleep(1000);
  await promisify(execFile)("scancel", ["--signal=USR1", "--batch", jobId!]);
  await waitFor(
    "the hand-over to a continuation",
    () =>
      existsSync(join(dir, "controller-jobs.log")) &&
      new RegExp(`^\\d+ ${jobId} -> \\d+$`, "m").test(
        readFileSync(join(dir, "controller-jobs.log"), "utf8"),
      ),
    120_000,
  );
  const out = readFileSync(join(dir, `controller-${jobId}.out`), "utf8");
  expect(out).toMatch(/received SIGUSR1 .*\n[^]*continuation queued as job \d+/);
  // The continuation finishes the campaign: every trial once.
  await waitFor(
    "the campaign to complete",
    () => {
      const h = new Database(join(dir, "campaign.db"), { readonly: true });
      try {
        return (
          (h.prepare("SELECT state FROM campaigns").get() as { state: string }).state ===
          "COMPLETED"
        );
      } finally {
        h.close();
      }
    },
    240_000,
  );
  expect(storedTrials(dir).map((t) => [t.state, t.attempts])).toEqual([
    ["COMPLETED", 1],
    ["COMPLETED", 1],
  ]);
  expect(perTrialProblems(await settledSacctRows(dir), 2)).toEqual([]);
}
