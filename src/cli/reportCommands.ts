import { resolve } from "node:path";
import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { EXIT } from "../errors/errors.js";
import { bestTrials, formatBestTrials } from "../report/bestTrials.js";
import { writeReport } from "../report/writeReport.js";

/** `slurmopt report <dir> [-o report.html]`: writes the HTML report and prints its path. */
export function reportCommand(dirArg: string, out: string | undefined): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg), true);
  try {
    const path = writeReport(open, out === undefined ? undefined : resolve(out));
    process.stdout.write(`${path}\n`);
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}

/** `slurmopt best <dir> [--n 10] [--json]`: the best trials, or the Pareto set. */
export function bestCommand(dirArg: string, n: number, json: boolean): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg), true);
  try {
    const best = bestTrials(open.db, open.row.id, open.campaign, n);
    process.stdout.write(
      json ? `${JSON.stringify(best, null, 2)}\n` : `${formatBestTrials(best)}\n`,
    );
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}
