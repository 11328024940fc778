import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { faultPoint } from "../engine/faultPoints.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { iterateTrials, trialExtraKeys, trialSemKeys } from "../store/trialScans.js";
import { resultsColumns, resultsRow } from "./resultsTable.js";

/** Rows formatted and written together (bounds the memory a rewrite needs). */
const ROWS_PER_WRITE = 1000;

/**
 * Rewrites results.csv atomically (temporary file, then rename) from the store, streaming the
 * trials (a large campaign's rows are never all in memory at once).
 */
export function writeResultsCsv(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  dir: string,
): string {
  const path = new CampaignPaths(dir).resultsCsv;
  const columns = resultsColumns(
    campaign,
    trialExtraKeys(db, campaignId),
    trialSemKeys(db, campaignId),
  );
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    let rows: string[][] = [columns.header];
    for (const t of iterateTrials(db, campaignId)) {
      rows.push(resultsRow(columns, t));
      if (rows.length >= ROWS_PER_WRITE) {
        writeSync(fd, stringify(rows));
        rows = [];
      }
    }
    if (rows.length > 0) writeSync(fd, stringify(rows));
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  faultPoint("results-csv-rewrite");
  renameSync(tmp, path);
  return path;
}

/** A rewrite waits at least this many times as long as the last one took (see below). */
const REWRITE_SPACING = 50;

/**
 * Refreshes results.csv while a campaign runs: at most once per `minIntervalMs`, and always on
 * flush() (end of run). A rewrite costs time proportional to the number of trials, so the
 * wait after one is also at least REWRITE_SPACING times its duration: rewriting then takes at
 * most 1/(REWRITE_SPACING + 1) of the controller's time, and its cost per trial stays bounded
 * however large the campaign grows (a 100,000-trial file is rewritten about every half minute;
 * a small one every `minIntervalMs`). `slurmopt export` rewrites it at once.
 */
export class ResultsCsvRefresher {
  private last = Number.NEGATIVE_INFINITY;
  private lastDurationMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: () => void,
    private readonly minIntervalMs = 2000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The least time between two rewrites now. */
  get intervalMs(): number {
    return Math.max(this.minIntervalMs, REWRITE_SPACING * this.lastDurationMs);
  }

  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const started = this.clock();
    this.write();
    this.last = this.clock();
    this.lastDurationMs = this.last - started;
  }
}
