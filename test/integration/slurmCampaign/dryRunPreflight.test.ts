/**
 * Before anything reaches the cluster: `run --dry-run` prints the first batch's job scripts and
 * submits nothing; the preflight check refuses a partition, time limit or memory the cluster
 * cannot give, before the campaign folder exists.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testDir } from "../../helpers/runCli.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import { FAST_POLL_SPEC, runCampaign, sh, uniqueName, writeSpec } from "./campaignKit.js";

function spec(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: 'echo "RESULT: %(x)"',
    max_eval: 10,
    parallelism: 5,
    seed: 3,
    strategy: "SOBOL",
    executor: "slurm",
    ...over,
    slurm: { ...FAST_POLL_SPEC, ...(over.slurm ?? {}) },
  };
}

/** Jobs Slurm knows (queued, running or in accounting) whose name starts with the campaign name. */
async function jobsNamed(name: string): Promise<string[]> {
  const q = await sh("squeue", ["--me", "--noheader", "--format=%j"]);
  const a = await sh("sacct", ["-n", "-X", "-P", "--starttime=now-1hour", "--format=JobName%100"]);
  return [...q.stdout.split("\n"), ...a.stdout.split("\n")].filter((l) => l.startsWith(`${name}-`));
}

describe.skipIf(slurmSkipped())("dry run and preflight of a Slurm campaign", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  it("--dry-run prints the job scripts of the first batch (arrays split below max_array_size) with the flags' directives, and submits nothing", async () => {
    const cwd = testDir("sc-dryrun");
    const name = uniqueName("dryrun");
    writeSpec(cwd, spec(name, { slurm: { max_array_size: 2 } }));
    const r = await runCampaign(cwd, [
      "spec.json",
      "--dry-run",
      "--partition",
      "short",
      "--worker_timeout",
      "3",
      "--mem_gb",
      "0.5",
      "--gpus",
      "1",
      "--slurm_signal_delay_s",
      "20",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^executor: slurm$/m);
    expect(out).toMatch(/first batch: 5 trial\(s\) in 3 job script\(s\)/);
    // Five trials, arrays of at most two: two arrays and one single-trial script.
    const headers = [...out.matchAll(/^--- (\S+) \(not written, not submitted\) ---$/gm)].map(
      (m) => m[1]!,
    );
    const dir = join(cwd, "runs", name, "0");
    expect(headers).toHaveLength(3);
    expect(headers[0]).toMatch(
      new RegExp(`^${dir}/slurm-arrays/${name}-[0-9a-f]{8}-t0a1/job\\.sbatch$`),
    );
    expect(headers[1]).toMatch(new RegExp(`/slurm-arrays/${name}-[0-9a-f]{8}-t2a1/job\\.sbatch$`));
    expect(headers[2]).toBe(join(dir, "jobs", "4", "1", "job.sbatch"));
    expect(out.match(/^#SBATCH --array=0-1$/gm)).toHaveLength(2);
    expect(out.match(/^#!\/bin\/bash$/gm)).toHaveLength(3);
    for (const line of [
      "#SBATCH --partition=short",
      "#SBATCH --time=00:03:00",
      "#SBATCH --mem=512M",
      "#SBATCH --gres=gpu:1",
      "#SBATCH --signal=B:USR1@20",
    ]) {
      expect(out.split("\n").filter((l) => l === line)).toHaveLength(3);
    }
    // Every trial's command, with its point filled in.
    expect(out.match(/slurmopt_command='echo "RESULT: 0\.\d+"'/g)).toHaveLength(5);
    expect(out).toMatch(/^preflight: partition, time limit and memory fit/m);
    // Nothing written, nothing submitted.
    expect(existsSync(join(cwd, "runs"))).toBe(false);
    expect(await jobsNamed(name)).toEqual([]);
  });

  it("--dry-run of a campaign with budgets fills %(budget) and SLURMOPT_BUDGET with the bottom rung's budget", async () => {
    const cwd = testDir("sc-dryrun-budget");
    const name = uniqueName("dryrunbudget");
    writeSpec(
      cwd,
      spec(name, {
        program: 'echo "RESULT: %(x) at %(budget)"',
        budget: { min: 1, max: 9, eta: 3 },
        parallelism: 2,
      }),
    );
    const r = await runCampaign(cwd, ["spec.json", "--dry-run", "--partition", "short"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("%(budget)'");
    expect(r.stdout.match(/slurmopt_command='echo "RESULT: 0\.\d+ at 1"'/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/^\s*(?:export )?SLURMOPT_BUDGET=.?1.?$/m);
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });

  it("the preflight refuses a missing partition, a time limit above the partition's MaxTime and too much memory, before the campaign folder exists", async () => {
    const cwd = testDir("sc-preflight");
    const name = uniqueName("preflight");
    writeSpec(cwd, spec(name));
    const cases: [string[], RegExp][] = [
      [
        ["--partition", "nosuch"],
        /partition "nosuch" does not exist on this cluster \(available: debug, short\)/,
      ],
      [
        ["--partition", "short", "--worker_timeout", "10"],
        /time limit 00:10:00 exceeds the MaxTime 00:05:00 of partition "short"; lower worker_timeout/,
      ],
      [
        ["--partition", "short", "--mem_gb", "4"],
        /memory 4096 MB per node exceeds the MaxMemPerNode 2048 MB of partition "short"; lower mem_gb/,
      ],
    ];
    for (const [flags, message] of cases) {
      const started = Date.now();
      const r = await runCampaign(cwd, ["spec.json", ...flags]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/error \[PREFLIGHT_FAILED\]: Slurm preflight check failed: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(existsSync(join(cwd, "runs"))).toBe(false);
    }
    // A dry run shows the scripts, then fails the same way.
    const dry = await runCampaign(cwd, ["spec.json", "--dry-run", "--partition", "nosuch"]);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(/^#SBATCH --partition=nosuch$/m);
    expect(dry.stderr).toMatch(/partition "nosuch" does not exist/);
    expect(await jobsNamed(name)).toEqual([]);
  });
});
