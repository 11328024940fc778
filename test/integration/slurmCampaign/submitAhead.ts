/**
 * Submit-ahead on the real cluster: with a Sobol strategy ("auto"), trials are queued behind
 * running jobs with sbatch --dependency=afterany, start only after their job has ended (by the
 * programs' own clocks) and never make more than the parallelism run at once.
 */
import { expect } from "vitest";
import { testDir } from "../../helpers/runCli.js";
import {
  FAST_POLL_SPEC,
  attemptFile,
  campaignDir,
  readAttempts,
  readTrials,
  runCampaign,
  uniqueName,
  writeSpec,
} from "./campaignKit.js";

const PARALLELISM = 3;

export async function submitAheadOnSlurm(): Promise<void> {
  const cwd = testDir("sc-ahead");
  const name = uniqueName("ahead");
  writeSpec(cwd, {
    name,
    parameters: [{ name: "wait", type: "range", bounds: [1, 4] }],
    // Each program notes its own start and end (seconds, nanoseconds) in its attempt folder.
    program:
      'date +%s.%N > "$SLURMOPT_ATTEMPT_DIR/t0"; sleep %(wait); date +%s.%N > "$SLURMOPT_ATTEMPT_DIR/t1"; echo "RESULT: %(wait)"',
    max_eval: 12,
    parallelism: PARALLELISM,
    seed: 11,
    strategy: "SOBOL",
    executor: "slurm",
    slurm: FAST_POLL_SPEC,
  });
  const r = await runCampaign(cwd, ["spec.json"]);
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  const trials = readTrials(dir);
  expect(trials).toHaveLength(12);
  for (const t of trials) expect(t.state, t.reason ?? "").toBe("COMPLETED");

  const attempts = readAttempts(dir);
  const clock = (dir: string, file: string): number => {
    const text = attemptFile(dir, file);
    expect(text, `${dir}/${file}`).not.toBeNull();
    return Number(text!.trim());
  };
  const runs = attempts.map((a) => ({
    key: a.array_task_id === null ? a.job_id! : `${a.job_id!}_${a.array_task_id}`,
    after: a.after_job,
    t0: clock(a.dir, "t0"),
    t1: clock(a.dir, "t1"),
  }));
  const queued = runs.filter((x) => x.after !== null);
  // After the first round, every refill was queued behind a running job.
  expect(queued.length).toBeGreaterThanOrEqual(12 - 2 * PARALLELISM);
  for (const q of queued) {
    const parent = runs.find((x) => x.key === q.after);
    expect(parent, `the job ${q.after} that ${q.key} was queued behind`).toBeDefined();
    expect(q.t0, `${q.key} started after ${q.after} ended`).toBeGreaterThan(parent!.t1);
  }
  // Never more than the parallelism running at once, by the programs' own clocks.
  const edges = runs.flatMap((x) => [
    { t: x.t0, d: 1 },
    { t: x.t1, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let running = 0;
  let most = 0;
  for (const e of edges) {
    running += e.d;
    most = Math.max(most, running);
  }
  expect(most).toBeLessThanOrEqual(PARALLELISM);
  expect(most).toBe(PARALLELISM);
}
