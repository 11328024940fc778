import { posix } from "node:path";
import type { AttemptToRun, StoredAttempt } from "../executor/executor.js";
import { CampaignPaths, relativeAttemptDir } from "./campaignPaths.js";
import type { Campaign } from "../spec/campaign.js";
import type { Point } from "../space/parameters.js";
import type { Db } from "../store/openStore.js";
import { givesData, type AttemptRow, type TrialRow } from "../store/rowTypes.js";
import type { NewAttempt, TrialOutcome } from "../store/trialRows.js";
import { attemptIdsWithJobName, listOpenAttempts } from "../store/trialRows.js";
import type { TrialOutcomeValues, TrialProgram } from "./trialProgram.js";

/** What a campaign's attempts are named and where they live; pure functions of the stored rows. */
export interface CampaignIdentity {
  campaign: Campaign;
  uid: string;
  /** The local campaign folder. */
  dir: string;
  executorKind: "local" | "slurm";
}

/**
 * Where attempt directories live: the campaign folder, or with SSH the campaign's folder on the
 * cluster (<remote_dir>/<name>/<uid>), since the jobs write there.
 */
export function jobsRoot(c: CampaignIdentity): string {
  const ssh = c.campaign.ssh;
  return ssh ? posix.join(ssh.remoteDir, c.campaign.name, c.uid) : c.dir;
}

/**
 * Job name and directory (stored relative to the jobs root) of an attempt. Trials proposed together share the job name of the
 * first one (one Slurm job array); a retry gets a name of its own.
 */
export function newAttempt(
  c: CampaignIdentity,
  trialIndex: number,
  attemptNo: number,
  batchStart = trialIndex,
): NewAttempt {
  return {
    executor: c.executorKind,
    jobName: `${c.campaign.name}-${c.uid}-t${batchStart}a${attemptNo}`,
    dir: relativeAttemptDir(trialIndex, attemptNo),
  };
}

/** Where a stored attempt directory is now: below the jobs root of the folder opened. */
export function attemptDirOf(c: CampaignIdentity, stored: string): string {
  return new CampaignPaths(jobsRoot(c)).resolveAttemptDir(stored);
}

/** The executor's view of a stored attempt: command, environment, directories, time limit. */
export function attemptToRun(
  c: CampaignIdentity,
  program: TrialProgram,
  trial: TrialRow,
  attempt: AttemptRow,
): AttemptToRun {
  const point = JSON.parse(trial.params_json) as Point;
  const dir = attemptDirOf(c, attempt.dir);
  const { command, env } = program.render(point, {
    index: trial.trial_index,
    id: trial.id,
    attemptDir: dir,
    ...(trial.budget !== null
      ? { budget: { budget: trial.budget, configIndex: trial.config_index } }
      : {}),
  });
  const timeout = c.campaign.workerTimeoutSeconds;
  return {
    attemptId: attempt.id,
    trialId: trial.id,
    trialIndex: trial.trial_index,
    attemptNo: attempt.attempt_no,
    campaignUid: c.uid,
    campaignName: c.campaign.name,
    jobName: attempt.job_name,
    command,
    env,
    workdir: c.campaign.ssh?.workdir ?? c.campaign.workdir,
    dir,
    timeoutMs: timeout === null ? null : timeout * 1000,
    ...(attempt.after_job !== null ? { afterJob: attempt.after_job } : {}),
  };
}

/** The unfinished attempts of a campaign, as the executor needs them to resume. */
export function storedAttempts(db: Db, campaignId: number, c: CampaignIdentity): StoredAttempt[] {
  const timeout = c.campaign.workerTimeoutSeconds;
  return listOpenAttempts(db, campaignId).map(({ attempt: a }) => ({
    campaignUid: c.uid,
    attemptId: a.id,
    state: a.state === "FINISHED" ? "RUNNING" : a.state,
    jobName: a.job_name,
    indexInJob: attemptIdsWithJobName(db, a.job_name).indexOf(a.id),
    jobId: a.job_id,
    arrayTaskId: a.array_task_id,
    pid: a.pid,
    pidStart: a.pid_start,
    dir: attemptDirOf(c, a.dir),
    startTime: a.start_time,
    remainingMs:
      timeout === null
        ? null
        : Math.max(0, timeout * 1000 - (a.start_time === null ? 0 : Date.now() - a.start_time)),
  }));
}

/** A program outcome as stored (JSON columns; results kept for failed trials that printed some). */
export function outcomeRecord(o: TrialOutcomeValues): TrialOutcome {
  const json = (v: Record<string, unknown>): string | null =>
    Object.keys(v).length > 0 ? JSON.stringify(v) : null;
  return {
    state: o.state,
    resultsJson: givesData(o.state) ? JSON.stringify(o.values) : json(o.values),
    semsJson: json(o.sems),
    extrasJson: json(o.extras),
    reason: o.reason,
  };
}
