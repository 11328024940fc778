import { jobKey } from "../slurm/slurmJobId.js";
import type { ModelName } from "../spec/campaign.js";
import type { AttemptRow } from "../store/rowTypes.js";
import { needsHistory } from "./generatorInput.js";

/**
 * Submit-ahead (Slurm): a trial is queued behind a running job with sbatch
 * --dependency=afterany:<job>, so Slurm starts it the moment that job ends, without waiting for
 * the controller to learn of the end, propose and submit (measured on the test cluster: about
 * 0.9 s from one job's end to the next one's start, against 2.6 s for submit-on-end).
 *
 * Each running job has at most one job queued behind it, and a queued job only starts when its
 * job has ended: the number of running jobs never exceeds the parallelism.
 */

/**
 * How many trials may wait queued behind running jobs: a count from the spec, or for "auto" one
 * per slot while the node proposing needs no history (a model-based node would propose them
 * with less information, which costs more than the second a refill saves on trials of minutes).
 */
export function aheadLimit(
  setting: number | "auto" | undefined,
  parallelism: number,
  model: ModelName,
): number {
  if (setting === undefined || setting === "auto") return needsHistory([model]) ? 0 : parallelism;
  return setting;
}

/** Slurm's name of an attempt's job ("123", "123_4" for an array task); null before sbatch. */
export function jobKeyOf(a: Pick<AttemptRow, "job_id" | "array_task_id">): string | null {
  return a.job_id === null ? null : jobKey(a.job_id, a.array_task_id);
}

export interface AheadPlan {
  /** Open attempts queued behind a job that is still open (they hold no slot yet). */
  waiting: number;
  /** Jobs a new trial may be queued behind, best first, at most `limit - waiting` of them. */
  parents: string[];
}

/**
 * From the campaign's open attempts (CREATED, SUBMITTED, RUNNING): which are queued behind a
 * job still open, and which jobs can take one more behind them (submitted, not queued
 * themselves, nothing queued behind them yet). Running jobs come first, the earliest started
 * first (the likeliest to end next); then pending ones, oldest first.
 */
export function planAhead(
  open: readonly Pick<
    AttemptRow,
    "id" | "state" | "job_id" | "array_task_id" | "after_job" | "start_time"
  >[],
  limit: number,
): AheadPlan {
  const openKeys = new Set<string>();
  for (const a of open) {
    const k = jobKeyOf(a);
    if (k !== null) openKeys.add(k);
  }
  const queuedBehind = new Set<string>();
  let waiting = 0;
  for (const a of open) {
    if (a.after_job === null) continue;
    queuedBehind.add(a.after_job);
    if (openKeys.has(a.after_job)) waiting++;
  }
  const room = Math.max(0, limit - waiting);
  if (room === 0) return { waiting, parents: [] };
  const candidates = open.filter((a) => {
    const k = jobKeyOf(a);
    if (k === null || queuedBehind.has(k)) return false;
    if (a.state !== "SUBMITTED" && a.state !== "RUNNING") return false;
    return a.after_job === null || !openKeys.has(a.after_job);
  });
  candidates.sort((a, b) => {
    if (a.state !== b.state) return a.state === "RUNNING" ? -1 : 1;
    const sa = a.start_time ?? Number.MAX_SAFE_INTEGER;
    const sb = b.start_time ?? Number.MAX_SAFE_INTEGER;
    return sa !== sb ? sa - sb : a.id - b.id;
  });
  return { waiting, parents: candidates.slice(0, room).map((a) => jobKeyOf(a)!) };
}

/**
 * The job a retried attempt is queued behind: the job that was queued behind the ended one
 * took its slot when it ended, so the retry waits for that job (null when nothing was queued,
 * or it is not submitted yet).
 */
export function retryAfterJob(
  open: readonly Pick<AttemptRow, "job_id" | "array_task_id" | "after_job">[],
  ended: Pick<AttemptRow, "job_id" | "array_task_id">,
): string | null {
  const key = jobKeyOf(ended);
  if (key === null) return null;
  for (const a of open) if (a.after_job === key) return jobKeyOf(a);
  return null;
}

/**
 * The submitted jobs Slurm has not started (as last seen): queued behind a running job
 * (submit-ahead) or pending in Slurm's queue for resources. They are what a held campaign holds
 * and what a resume releases; a hold of a job that started meanwhile is refused by Slurm, which
 * the caller tolerates.
 */
export function unstartedAttempts(
  open: readonly Pick<AttemptRow, "id" | "state" | "job_id">[],
): number[] {
  return open.filter((a) => a.job_id !== null && a.state === "SUBMITTED").map((a) => a.id);
}
