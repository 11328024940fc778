import { existsSync } from "node:fs";
import { join } from "node:path";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { formatStatus } from "../report/campaignStatus.js";
import { isOutputCurrent } from "../report/outputFreshness.js";
import { REPORT_HTML, writeFinalReport } from "../report/writeReport.js";
import { CampaignSession } from "../session/campaignSession.js";
import type { Campaign } from "../spec/campaign.js";
import { listOpenAttemptRows } from "../store/campaignAttempts.js";
import type { Db } from "../store/openStore.js";
import { ACTIVE_TRIAL_STATES } from "../store/rowTypes.js";
import { countTrialsByState } from "../store/trialRows.js";
import { campaignExitCode } from "./campaignExitCode.js";

export interface FinishedResumeOptions {
  /** Write report.html when it is not up to date (default true; --no-report). */
  report: boolean;
}

/**
 * Resume of a campaign with nothing left to run (its trials reached max_eval, none is
 * proposed, queued or running, no attempt is open, no stop or cancel request waits): what a
 * full resume would end with, without reading every trial. Under the campaign lock it marks
 * the campaign COMPLETED (when it is not already), rewrites results.csv and report.html only
 * when they are missing or older than the store (outputFreshness.ts), and prints the status.
 * Returns the exit code, or null when the campaign has something left to run (or a request
 * waits): the caller resumes it in full.
 */
export async function resumeFinished(
  dir: string,
  options: FinishedResumeOptions,
): Promise<number | null> {
  const paths = new CampaignPaths(dir);
  if (existsSync(paths.controlRequest)) return null;
  const session = await CampaignSession.open(dir, {
    lock: {
      // Nothing is submitted here: a lost lock only means another controller took over.
      onCompromised: (e) =>
        process.stderr.write(`slurmopt: the campaign lock was lost (${e.message})\n`),
      onTakeover: (m) => process.stderr.write(`slurmopt: ${m}\n`),
    },
  });
  try {
    const { db, campaignId, campaign } = session;
    const total = nothingLeftToRun(db, campaignId, campaign);
    if (total === null) return null;
    if (session.row.state !== "COMPLETED") session.setState("COMPLETED", null);
    const rewritten: string[] = [];
    if (!isOutputCurrent(db, campaignId, "results.csv", paths.resultsCsv)) {
      session.writeResultsCsv();
      rewritten.push("results.csv");
    }
    const reportPath = join(dir, REPORT_HTML);
    let report: string | null = null;
    if (options.report) {
      if (isOutputCurrent(db, campaignId, "report.html", reportPath)) report = reportPath;
      else {
        report = writeFinalReport(session.record(), session.logger);
        if (report !== null) rewritten.push("report.html");
      }
    }
    process.stderr.write(
      `slurmopt: campaign ${campaign.name} in ${dir} has nothing left to run (${total} trials, max_eval ${campaign.maxEval}, none running); ${rewritten.length > 0 ? `rewrote ${rewritten.join(" and ")}` : "its outputs are up to date"}\n`,
    );
    const status = session.status();
    process.stdout.write(
      `${formatStatus(status)}\nresults: ${paths.resultsCsv}\n${report ? `report: ${report}\n` : ""}`,
    );
    return campaignExitCode(status, false);
  } finally {
    await session.close();
  }
}

/**
 * The number of trials when the campaign has nothing left to run (max_eval reached, no trial
 * active, no attempt open), else null. A few aggregate queries: no trial row is read.
 */
function nothingLeftToRun(db: Db, campaignId: number, campaign: Campaign): number | null {
  const counts = countTrialsByState(db, campaignId);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total < campaign.maxEval) return null;
  if (ACTIVE_TRIAL_STATES.some((s) => counts[s] > 0)) return null;
  if (listOpenAttemptRows(db, campaignId).length > 0) return null;
  return total;
}
