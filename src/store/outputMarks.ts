import type { Db } from "./openStore.js";
import { sql } from "./statementCache.js";

/** The output files whose marks are kept. */
export type MarkedOutput = "results.csv" | "report.html";

/**
 * The mark recorded when `output` was last written (outputFreshness.ts), or null: never
 * recorded, or a database opened read-only before its migration to version 6.
 */
export function recordedOutputMark(
  db: Db,
  campaignId: number,
  output: MarkedOutput,
): string | null {
  if (!hasMarkTable(db)) return null;
  const row = sql(db, `SELECT mark FROM output_marks WHERE campaign_id = ? AND output = ?`).get(
    campaignId,
    output,
  ) as { mark: string } | undefined;
  return row?.mark ?? null;
}

/** Records the mark `output` was written from; nothing on a read-only database. */
export function recordOutputMark(
  db: Db,
  campaignId: number,
  output: MarkedOutput,
  mark: string,
): void {
  if (db.readonly || !hasMarkTable(db)) return;
  sql(
    db,
    `INSERT INTO output_marks (campaign_id, output, mark) VALUES (?, ?, ?)
       ON CONFLICT (campaign_id, output) DO UPDATE SET mark = excluded.mark`,
  ).run(campaignId, output, mark);
}

function hasMarkTable(db: Db): boolean {
  return (
    sql(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'output_marks'`).get() !==
    undefined
  );
}
