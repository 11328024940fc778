/**
 * A resume of a finished campaign reads a few rows whatever its size, and rewrites only the
 * outputs that are missing or older than the store; a resume that changes the campaign runs in
 * full. Rows are counted, never timed.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resumeCommand } from "../../../src/cli/campaignCommands.js";
import { getCampaignById, setCampaignState } from "../../../src/store/campaignRows.js";
import { openStore } from "../../../src/store/openStore.js";
import { writeFinishedCampaign } from "../../helpers/finishedCampaign.js";
import { embeddedData } from "../../helpers/reportFile.js";
import { testDir } from "../../helpers/runCli.js";
import { countStatementRows } from "../../helpers/statementRows.js";

/** What identifies a file's version: a rewrite (temporary file, then rename) changes its inode. */
const inode = (path: string): number => statSync(path).ino;

async function resume(dir: string, report = true): Promise<number> {
  return resumeCommand(dir, { quiet: true, cancelOnExit: false, report });
}

describe("resume of a finished campaign", () => {
  it("resumes a finished campaign reading a few rows, whatever its size, and rewrites only stale outputs", async () => {
    const reads: number[] = [];
    for (const n of [300, 3000]) {
      const dir = writeFinishedCampaign(testDir(`finished-resume-${n}`), `finished${n}`, n);
      const csv = join(dir, "results.csv");
      const html = join(dir, "report.html");
      // No outputs yet: both are written (a controller killed after its last trial leaves this).
      expect(await resume(dir)).toBe(0);
      const written = { csv: inode(csv), html: inode(html) };
      expect(readFileSync(csv, "utf8").trim().split("\n")).toHaveLength(n + 1);

      const again = await countStatementRows(() => resume(dir));
      expect(again.result).toBe(0);
      expect(again.count.iterated).toBe(0);
      reads.push(again.count.rows);
      expect({ csv: inode(csv), html: inode(html) }).toEqual(written);

      // A missing report is written again; results.csv, still current, is left alone.
      rmSync(html);
      expect(await resume(dir)).toBe(0);
      expect(inode(csv)).toBe(written.csv);
      expect((embeddedData(html).trials as unknown[]).length).toBe(n);
      // --no-report leaves report.html as it is.
      const html2 = inode(html);
      expect(await resume(dir, false)).toBe(0);
      expect(inode(html)).toBe(html2);
    }
    expect(reads[0]).toBeLessThan(40);
    expect(reads[1]).toBe(reads[0]);
  }, 300_000);

  it("resumes in full a campaign whose max_eval grows, and its outputs follow", async () => {
    const dir = writeFinishedCampaign(testDir("finished-grow"), "grow", 20);
    expect(await resume(dir)).toBe(0);
    const code = await resumeCommand(dir, {
      quiet: true,
      cancelOnExit: false,
      maxEval: 24,
    });
    expect(code).toBe(0);
    expect(readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n")).toHaveLength(25);
    expect((embeddedData(join(dir, "report.html")).trials as unknown[]).length).toBe(24);
    // Finished again, at 24: a resume now reads no trial.
    const again = await countStatementRows(() => resume(dir));
    expect(again.count.iterated).toBe(0);
  }, 300_000);

  it("marks COMPLETED a campaign whose controller died after its last trial, and rewrites its outputs", async () => {
    const dir = writeFinishedCampaign(testDir("finished-died"), "died", 50);
    expect(await resume(dir)).toBe(0);
    const csv = inode(join(dir, "results.csv"));
    const db = openStore(join(dir, "campaign.db"), { create: false });
    try {
      setCampaignState(db, 1, "RUNNING", null);
    } finally {
      db.close();
    }
    const r = await countStatementRows(() => resume(dir));
    expect(r.result).toBe(0);
    expect(r.count.iterated).toBeGreaterThanOrEqual(2 * 50); // both outputs rewritten
    const again = openStore(join(dir, "campaign.db"), { create: false, readonly: true });
    try {
      expect(getCampaignById(again, 1)?.state).toBe("COMPLETED");
    } finally {
      again.close();
    }
    expect(inode(join(dir, "results.csv"))).not.toBe(csv);
  }, 300_000);
});
