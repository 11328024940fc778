/**
 * The report's reads over a campaign's trials and attempts, streamed one row at a time (a
 * large campaign's rows are never all in memory at once; no other statement may run on the
 * connection while one of these iterates). What the report derives across rows (how many
 * attempts a trial had, whether an attempt was its trial's last) is asked of SQLite.
 */
import type { Db } from "./openStore.js";
import type { AttemptRow, TrialRow, TrialState } from "./rowTypes.js";
import { sql } from "./statementCache.js";

export interface ReportTrialRow extends TrialRow {
  /** How many attempts the trial had. */
  attempt_count: number;
}

/** Every trial in trial order, with its number of attempts. */
export function iterateReportTrials(db: Db, campaignId: number): IterableIterator<ReportTrialRow> {
  return sql(
    db,
    `SELECT t.*, (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id) AS attempt_count
       FROM trials t WHERE t.campaign_id = ? ORDER BY t.trial_index`,
  ).iterate(campaignId) as IterableIterator<ReportTrialRow>;
}

export interface ReportAttemptRow extends AttemptRow {
  trial_index: number;
  trial_state: TrialState;
  /** The highest attempt number of the attempt's trial. */
  last_no: number;
}

/** Every attempt of a campaign in trial then attempt order, with its trial's index and state. */
export function iterateReportAttempts(
  db: Db,
  campaignId: number,
): IterableIterator<ReportAttemptRow> {
  return sql(
    db,
    `SELECT a.*, t.trial_index AS trial_index, t.state AS trial_state,
         (SELECT MAX(b.attempt_no) FROM attempts b WHERE b.trial_id = a.trial_id) AS last_no
       FROM attempts a JOIN trials t ON t.id = a.trial_id
       WHERE t.campaign_id = ? ORDER BY t.trial_index, a.attempt_no`,
  ).iterate(campaignId) as IterableIterator<ReportAttemptRow>;
}

/** The numbers the trials reported besides `skip` (the objectives), found by SQLite alone. */
export function reportedNumberKeys(db: Db, campaignId: number): string[] {
  return (
    sql(
      db,
      `SELECT DISTINCT j.key AS key FROM trials t, json_each(t.results_json) j
         WHERE t.campaign_id = ? AND t.results_json IS NOT NULL AND j.type IN ('integer', 'real')`,
    ).all(campaignId) as { key: string }[]
  ).map((r) => r.key);
}

/** A trial's last attempt: its number and job id (null before any attempt). */
export function lastAttemptOf(
  db: Db,
  trialId: number,
): { attempt_no: number; job_id: string | null } | null {
  return (
    (sql(
      db,
      `SELECT attempt_no, job_id FROM attempts WHERE trial_id = ? ORDER BY attempt_no DESC LIMIT 1`,
    ).get(trialId) as { attempt_no: number; job_id: string | null } | undefined) ?? null
  );
}
