/**
 * The end of a large campaign stays bounded: report.html and results.csv are written from rows
 * streamed out of the store, never a list of every trial in memory. Rows are counted, never
 * timed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openCampaignRecord } from "../../../src/engine/campaignRecord.js";
import { buildReportData } from "../../../src/report/buildReportData.js";
import { writeReport } from "../../../src/report/writeReport.js";
import { writeResultsCsv } from "../../../src/report/writeResultsCsv.js";
import { getCampaignById } from "../../../src/store/campaignRows.js";
import { testDir } from "../../helpers/runCli.js";
import { countStatementRows } from "../../helpers/statementRows.js";
import { writeSyntheticCampaign } from "../../helpers/syntheticCampaign.js";
import { embeddedData } from "../../helpers/reportFile.js";

describe("the output writers", () => {
  it("writes report.html and results.csv from streamed rows, with the same data as the whole list", async () => {
    const { dir, counts } = writeSyntheticCampaign(testDir("streamed-outputs"), 3000);
    const open = openCampaignRecord(dir);
    try {
      const report = await countStatementRows(() => writeReport(open));
      // Every trial (and attempt) streamed; no query returned more than a few rows at once.
      expect(report.count.iterated).toBeGreaterThanOrEqual(3000);
      expect(report.count.largestAll).toBeLessThan(50);
      const csv = await countStatementRows(() =>
        writeResultsCsv(open.db, open.row.id, open.campaign, dir),
      );
      expect(csv.count.iterated).toBeGreaterThanOrEqual(3000);
      expect(csv.count.largestAll).toBeLessThan(50);
      expect(readFileSync(csv.result, "utf8").trim().split("\n")).toHaveLength(3001);

      const page = embeddedData(report.result);
      const whole = buildReportData(
        { ...open, row: getCampaignById(open.db, open.row.id)! },
        page.generatedAt as number,
      ) as unknown as Record<string, unknown>;
      expect(page).toEqual(whole);
      expect(page.trials).toHaveLength(3000);
      expect((page.failures as unknown[]).length).toBe(counts.failed + counts.timeout);
    } finally {
      open.db.close();
    }
  }, 300_000);
});
