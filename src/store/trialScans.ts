/**
 * Reads over every trial of a campaign that stream instead of building the whole list: for
 * derived views of large campaigns (results.csv), whose memory must not grow with them.
 */
import type { Db } from "./openStore.js";
import type { TrialRow } from "./rowTypes.js";
import { sql } from "./statementCache.js";

/** Every trial in trial order, one row at a time (no other statement may run meanwhile). */
export function iterateTrials(db: Db, campaignId: number): IterableIterator<TrialRow> {
  return sql(db, `SELECT * FROM trials WHERE campaign_id = ? ORDER BY trial_index`).iterate(
    campaignId,
  ) as IterableIterator<TrialRow>;
}

/** The names with a standard error in some trial (SEM-NAME columns), found by SQLite alone. */
export function trialSemKeys(db: Db, campaignId: number): string[] {
  return (
    sql(
      db,
      `SELECT DISTINCT j.key AS key FROM trials t, json_each(t.sems_json) j
         WHERE t.campaign_id = ? AND t.sems_json IS NOT NULL`,
    ).all(campaignId) as { key: string }[]
  ).map((r) => r.key);
}

/** The distinct keys of the trials' extras (OO_Info_* values), found by SQLite alone. */
export function trialExtraKeys(db: Db, campaignId: number): string[] {
  return (
    sql(
      db,
      `SELECT DISTINCT j.key AS key FROM trials t, json_each(t.extras_json) j
         WHERE t.campaign_id = ? AND t.extras_json IS NOT NULL`,
    ).all(campaignId) as { key: string }[]
  ).map((r) => r.key);
}

/**
 * Trials changed after revision `rev` (all trials for rev = -1), in revision order, one row at
 * a time: a first read of a large campaign never holds every row at once (no other statement
 * may run on the connection meanwhile).
 */
export function iterateTrialsChangedSince(
  db: Db,
  campaignId: number,
  rev: number,
): IterableIterator<TrialRow> {
  return sql(db, `SELECT * FROM trials WHERE campaign_id = ? AND rev > ? ORDER BY rev`).iterate(
    campaignId,
    rev,
  ) as IterableIterator<TrialRow>;
}
