import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { OpenCampaign } from "../engine/campaignRecord.js";
import { errorMessage } from "../errors/errors.js";
import { buildReportSummary, reportTrialStream } from "./buildReportData.js";
import { outputMark, recordOutputWritten } from "./outputFreshness.js";
import { jsonText, reportPageParts } from "./renderReportHtml.js";

export const REPORT_HTML = "report.html";

/** Trials serialized and written together (bounds the memory a report needs). */
const TRIALS_PER_WRITE = 1000;

/**
 * Writes the campaign's HTML report (default: report.html in its folder) atomically (temporary
 * file, then rename), from the campaign's database. Returns the path. The page embeds every
 * trial (its table lists them all), streamed from the store into the file a thousand at a
 * time: the memory a report needs does not grow with the campaign's trials (what it holds is
 * bounded by what the plots draw: buildReportSummary).
 */
export function writeReport(open: OpenCampaign, outPath?: string): string {
  const path = outPath ?? join(open.dir, REPORT_HTML);
  // Taken before the store is read: a change while the page is written makes it stale.
  const mark = outputMark(open.db, open.row.id);
  const summary = buildReportSummary(open);
  const page = reportPageParts(
    "static",
    summary.objectives.length,
    `slurmopt report: ${summary.campaign.name}`,
  );
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, page.before);
    // The same JSON as jsonText(buildReportData(open)), with the trials written last.
    writeSync(fd, `${jsonText(summary).slice(0, -1)},"trials":[`);
    let chunk: string[] = [];
    let separator = "";
    for (const t of reportTrialStream(open, summary.metrics)) {
      chunk.push(jsonText(t));
      if (chunk.length >= TRIALS_PER_WRITE) {
        writeSync(fd, separator + chunk.join(","));
        separator = ",";
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, separator + chunk.join(","));
    writeSync(fd, "]}");
    writeSync(fd, page.after);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (path === join(open.dir, REPORT_HTML))
    recordOutputWritten(open.db, open.row.id, "report.html", mark);
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
