import { expect } from "vitest";
import {
  FAST_POLL_SPEC,
  campaignDir,
  readAttempts,
  readCampaign,
  readTrials,
  runCampaign,
  sacctRows,
  squeueOfName,
  uniqueName,
  writeSpec,
} from "./campaignKit.js";
import { testDir } from "../../helpers/runCli.js";

/**
 * Early stopping on Slurm: trials 0-2 print RESULT@1..4 = 1 and complete; the others print
 * RESULT@s = 5 for two minutes unless stopped. With the median rule (min_trials 2) every bad one
 * is worse than the median (1) at step 1 whatever the timing, so it is scancelled, EARLY_STOPPED
 * with RESULT 5 (its last progress value), and leaves the queue; sacct shows its job CANCELLED.
 */
export async function earlyStoppingOnSlurm(): Promise<void> {
  const name = uniqueName("estop");
  const cwd = testDir(name);
  writeSpec(cwd, {
    name,
    run_dir: "runs",
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: [
      'if [ "$SLURMOPT_TRIAL_INDEX" -lt 3 ]; then v=1; n=4; else v=5; n=480; fi',
      's=1; while [ "$s" -le "$n" ]; do echo "RESULT@$s: $v"; sleep 0.25; s=$((s + 1)); done',
      'echo "RESULT: $v"',
    ].join("; "),
    max_eval: 6,
    parallelism: 2,
    seed: 5,
    executor: "slurm",
    strategy: "SOBOL",
    early_stopping: { strategy: "median", min_progression: 1, min_trials: 2 },
    slurm: FAST_POLL_SPEC,
  });
  const r = await runCampaign(cwd, ["spec.json"]);
  expect(r.code, r.stderr).toBe(0);
  const trials = readTrials(campaignDir(cwd, name));
  expect(trials).toHaveLength(6);
  for (const t of trials) {
    if (t.trial_index < 3) {
      expect(t.state, t.reason ?? "").toBe("COMPLETED");
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: 1 });
    } else {
      expect(t.state, t.reason ?? "").toBe("EARLY_STOPPED");
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: 5 });
      expect(t.reason).toMatch(/^early stopped: RESULT@\d+ = 5 worse than the median 1 of /);
    }
  }
  expect(await squeueOfName(name)).toEqual([]);
  // Slurm saw the stop as a cancel of the bad trials' jobs (scancel), not as their end.
  const dir = campaignDir(cwd, name);
  const rows = await sacctRows(readCampaign(dir).uid, 6);
  for (const a of readAttempts(dir)) {
    expect(a.job_id, `trial ${a.trial_index}`).not.toBeNull();
    const key = a.array_task_id === null ? a.job_id! : `${a.job_id}_${a.array_task_id}`;
    const row = rows.find((x) => x.jobId === key);
    expect(row, `sacct row of job ${key}`).toBeDefined();
    expect(row!.state).toMatch(a.trial_index < 3 ? /^COMPLETED$/ : /^CANCELLED/);
  }
}
