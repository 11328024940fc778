import type { Db } from "./openStore.js";
import { boundedOrNull, boundedText } from "./boundedText.js";
import { sql } from "./statementCache.js";
import type { CampaignRow, CampaignState } from "./rowTypes.js";

export function insertCampaign(
  db: Db,
  c: { uid: string; name: string; dir: string; specJson: string },
  now = Date.now(),
): CampaignRow {
  const info = sql(
    db,
    `INSERT INTO campaigns (uid, name, dir, spec_json, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'CREATED', ?, ?)`,
  ).run(c.uid, c.name, c.dir, c.specJson, now, now);
  return getCampaignById(db, Number(info.lastInsertRowid))!;
}

export function getCampaignById(db: Db, id: number): CampaignRow | undefined {
  return sql(db, `SELECT * FROM campaigns WHERE id = ?`).get(id) as CampaignRow | undefined;
}

export function listCampaigns(db: Db): CampaignRow[] {
  return sql(db, `SELECT * FROM campaigns ORDER BY id`).all() as CampaignRow[];
}

/** A CREATED campaign becomes RUNNING (its first asked or attached trial); others stay as they are. */
export function markCampaignStarted(db: Db, id: number, now = Date.now()): void {
  sql(
    db,
    `UPDATE campaigns SET state = 'RUNNING', updated_at = ? WHERE id = ? AND state = 'CREATED'`,
  ).run(now, id);
}

export function setCampaignState(
  db: Db,
  id: number,
  state: CampaignState,
  reason: string | null,
  now = Date.now(),
): void {
  sql(db, `UPDATE campaigns SET state = ?, stop_reason = ?, updated_at = ? WHERE id = ?`).run(
    state,
    boundedOrNull(reason),
    now,
    id,
  );
}

export function updateCampaignSpec(db: Db, id: number, specJson: string, now = Date.now()): void {
  sql(db, `UPDATE campaigns SET spec_json = ?, updated_at = ? WHERE id = ?`).run(specJson, now, id);
}

export function addCampaignEvent(
  db: Db,
  campaignId: number,
  level: "info" | "warn" | "error",
  message: string,
  now = Date.now(),
): void {
  sql(
    db,
    `INSERT INTO campaign_events (campaign_id, time, level, message) VALUES (?, ?, ?, ?)`,
  ).run(campaignId, now, level, boundedText(message));
}

/** The newest event whose message starts with `prefix`, or null. */
export function lastCampaignEventStartingWith(
  db: Db,
  campaignId: number,
  prefix: string,
): { time: number; level: string; message: string } | null {
  const row = sql(
    db,
    `SELECT time, level, message FROM campaign_events WHERE campaign_id = ? AND substr(message, 1, ?) = ? ORDER BY id DESC LIMIT 1`,
  ).get(campaignId, prefix.length, prefix) as
    { time: number; level: string; message: string } | undefined;
  return row ?? null;
}

export function recentCampaignEvents(
  db: Db,
  campaignId: number,
  limit: number,
): { time: number; level: string; message: string }[] {
  return sql(
    db,
    `SELECT time, level, message FROM campaign_events WHERE campaign_id = ? ORDER BY id DESC LIMIT ?`,
  ).all(campaignId, limit) as { time: number; level: string; message: string }[];
}

/** Records the folder (and uid) a campaign lives in: after a move, or as a copy of its own. */
export function setCampaignFolder(
  db: Db,
  id: number,
  uid: string,
  dir: string,
  now = Date.now(),
): void {
  sql(db, `UPDATE campaigns SET uid = ?, dir = ?, updated_at = ? WHERE id = ?`).run(
    uid,
    dir,
    now,
    id,
  );
}

/** Attempts of a campaign not yet finished (created, submitted or running). */
export function countOpenAttempts(db: Db, campaignId: number): number {
  return (
    sql(
      db,
      `SELECT COUNT(*) AS n FROM attempts a JOIN trials t ON t.id = a.trial_id
         WHERE t.campaign_id = ? AND a.state != 'FINISHED'`,
    ).get(campaignId) as { n: number }
  ).n;
}
