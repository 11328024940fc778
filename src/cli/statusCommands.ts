import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { EXIT } from "../errors/errors.js";
import { campaignStatus, formatStatus } from "../report/campaignStatus.js";
import { writeResultsCsv } from "../report/writeResultsCsv.js";

/** `slurmopt status <dir> [--json]` */
export function statusCommand(dirArg: string, json: boolean): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg), true);
  try {
    const s = campaignStatus(open.db, open.row, open.campaign);
    process.stdout.write(json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}

/** `slurmopt export <dir>`: rewrites results.csv from the store and prints its path. */
export function exportCommand(dirArg: string): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg));
  try {
    process.stdout.write(`${writeResultsCsv(open.db, open.row.id, open.campaign, open.dir)}\n`);
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}
