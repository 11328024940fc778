import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { campaignStatus, formatStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { ProgressLine, progressText } from "../cli/progressLine.js";
import {
  controllerJobState,
  latestControllerJob,
  type ControllerJobState,
} from "./controllerJobState.js";
import { CONTINUATION_REASON } from "./renderControllerScript.js";

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** Ended for good: a final state, or stopped for another reason than a continuation. */
function hasEnded(s: CampaignStatus): boolean {
  return FINAL.has(s.state) || (s.state === "STOPPED" && s.stop_reason !== CONTINUATION_REASON);
}

export interface FollowOptions {
  intervalMs?: number;
  /** How the state of a controller job is learned (default: squeue on this machine). */
  jobState?: (jobId: string) => Promise<ControllerJobState>;
}

function readStatus(dir: string): CampaignStatus | null {
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
    const s = readStatus(dir);
    if (s) {
      const text = progressText(s, startedAt);
      // Not a terminal (a log file): one line per change of the counts, not of the ETA.
      const counts = text.replace(/ ETA \S+$/, "");
      if (process.stdout.isTTY) line.update(text);
      else if (counts !== lastPrinted) process.stdout.write(`${text}\n`);
      lastPrinted = counts;
      if (hasEnded(s)) {
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
      const last = readStatus(dir);
      if (last && hasEnded(last)) continue; // ended just now: shown at the top
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
