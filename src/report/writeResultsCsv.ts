import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { faultPoint } from "../engine/faultPoints.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { iterateTrials, trialExtraKeys, trialSemKeys } from "../store/trialScans.js";
import { outputMark, recordOutputWritten } from "./outputFreshness.js";
import { RunningHypervolume, hypervolumeReference, minimizedRows } from "./campaignHypervolume.js";
import { feasibleValues, resultsColumns, resultsRow } from "./resultsTable.js";

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
  // Taken before the store is read: a change while the file is written makes it stale.
  const mark = outputMark(db, campaignId);
  const columns = resultsColumns(
    campaign,
    trialExtraKeys(db, campaignId),
    trialSemKeys(db, campaignId),
  );
  const hv = columns.hypervolume ? streamedHypervolume(db, campaignId, campaign) : null;
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    let rows: string[][] = [columns.header];
    for (const t of iterateTrials(db, campaignId)) {
      rows.push(resultsRow(columns, t, hv));
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
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  recordOutputWritten(db, campaignId, "results.csv", mark);
  return path;
}

/** A failed rewrite is tried again after this long, even when nothing changes meanwhile. */
export const RESULTS_CSV_RETRY_MS = 10_000;

/** The campaign events a controller records about results.csv (`slurmopt status` reads them). */
export const RESULTS_CSV_FAILING = "results.csv cannot be written";
export const RESULTS_CSV_WRITTEN_AGAIN = "results.csv is written again";

/** The campaign event for a refresher's problem report (null: it works again). */
export function resultsCsvEvent(
  problem: string | null,
  dir: string,
): { level: "info" | "warn"; message: string } {
  return problem === null
    ? { level: "info", message: RESULTS_CSV_WRITTEN_AGAIN }
    : {
        level: "warn",
        message: `${RESULTS_CSV_FAILING} (${problem}); the campaign goes on and campaign.db keeps every result; retrying every ${RESULTS_CSV_RETRY_MS / 1000} s ("slurmopt export ${dir}" writes it once the folder is writable)`,
      };
}

/**
 * The running hypervolume for the column, its reference point from a first pass over the
 * trials that keeps only the feasible objective rows (a few numbers per trial).
 */
function streamedHypervolume(db: Db, campaignId: number, campaign: Campaign): RunningHypervolume {
  const rows: Float64Array[] = [];
  for (const t of iterateTrials(db, campaignId)) {
    const v = feasibleValues(t, campaign.outcomeConstraints);
    if (v) rows.push(...minimizedRows([v], campaign.objectives));
  }
  const { reference } = hypervolumeReference(campaign, rows);
  return new RunningHypervolume(campaign.objectives, reference);
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
  private problem: string | null = null;

  /**
   * A rewrite that fails (a folder in the file's place, a read-only folder, a full disk) never
   * throws: `onProblem` hears of it once per distinct problem (and with null once a rewrite
   * works again), and the rewrite is tried again every RESULTS_CSV_RETRY_MS. campaign.db holds
   * every result meanwhile.
   */
  constructor(
    private readonly write: () => void,
    private readonly minIntervalMs = 2000,
    private readonly clock: () => number = () => performance.now(),
    private readonly onProblem: (problem: string | null) => void = () => undefined,
  ) {}

  /** The least time between two rewrites now. */
  get intervalMs(): number {
    return Math.max(this.minIntervalMs, REWRITE_SPACING * this.lastDurationMs);
  }

  /** Why the last rewrite failed, or null when it worked. */
  get failing(): string | null {
    return this.problem;
  }

  changed(): void {
    if (this.timer) return;
    this.schedule(Math.max(0, this.last + this.intervalMs - this.clock()));
  }

  private schedule(wait: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  /** Rewrites now; returns whether the file was written. */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const started = this.clock();
    try {
      this.write();
    } catch (e) {
      this.last = this.clock();
      const problem = e instanceof Error ? e.message : String(e);
      if (problem !== this.problem) {
        this.problem = problem;
        this.onProblem(problem);
      }
      this.schedule(Math.max(this.intervalMs, RESULTS_CSV_RETRY_MS));
      return false;
    }
    this.last = this.clock();
    this.lastDurationMs = this.last - started;
    if (this.problem !== null) {
      this.problem = null;
      this.onProblem(null);
    }
    return true;
  }

  /** Stops the retries (the campaign's end). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
