import type { Db } from "../store/openStore.js";
import { iterateReportAttempts } from "../store/reportScans.js";
import { evenSample } from "./downsample.js";
import type { ReportAttempt } from "./reportData.js";
import { reportAttempt } from "./trialRecords.js";

/** Most attempts the timeline draws. */
export const MAX_TIMELINE_ATTEMPTS = 2000;

export interface AttemptSummary {
  /** The attempts the timeline draws (all of them up to MAX_TIMELINE_ATTEMPTS). */
  attempts: ReportAttempt[];
  /** How many attempts the campaign has. */
  total: number;
  /** Queue wait and run time of every attempt that started / ended (seconds). */
  durations: { queueWaitS: number[]; runTimeS: number[] };
  /** Sum of the run times of all attempts (a running one until `now`). */
  runTimeMs: number;
}

/**
 * The attempts as the report shows them, in two streamed passes over the store (memory bounded
 * by what the page embeds: the drawn attempts and two numbers per attempt): the first counts
 * them and finds the ones the timeline always draws (every failed, timed-out, retried, running
 * or queued one, up to the cap), the second picks those and evenly spaced completed ones.
 */
export function attemptSummary(db: Db, campaignId: number, now: number): AttemptSummary {
  const special: number[] = [];
  const queueWaitS: number[] = [];
  const runTimeS: number[] = [];
  let runTimeMs = 0;
  let total = 0;
  for (const a of iterateReportAttempts(db, campaignId)) {
    const outcome = reportAttempt(a).outcome;
    if (outcome !== "COMPLETED" && special.length < MAX_TIMELINE_ATTEMPTS) special.push(total);
    if (a.submit_time !== null && a.start_time !== null)
      queueWaitS.push(Math.round(Math.max(0, a.start_time - a.submit_time) / 100) / 10);
    if (a.start_time !== null && a.end_time !== null)
      runTimeS.push(Math.round(Math.max(0, a.end_time - a.start_time) / 100) / 10);
    if (a.start_time !== null) {
      const end = a.end_time ?? (a.state === "RUNNING" ? now : a.start_time);
      runTimeMs += Math.max(0, end - a.start_time);
    }
    total++;
  }
  const chosen = new Set(evenSample(total, MAX_TIMELINE_ATTEMPTS, new Set(special)));
  const attempts: ReportAttempt[] = [];
  let pos = 0;
  for (const a of iterateReportAttempts(db, campaignId))
    if (chosen.has(pos++)) attempts.push(reportAttempt(a));
  return { attempts, total, durations: { queueWaitS, runTimeS }, runTimeMs };
}
