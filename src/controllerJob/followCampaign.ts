import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { DB_FILE } from "../engine/campaignFolder.js";
import { campaignStatus, formatStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { ProgressLine, progressText } from "../cli/progressLine.js";

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/**
 * --follow: shows a campaign's progress from the submitting shell while its controller runs as
 * a Slurm job (and its continuations), until the campaign ends. Reads the database only.
 */
export async function followCampaign(
  dir: string,
  intervalMs = 2000,
): Promise<CampaignStatus | null> {
  const line = new ProgressLine(process.stdout, process.stdout.isTTY);
  const startedAt = Date.now();
  let lastPrinted = "";
  for (;;) {
    if (existsSync(join(dir, DB_FILE))) {
      const open = openCampaignRecord(dir, true);
      let s: CampaignStatus;
      try {
        s = campaignStatus(open.db, open.row, open.campaign);
      } finally {
        open.db.close();
      }
      const text = progressText(s, startedAt);
      if (process.stdout.isTTY) line.update(text);
      else if (text !== lastPrinted) process.stdout.write(`${text}\n`);
      lastPrinted = text;
      const stoppedForGood =
        s.state === "STOPPED" &&
        !(s.stop_reason ?? "").startsWith("controller job time limit near");
      if (FINAL.has(s.state) || stoppedForGood) {
        line.end();
        process.stdout.write(`${formatStatus(s)}\n`);
        return s;
      }
    }
    await sleep(intervalMs);
  }
}
