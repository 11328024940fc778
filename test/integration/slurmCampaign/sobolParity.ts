/**
 * A whole campaign on the real cluster through the CLI: 24 trials, 4 at a time, as job arrays;
 * with a Sobol-only strategy and the same seed it proposes what the local executor proposes.
 */
import { expect } from "vitest";
import { testDir } from "../../helpers/runCli.js";
import {
  FAST_POLL_SPEC,
  campaignDir,
  readAttempts,
  readCampaign,
  readTrials,
  runCampaign,
  sacctRows,
  uniqueName,
  writeSpec,
} from "./campaignKit.js";

function spec(name: string, executor: "slurm" | "local"): Record<string, unknown> {
  return {
    name,
    parameters: [
      { name: "x", type: "range", bounds: [0, 1] },
      { name: "y", type: "range", bounds: [-5, 5] },
      { name: "lr", type: "range", bounds: [0.0001, 0.1], log_scale: true },
    ],
    program: 'sleep 1; echo "RESULT: %(x)"',
    max_eval: 24,
    seed: 4242,
    strategy: "SOBOL",
    executor,
    slurm: FAST_POLL_SPEC,
  };
}

/** 24 trials, 4 at a time on --partition short, against the same campaign run locally. */
export async function sobolParity(): Promise<void> {
  const slurmCwd = testDir("sc-parity-slurm");
  const localCwd = testDir("sc-parity-local");
  const name = uniqueName("parity");
  const file = writeSpec(slurmCwd, spec(name, "slurm"));
  writeSpec(localCwd, spec(name, "local"));
  // OmniOpt2's flags on top of the spec file: --partition must really reach sbatch.
  const [onSlurm, onLocal] = await Promise.all([
    runCampaign(slurmCwd, [file, "--num_parallel_jobs", "4", "--partition", "short"]),
    runCampaign(localCwd, ["spec.json", "--num_parallel_jobs", "4"]),
  ]);
  expect(onSlurm.code, onSlurm.stderr).toBe(0);
  expect(onLocal.code, onLocal.stderr).toBe(0);

  const dir = campaignDir(slurmCwd, name);
  const campaign = readCampaign(dir);
  expect(campaign.state).toBe("COMPLETED");
  const trials = readTrials(dir);
  expect(trials).toHaveLength(24);
  for (const t of trials) {
    expect(t.state, t.reason ?? "").toBe("COMPLETED");
    const p = JSON.parse(t.params_json) as { x: number };
    expect(JSON.parse(t.results_json!)).toEqual({ RESULT: p.x });
    expect(t.hostname).toBeTruthy();
  }

  // Same seed, Sobol only: the same parameter sets, trial by trial.
  const local = readTrials(campaignDir(localCwd, name));
  expect(local.map((t) => JSON.parse(t.params_json) as unknown)).toEqual(
    trials.map((t) => JSON.parse(t.params_json) as unknown),
  );

  // Every attempt ran as a Slurm job that sacct lists, on partition short.
  const attempts = readAttempts(dir);
  expect(attempts).toHaveLength(24);
  const rows = await sacctRows(campaign.uid, 24);
  expect(rows).toHaveLength(24);
  const byId = new Map(rows.map((r) => [r.jobId, r]));
  for (const a of attempts) {
    expect(a.job_id).toMatch(/^\d+$/);
    const key = a.array_task_id === null ? a.job_id! : `${a.job_id}_${a.array_task_id}`;
    const row = byId.get(key);
    expect(row, `sacct lists job ${key}`).toBeDefined();
    expect(row!.jobName).toBe(a.job_name);
    expect(row!.state).toBe("COMPLETED");
    expect(row!.partition).toBe("short");
  }

  // Trials proposed together were ONE job array: the first four share a job name, sacct
  // shows them as <id>_0 .. <id>_3 of one job id.
  const first = attempts.filter((a) => a.trial_index < 4);
  expect(new Set(first.map((a) => a.job_name)).size).toBe(1);
  expect(new Set(first.map((a) => a.job_id)).size).toBe(1);
  expect(first.map((a) => a.array_task_id)).toEqual([0, 1, 2, 3]);
  const arrayRows = rows.filter((r) => r.jobName === first[0]!.job_name);
  expect(arrayRows.map((r) => r.jobId).sort()).toEqual(
    [0, 1, 2, 3].map((i) => `${first[0]!.job_id}_${i}`),
  );
  // And in general: each job name is one job id, with _N suffixes when it holds several trials.
  const groups = new Map<string, string[]>();
  for (const r of rows) groups.set(r.jobName, [...(groups.get(r.jobName) ?? []), r.jobId]);
  expect(groups.size).toBeLessThan(24);
  for (const ids of groups.values()) {
    const bases = new Set(ids.map((id) => id.split("_")[0]));
    expect(bases.size).toBe(1);
    if (ids.length > 1) for (const id of ids) expect(id).toMatch(/^\d+_\d+$/);
  }
}
