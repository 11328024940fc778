import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { faultPoint } from "../engine/faultPoints.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { listTrials } from "../store/trialRows.js";
import { resultsTable } from "./resultsTable.js";

export const RESULTS_CSV = "results.csv";

/** Rewrites results.csv atomically (temporary file, then rename) from the store. */
export function writeResultsCsv(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  dir: string,
): string {
  const path = join(dir, RESULTS_CSV);
  const text = stringify(resultsTable(campaign, listTrials(db, campaignId)));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  faultPoint("results-csv-rewrite");
  renameSync(tmp, path);
  return path;
}

/**
 * Refreshes results.csv while a campaign runs: at most once per `minIntervalMs`, and always on
 * flush() (end of run).
 */
export class ResultsCsvRefresher {
  private last = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: () => void,
    private readonly minIntervalMs = 2000,
  ) {}

  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = Date.now();
    this.write();
  }
}
