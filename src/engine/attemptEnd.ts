import type { ProgressFollower } from "../earlyStopping/progressFollower.js";
import type { AttemptResult } from "../executor/executor.js";
import type { Db } from "../store/openStore.js";
import type { AttemptRow } from "../store/rowTypes.js";
import { getAttempt, getTrial, recordAttemptEnd } from "../store/trialRows.js";
import { newAttempt, outcomeRecord, type CampaignIdentity } from "./attemptPlan.js";
import { faultPoint } from "./faultPoints.js";
import type { TrialOutcomeValues, TrialProgram } from "./trialProgram.js";

/** What the end of an attempt became. */
export type EndedAttempt =
  | { kind: "retry"; trialIndex: number; attemptNo: number; reason: string }
  | { kind: "outcome"; trialIndex: number; outcome: TrialOutcomeValues };

export interface AttemptEndContext {
  identity: CampaignIdentity;
  program: TrialProgram;
  /** Early stopping's follower (its last progress values become a stopped trial's data). */
  progress: ProgressFollower | null;
  /** Attempts a trial may have beyond its first (0 while the campaign stops). */
  maxRetries: number;
  /** The job a retry must wait behind (submit-ahead: a queued job took the ended one's slot). */
  retryAfter: (ended: AttemptRow) => string | null;
}

/**
 * Stores the end of an attempt (one transaction): a retryable fault within maxRetries makes the
 * next attempt of the trial; otherwise the program's outcome (with early stopping's values) ends
 * the trial. Null when the attempt is unknown or already ended (an event seen twice).
 */
export function recordEndedAttempt(
  db: Db,
  attemptId: number,
  r: AttemptResult,
  ctx: AttemptEndContext,
): EndedAttempt | null {
  const attempt = getAttempt(db, attemptId);
  if (!attempt || attempt.state === "FINISHED") return null;
  const trial = getTrial(db, attempt.trial_id)!;
  const end = {
    endTime: r.endTime,
    startTime: r.startTime,
    exitCode: r.exitCode,
    signal: r.signal,
    fault: r.fault,
    reason: r.faultReason,
    hostname: r.hostname,
  };
  if (r.retryable && attempt.attempt_no <= ctx.maxRetries) {
    recordAttemptEnd(db, attempt.id, end, null, {
      ...newAttempt(ctx.identity, trial.trial_index, attempt.attempt_no + 1),
      afterJob: ctx.retryAfter(attempt),
    });
    return {
      kind: "retry",
      trialIndex: trial.trial_index,
      attemptNo: attempt.attempt_no + 1,
      reason: r.faultReason ?? String(r.fault),
    };
  }
  let o = ctx.program.outcome(r);
  if (ctx.progress) o = ctx.progress.outcome(attempt.id, trial.id, o, r.stdout);
  faultPoint("collect-before-write");
  recordAttemptEnd(db, attempt.id, end, outcomeRecord(o), null);
  return { kind: "outcome", trialIndex: trial.trial_index, outcome: o };
}
