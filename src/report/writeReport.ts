import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { OpenCampaign } from "../engine/campaignRecord.js";
import { errorMessage } from "../errors/errors.js";
import { buildReportData } from "./buildReportData.js";
import { renderReportHtml } from "./renderReportHtml.js";

export const REPORT_HTML = "report.html";

/**
 * Writes the campaign's HTML report (default: report.html in its folder) atomically (temporary
 * file, then rename), from the campaign's database. Returns the path.
 */
export function writeReport(open: OpenCampaign, outPath?: string): string {
  const path = outPath ?? join(open.dir, REPORT_HTML);
  const data = buildReportData(open);
  const html = renderReportHtml({
    mode: "static",
    data,
    title: `slurmopt report: ${data.campaign.name}`,
  });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, html, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

/**
 * The report written when a campaign's run ends. A report that cannot be written never fails
 * the campaign: a warning names the reason and the command that writes it later.
 */
export function writeFinalReport(open: OpenCampaign, logger: Logger): string | null {
  try {
    return writeReport(open);
  } catch (e) {
    logger.warn({ err: e }, "report.html not written");
    process.stderr.write(
      `slurmopt: warning: report.html not written (${errorMessage(e)}); write it with "slurmopt report ${open.dir}"\n`,
    );
    return null;
  }
}
