import type { Db } from "./openStore.js";
import { sql } from "./statementCache.js";
import type { AttemptRow } from "./rowTypes.js";

/**
 * A number that changes whenever the campaign's trials or state change (the highest trial
 * revision, the trial count and the campaign's update time): a cheap question for a watcher.
 */
export function campaignChangeMark(db: Db, campaignId: number): string {
  const t = sql(
    db,
    `SELECT COALESCE(MAX(rev), 0) AS rev, COUNT(*) AS n FROM trials WHERE campaign_id = ?`,
  ).get(campaignId) as { rev: number; n: number };
  const c = sql(db, `SELECT state, updated_at FROM campaigns WHERE id = ?`).get(campaignId) as
    { state: string; updated_at: number } | undefined;
  return `${t.rev}:${t.n}:${c?.state ?? ""}:${c?.updated_at ?? 0}`;
}

/** The campaign's open attempts (CREATED, SUBMITTED, RUNNING) in one query, by the state index. */
export function listOpenAttemptRows(db: Db, campaignId: number): AttemptRow[] {
  return sql(
    db,
    `SELECT a.* FROM attempts a CROSS JOIN trials t ON t.id = a.trial_id
       WHERE t.campaign_id = ? AND a.state IN ('CREATED', 'SUBMITTED', 'RUNNING')
       ORDER BY a.id`,
  ).all(campaignId) as AttemptRow[];
}
