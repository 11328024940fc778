import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { campaignStatus, formatStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { campaignHasEnded } from "../cli/campaignExitCode.js";
import { ProgressLine, progressText } from "../cli/progressLine.js";
import {
  controllerJobState,
  latestControllerJob,
  type ControllerJobState,
} from "./controllerJobState.js";

export interface FollowOptions {
  intervalMs?: number;
  /** How the state of a controller job is learned (default: squeue on this machine). */
  jobState?: (jobId: string) => Promise<ControllerJobState>;
}

/** The campaign's status read from its folder, or null when it has no campaign.db (yet). */
export function readCampaignStatus(dir: string): CampaignStatus | null {
  if (!existsSync(new CampaignPaths(dir).db)) return null;
  const open = openCampaignRecord(dir, true);
  try {
    return campaignStatus(open.db, open.row, open.campaign);
  } finally {
    open.db.close();
  }
}

/**
 * --follow: shows a campaign's progress from the submitting shell while its controller runs as
 * a Slurm job (and its continuations), until the campaign ends. Reads the database and asks
 * squeue about the newest controller job: when that job is gone without a continuation and the
 * campaign did not end, it says so and returns (the campaign cannot go on by itself).
 */
export async function followCampaign(
  dir: string,
  options: FollowOptions = {},
): Promise<CampaignStatus | null> {
  const intervalMs = options.intervalMs ?? 2000;
  const jobState = options.jobState ?? controllerJobState;
  const line = new ProgressLine(process.stdout, process.stdout.isTTY);
  const startedAt = Date.now();
  let lastPrinted = "";
  let goneChecks = 0;
  for (;;) {
    const s = readCampaignStatus(dir);
    if (s) {
      const text = progressText(s, startedAt);
      // Not a terminal (a log file): one line per change of the counts, not of the ETA.
      const counts = text.replace(/ ETA \S+$/, "");
      if (process.stdout.isTTY) line.update(text);
      else if (counts !== lastPrinted) process.stdout.write(`${text}\n`);
      lastPrinted = counts;
      if (campaignHasEnded(s)) {
        line.end();
        process.stdout.write(`${formatStatus(s)}\n`);
        return s;
      }
    }
    const job = latestControllerJob(dir);
    // Gone twice in a row: a continuation is logged before its predecessor ends, and the
    // campaign's final state is stored before its controller ends.
    goneChecks = job !== null && (await jobState(job)) === "gone" ? goneChecks + 1 : 0;
    if (goneChecks >= 2 && job === latestControllerJob(dir)) {
      const last = readCampaignStatus(dir);
      if (last && campaignHasEnded(last)) continue; // ended just now: shown at the top
      line.end();
      process.stdout.write(
        `the controller job ${job} ended without finishing the campaign and queued no continuation (see ${new CampaignPaths(dir).controllerOut(String(job))}); start it again with "sbatch ${new CampaignPaths(dir).controllerScript}" or "slurmopt resume ${dir}"\n`,
      );
      if (last) process.stdout.write(`${formatStatus(last)}\n`);
      return last;
    }
    await sleep(intervalMs);
  }
}
