/**
 * npm run bench:report — the report of a large campaign against a small one, in the same run.
 * Two campaigns are written through the store API (200 and 20,000 trials, with failures,
 * timeouts and retries); for each: the time to build report.html from campaign.db (median of 3)
 * and the time until the page has drawn every section in headless Chromium (median of 3).
 * Targets for 20,000 trials: build under 5 s, every section drawn under 5 s.
 *
 * Usage: npm run bench:report [-- --trials 20000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCampaignRecord } from "../src/engine/campaignRecord.js";
import { writeReport } from "../src/report/writeReport.js";
import { openBrowserPage } from "../test/helpers/headlessChromium.js";
import { writeSyntheticCampaign } from "../test/helpers/syntheticCampaign.js";

const args = process.argv.slice(2);
const large = Number(args[args.indexOf("--trials") + 1] ?? 20_000) || 20_000;
const SMALL = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(trials: number, root: string): Promise<{ build: number; page: number }> {
  const { dir } = writeSyntheticCampaign(join(root, String(trials)), trials);
  const builds: number[] = [];
  let path = "";
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const open = openCampaignRecord(dir, true);
    try {
      path = writeReport(open);
    } finally {
      open.db.close();
    }
    builds.push((performance.now() - t0) / 1000);
  }
  const pages: number[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await openBrowserPage();
    try {
      const t0 = performance.now();
      await b.page.goto(`file://${path}`, { waitUntil: "commit" });
      await b.page.waitForSelector("body[data-rendered]", { timeout: 600_000 });
      pages.push((performance.now() - t0) / 1000);
      if (b.errors.length > 0) throw new Error(`console errors: ${b.errors.join("; ")}`);
    } finally {
      await b.close();
    }
  }
  return { build: median(builds), page: median(pages) };
}

const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-report-"));
try {
  const small = await measure(SMALL, root);
  const big = await measure(large, root);
  const row = (n: number, m: { build: number; page: number }): string =>
    `${String(n).padStart(7)} trials  build ${m.build.toFixed(2)} s  page drawn ${m.page.toFixed(2)} s`;
  process.stdout.write(
    [
      "bench:report (medians of 3; page: headless Chromium until every section is drawn)",
      row(SMALL, small),
      row(large, big),
      `ratio ${large}/${SMALL}: build ${(big.build / small.build).toFixed(1)}x, page ${(big.page / small.page).toFixed(1)}x`,
      `target for ${large} trials: build < 5 s (${big.build < 5 ? "met" : "NOT met"}), page < 5 s (${big.page < 5 ? "met" : "NOT met"})`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
