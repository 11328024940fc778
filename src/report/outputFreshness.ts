/**
 * Whether an output file (results.csv, report.html) is up to date with the store: each writer
 * records the campaign's change mark from before it read the store (outputMarks.ts), and a
 * file whose recorded mark is the mark now needs no rewrite (resume of a finished campaign).
 * The mark changes with every trial change (the trials' revision and count), the campaign's
 * state, stop reason, update time, uid and folder, and slurmopt's version. A running
 * campaign's report also depends on the clock (its wall time): ask only of a finished one.
 */
import { existsSync } from "node:fs";
import { slurmoptVersion } from "../daemon/daemonVersion.js";
import { campaignChangeMark } from "../store/campaignAttempts.js";
import { getCampaignById } from "../store/campaignRows.js";
import type { Db } from "../store/openStore.js";
import { recordOutputMark, recordedOutputMark, type MarkedOutput } from "../store/outputMarks.js";
import { REPORT_DATA_VERSION } from "./reportData.js";

/** The campaign's change mark now, as the output writers record it. */
export function outputMark(db: Db, campaignId: number): string {
  const row = getCampaignById(db, campaignId);
  return JSON.stringify([
    slurmoptVersion(),
    REPORT_DATA_VERSION,
    campaignChangeMark(db, campaignId),
    row?.uid ?? null,
    row?.dir ?? null,
    row?.stop_reason ?? null,
  ]);
}

/** Records that `output` was written from the store as it was at `mark` (best effort). */
export function recordOutputWritten(
  db: Db,
  campaignId: number,
  output: MarkedOutput,
  mark: string,
): void {
  try {
    recordOutputMark(db, campaignId, output, mark);
  } catch {
    // Not recorded: the next resume of the finished campaign rewrites the file once more.
  }
}

/** Whether the file at `path` exists and was written from the store as it is now. */
export function isOutputCurrent(
  db: Db,
  campaignId: number,
  output: MarkedOutput,
  path: string,
): boolean {
  return (
    existsSync(path) && recordedOutputMark(db, campaignId, output) === outputMark(db, campaignId)
  );
}
