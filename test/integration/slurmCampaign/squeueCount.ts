/**
 * How often a campaign asks Slurm: the real squeue, sacct and sbatch, each behind a wrapper
 * first on PATH that logs its call and execs the real binary.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { testDir } from "../../helpers/runCli.js";
import {
  FAST_POLL_SPEC,
  campaignDir,
  readAttempts,
  readTrials,
  runCampaign,
  sh,
  uniqueName,
  writeSpec,
} from "./campaignKit.js";

/** A directory of logging wrappers around the real Slurm commands; returns it and the log. */
async function loggingWrappers(cwd: string): Promise<{ bin: string; log: string }> {
  const bin = join(cwd, "wrappers");
  const log = join(cwd, "slurm-calls.log");
  mkdirSync(bin);
  writeFileSync(log, "");
  for (const cmd of ["squeue", "sacct", "sbatch"]) {
    const real = (await sh("sh", ["-c", `command -v ${cmd}`])).stdout.trim();
    expect(real).toMatch(/^\//);
    writeFileSync(
      join(bin, cmd),
      `#!/bin/sh\nprintf '%s\\n' "${cmd} $*" >> '${log}'\nexec '${real}' "$@"\n`,
    );
    chmodSync(join(bin, cmd), 0o755);
  }
  return { bin, log };
}

/** A 20-job campaign, 10 at a time, with logging wrappers around squeue, sacct and sbatch. */
export async function squeueCount(): Promise<void> {
  const cwd = testDir("sc-squeue");
  const name = uniqueName("squeue");
  const { bin, log } = await loggingWrappers(cwd);
  writeSpec(cwd, {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: 'sleep 4; echo "RESULT: %(x)"',
    max_eval: 20,
    parallelism: 10,
    seed: 5,
    strategy: "SOBOL",
    executor: "slurm",
    slurm: FAST_POLL_SPEC,
  });
  const r = await runCampaign(cwd, ["spec.json"], {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    SLURMOPT_LOG_LEVEL: "debug",
  });
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  const trials = readTrials(dir);
  expect(trials).toHaveLength(20);
  for (const t of trials) expect(t.state).toBe("COMPLETED");
  const jobs = new Set(readAttempts(dir).map((a) => `${a.job_id}_${a.array_task_id}`));
  expect(jobs.size).toBe(20);

  const calls = readFileSync(log, "utf8").trim().split("\n");
  const squeue = calls.filter((c) => c.startsWith("squeue "));
  const sacct = calls.filter((c) => c.startsWith("sacct "));
  const sbatch = calls.filter((c) => c.startsWith("sbatch "));
  // The controller's own record of its poll cycles (debug lines of the campaign log).
  const cycles = readFileSync(join(dir, "slurmopt.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { msg: string; watched?: number; jobs?: number })
    .filter((l) => l.msg === "slurm poll cycle" && (l.watched ?? 0) > 0);
  const watched = cycles.map((c) => c.watched!);
  const observations = watched.reduce((a, b) => a + b, 0);
  console.log(
    `squeue count: ${squeue.length} calls, ${cycles.length} poll cycles, 20 jobs, ${observations} job observations (up to ${Math.max(...watched)} jobs in one call); sacct ${sacct.length}, sbatch ${sbatch.length}`,
  );
  // Exactly one squeue per cycle, each for every open job of the campaign.
  expect(squeue.length).toBe(cycles.length);
  for (const c of squeue) expect(c).toMatch(/--jobs=\d+(,\d+)*/);
  expect(Math.max(...watched)).toBeGreaterThanOrEqual(8);
  // One squeue per job and cycle would have made this many calls; polling made far fewer.
  expect(observations).toBeGreaterThanOrEqual(3 * squeue.length);
  // sacct at most once per cycle (only when jobs left the queue), sbatch far below one per job.
  expect(sacct.length).toBeLessThanOrEqual(cycles.length);
  expect(sbatch.length).toBeLessThan(20);
}
