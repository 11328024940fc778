/**
 * SIGKILL of the controller at each named transition of a Slurm campaign, then
 * `slurmopt resume`: every trial ran exactly once (runs.log), sacct shows exactly one COMPLETED
 * job or array task per trial, and no result is lost.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { FaultPointName } from "../../../src/engine/faultPoints.js";
import { runCli, testDir } from "../../helpers/runCli.js";
import {
  POLL_FLOOR_MS,
  campaignUid,
  perTrialProblems,
  rememberCampaign,
  runCounts,
  settledSacctRows,
  startCli,
  storedTrials,
  writeSlurmSpec,
} from "./slurmCrashKit.js";

/** [point, hits to skip]: the first submission is a job array of 2, later ones single jobs. */
export const FAULT_CASES: readonly (readonly [FaultPointName, number])[] = [
  ["after-trial-rows", 0],
  ["after-trial-rows", 2],
  ["after-submit-before-record", 0],
  ["after-submit-before-record", 2],
  ["collect-before-write", 2],
  ["results-csv-rewrite", 0],
];

export async function killedAtFaultPoint(point: FaultPointName, skip: number): Promise<void> {
  const cwd = testDir(`slurmfault-${point}-${skip}`);
  const spec = writeSlurmSpec(cwd, "sfault", { maxEval: 6, parallelism: 2, sleep: "1" });
  const faultLog = join(cwd, "fault.log");
  const dir = join(cwd, "runs", "sfault", "0");
  const first = startCli(["run", spec, "--quiet"], cwd, {
    SLURMOPT_FAULT_POINT: point,
    SLURMOPT_FAULT_SKIP: String(skip),
    SLURMOPT_FAULT_LOG: faultLog,
  });
  const code = await first.ended;
  rememberCampaign(campaignUid(dir));
  expect(code, first.stderr()).toBe(null); // killed by SIGKILL
  expect(readFileSync(faultLog, "utf8")).toMatch(new RegExp(`^${point} ${first.pid}\\n$`));
  const r = await runCli(["resume", dir, "--quiet"], {
    cwd,
    env: { SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS },
    // Resume may wait out an sbatch that could still be on its way (about a minute), and the
    // cluster is shared with the other concurrent tests.
    timeoutMs: 300_000,
  });
  expect(r.code, r.stderr).toBe(0);
  const trials = storedTrials(dir);
  expect(trials.map((t) => [t.trialIndex, t.state, t.attempts])).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => [i, "COMPLETED", 1]),
  );
  const counts = runCounts(cwd);
  expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => [i, 1]),
  );
  const results = readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n");
  expect(results).toHaveLength(1 + 6);
  expect(perTrialProblems(await settledSacctRows(dir), 6)).toEqual([]);
}

/** Killed while sbatch is still on its way, and resumed before that sbatch answers. */
export async function killedWhileSbatchInFlight(): Promise<void> {
  const cwd = testDir("slurm-sbatch-in-flight");
  // A slow sbatch: it goes on after the controller is killed and answers only later.
  const realSbatch = execFileSync("/bin/sh", ["-c", "command -v sbatch"], {
    encoding: "utf8",
  }).trim();
  const bin = join(cwd, "bin");
  mkdirSync(bin);
  const started = join(cwd, "sbatch-started");
  writeFileSync(
    join(bin, "sbatch"),
    `#!/bin/sh\ntouch ${started}\nsleep 4\nexec ${realSbatch} "$@"\n`,
    { mode: 0o755 },
  );
  const spec = writeSlurmSpec(cwd, "sfly", { maxEval: 4, parallelism: 2, sleep: "1" });
  const dir = join(cwd, "runs", "sfly", "0");
  const first = startCli(["run", spec, "--quiet"], cwd, {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
  });
  while (!existsSync(started)) {
    if ((await Promise.race([first.ended.then(() => true), sleep(50)])) === true)
      throw new Error(`the controller ended before sbatch started: ${first.stderr()}`);
  }
  await first.kill();
  rememberCampaign(campaignUid(dir));
  const r = await runCli(["resume", dir, "--quiet"], {
    cwd,
    env: { SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS },
    // Resume may wait out an sbatch that could still be on its way (about a minute), and the
    // cluster is shared with the other concurrent tests.
    timeoutMs: 300_000,
  });
  expect(r.code, r.stderr).toBe(0);
  expect(storedTrials(dir).map((t) => [t.state, t.attempts])).toEqual(
    Array.from({ length: 4 }, () => ["COMPLETED", 1]),
  );
  expect([...runCounts(cwd).values()]).toEqual([1, 1, 1, 1]);
  expect(perTrialProblems(await settledSacctRows(dir), 4)).toEqual([]);
}
