/**
 * npm run bench:report — the report of a large campaign against a small one, in the same run.
 * Two campaigns are written through the store API (200 and 20,000 trials, with failures,
 * timeouts and retries); for each: the time to build report.html from campaign.db (median of 3)
 * and the time until the page has drawn every section in headless Chromium (median of 3).
 * Targets for 20,000 trials: build under 5 s, every section drawn under 5 s. Also printed: the
 * build's CPU time and the page's main-thread busy time (Chromium's TaskDuration), which a
 * loaded machine inflates far less than the wall clock.
 *
 * Usage: npm run bench:report [-- --trials 20000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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

interface Figures {
  build: number;
  /** CPU seconds of this process for the build (load on the machine does not inflate it). */
  buildCpu: number;
  page: number;
  /** Seconds the page's main thread was busy (Chromium's TaskDuration), until drawn. */
  pageBusy: number;
  /** Script parsing (DOMContentLoaded) and each section's drawing, in ms, of the last load. */
  breakdown: string;
}

async function measure(trials: number, root: string): Promise<Figures> {
  const { dir } = writeSyntheticCampaign(join(root, String(trials)), trials);
  const builds: number[] = [];
  const cpus: number[] = [];
  let path = "";
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const open = openCampaignRecord(dir, true);
    try {
      path = writeReport(open);
    } finally {
      open.db.close();
    }
    builds.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const pages: number[] = [];
  const busy: number[] = [];
  let breakdown = "";
  for (let i = 0; i < 3; i++) {
    const b = await openBrowserPage();
    try {
      const cdp = await b.page.context().newCDPSession(b.page);
      await cdp.send("Performance.enable");
      const taskSeconds = async (): Promise<number> => {
        const m = await cdp.send("Performance.getMetrics");
        return m.metrics.find((x) => x.name === "TaskDuration")?.value ?? NaN;
      };
      const before = await taskSeconds();
      const t0 = performance.now();
      await b.page.goto(`file://${path}`, { waitUntil: "commit" });
      await b.page.waitForSelector("body[data-rendered]", { timeout: 600_000 });
      pages.push((performance.now() - t0) / 1000);
      busy.push((await taskSeconds()) - before);
      breakdown = String(
        await b.page.evaluate(
          "(() => { const t = performance.timing; return `parse ${t.domContentLoadedEventEnd - t.navigationStart} ms; ` + Object.entries(window.SO.timings).map(([k, v]) => `${k} ${v}`).join(', ') + ' ms'; })()",
        ),
      );
      if (b.errors.length > 0) throw new Error(`console errors: ${b.errors.join("; ")}`);
    } finally {
      await b.close();
    }
  }
  return {
    build: median(builds),
    buildCpu: median(cpus),
    page: median(pages),
    pageBusy: median(busy),
    breakdown,
  };
}

const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-report-"));
try {
  const small = await measure(SMALL, root);
  const big = await measure(large, root);
  const row = (n: number, m: Figures): string =>
    `${String(n).padStart(7)} trials  build ${m.build.toFixed(2)} s (CPU ${m.buildCpu.toFixed(2)} s)  page drawn ${m.page.toFixed(2)} s (main thread busy ${m.pageBusy.toFixed(2)} s)`;
  process.stdout.write(
    [
      "bench:report (medians of 3; page: headless Chromium until every section is drawn)",
      row(SMALL, small),
      row(large, big),
      `  where the ${large}-trial page spends its time: ${big.breakdown}`,
      `ratio ${large}/${SMALL}: build ${(big.build / small.build).toFixed(1)}x, page ${(big.page / small.page).toFixed(1)}x`,
      `target for ${large} trials: build < 5 s (${big.build < 5 ? "met" : "NOT met"}; CPU ${big.buildCpu < 5 ? "under" : "over"} 5 s), page < 5 s (${big.page < 5 ? "met" : "NOT met"}; main thread busy ${big.pageBusy < 5 ? "under" : "over"} 5 s)`,
      `load average now: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} (wall-clock figures grow with it; CPU and busy times much less)`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
