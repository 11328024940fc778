import type { Db } from "./openStore.js";
import { sql } from "./statementCache.js";

/** One progress value a running trial printed (`NAME@STEP: value`). */
export interface ProgressValue {
  readonly metric: string;
  readonly step: number;
  readonly value: number;
}

/** Stores progress values of a trial (a step printed again replaces the earlier value). */
export function insertProgress(
  db: Db,
  trialId: number,
  values: readonly ProgressValue[],
  now = Date.now(),
): void {
  if (values.length === 0) return;
  const insert = sql(
    db,
    `INSERT INTO trial_progress (trial_id, metric, step, value, time) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (trial_id, metric, step) DO UPDATE SET value = excluded.value, time = excluded.time`,
  );
  db.transaction(() => {
    for (const v of values) insert.run(trialId, v.metric, v.step, v.value, now);
  }).immediate();
}

/** Every trial's value of `metric` at exactly `step`, other than `exceptTrialId`'s. */
export function progressAtStep(
  db: Db,
  campaignId: number,
  metric: string,
  step: number,
  exceptTrialId: number,
): number[] {
  return (
    sql(
      db,
      `SELECT p.value AS value FROM trial_progress p JOIN trials t ON t.id = p.trial_id
         WHERE t.campaign_id = ? AND p.metric = ? AND p.step = ? AND p.trial_id <> ?`,
    ).all(campaignId, metric, step, exceptTrialId) as { value: number }[]
  ).map((r) => r.value);
}

/** A trial's progress values in step order (per metric). */
export function trialProgress(db: Db, trialId: number): ProgressValue[] {
  return sql(
    db,
    `SELECT metric, step, value FROM trial_progress WHERE trial_id = ? ORDER BY metric, step`,
  ).all(trialId) as ProgressValue[];
}

/** A trial's last progress value per metric (highest step), or {} without progress. */
export function lastProgressValues(db: Db, trialId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of trialProgress(db, trialId)) out[p.metric] = p.value;
  return out;
}

/**
 * Stores the early-stopping decision on a running attempt (its `reason`, empty until it ends),
 * so that a controller restarted between the decision and the attempt's end still cancels it
 * and records it EARLY_STOPPED. The attempt's end overwrites it with the executor's reason.
 */
export function recordStopOrder(db: Db, attemptId: number, reason: string): void {
  sql(db, `UPDATE attempts SET reason = ? WHERE id = ? AND state <> 'FINISHED'`).run(
    reason,
    attemptId,
  );
}

/** The stored early-stopping decision of an unfinished attempt (null: none). */
export function storedStopOrder(db: Db, attemptId: number): string | null {
  const row = sql(db, `SELECT reason FROM attempts WHERE id = ? AND state <> 'FINISHED'`).get(
    attemptId,
  ) as { reason: string | null } | undefined;
  return row?.reason?.startsWith(STOP_ORDER_PREFIX) === true ? row.reason : null;
}

/** How every early-stopping decision's reason starts. */
export const STOP_ORDER_PREFIX = "early stopped: ";
