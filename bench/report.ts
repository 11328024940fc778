/**
 * npm run bench:report — the report of a large campaign against a small one, in the same run.
 * Two campaigns are written through the store API (200 and 20,000 trials, with failures,
 * timeouts and retries); for each: the time to build report.html from campaign.db (median of 3)
 * and, in headless Chromium (median of 3 loads), as the browser measures them from navigation:
 * - first section: when the first section's heading is shown (Element Timing);
 * - interactive: the page's first pass is done (every section there, the plots of the first
 *   screen drawn: the slurmopt-ready mark) and no main-thread task runs on past it (the end of
 *   the last long task, >= 50 ms, begun before 1 s after ready); with the longest task between
 *   the first section and then, the worst wait a reader's click or key can meet meanwhile;
 * - every section drawn: interactive plus drawing every plot that waits to be scrolled near,
 *   one per task (as scrolling through the page draws them), with the longest of those tasks.
 * Targets for 20,000 trials: build under 5 s, interactive under 5 s. Also printed: the build's
 * CPU time and the page's main-thread busy time (Chromium's TaskDuration, until every plot is
 * drawn), which a loaded machine inflates far less than the wall clock.
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
/** How long after the ready mark a long task still counts against "interactive". */
const SETTLE_MS = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs in the page before its own scripts: the browser's long tasks and element timings. */
const OBSERVE = `
  window.__bench = { long: [], shown: [] };
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__bench.long.push([e.startTime, e.duration]);
  }).observe({ type: "longtask" });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__bench.shown.push([e.identifier, e.renderTime || e.loadTime]);
  }).observe({ type: "element", buffered: true });
`;

/** What the page measured, in ms from navigation. */
interface PageTimes {
  scriptsParsed: number;
  firstSection: number;
  ready: number;
  interactive: number;
  longestBeforeInteractive: number;
  allDrawn: number;
  longestDrawingRest: number;
  sections: string;
}

const READ_TIMES = `(async () => {
  const mark = (n) => performance.getEntriesByName(n)[0].startTime;
  const b = window.__bench;
  const ready = mark("slurmopt-ready");
  await new Promise((r) => setTimeout(r, ${SETTLE_MS}));
  const first = Math.min(...b.shown.map((s) => s[1]));
  const settle = b.long.filter(([s]) => s < ready + ${SETTLE_MS});
  const interactive = Math.max(ready, ...settle.map(([s, d]) => s + d));
  const longestBefore = Math.max(0, ...settle.filter(([s, d]) => s + d > first).map(([, d]) => d));
  const known = b.long.length;
  const t0 = performance.now();
  await new Promise((r) => {
    window.SO.whenAllDrawn(r);
    window.SO.drawPending();
  });
  const drawing = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  const rest = b.long.slice(known).map(([, d]) => d);
  const t = performance.timing;
  return {
    scriptsParsed: t.domContentLoadedEventEnd - t.navigationStart,
    firstSection: first,
    ready,
    interactive,
    longestBeforeInteractive: longestBefore,
    allDrawn: interactive + drawing,
    longestDrawingRest: Math.max(0, ...rest),
    sections: Object.entries(window.SO.timings).map(([k, v]) => k + " " + v).join(", "),
  };
})()`;

interface Figures {
  build: number;
  /** CPU seconds of this process for the build (load on the machine does not inflate it). */
  buildCpu: number;
  /** Medians of the page's times, in s. */
  firstSection: number;
  interactive: number;
  longestBeforeInteractive: number;
  allDrawn: number;
  longestDrawingRest: number;
  /** Seconds the page's main thread was busy (Chromium's TaskDuration), until all drawn. */
  pageBusy: number;
  /** Script parsing and each section's drawing, in ms, of the last load. */
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
  const loads: PageTimes[] = [];
  const busy: number[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await openBrowserPage();
    try {
      await b.page.addInitScript(OBSERVE);
      const cdp = await b.page.context().newCDPSession(b.page);
      await cdp.send("Performance.enable");
      const taskSeconds = async (): Promise<number> => {
        const m = await cdp.send("Performance.getMetrics");
        return m.metrics.find((x) => x.name === "TaskDuration")?.value ?? NaN;
      };
      const before = await taskSeconds();
      await b.page.goto(`file://${path}`, { waitUntil: "commit" });
      await b.page.waitForSelector("body[data-ready]", { timeout: 600_000 });
      loads.push(await b.page.evaluate<PageTimes>(READ_TIMES));
      await b.page.waitForSelector("body[data-rendered]", { timeout: 600_000 });
      busy.push((await taskSeconds()) - before);
      if (b.errors.length > 0) throw new Error(`console errors: ${b.errors.join("; ")}`);
    } finally {
      await b.close();
    }
  }
  const med = (f: (t: PageTimes) => number): number => median(loads.map(f)) / 1000;
  const last = loads[loads.length - 1]!;
  return {
    build: median(builds),
    buildCpu: median(cpus),
    firstSection: med((t) => t.firstSection),
    interactive: med((t) => t.interactive),
    longestBeforeInteractive: med((t) => t.longestBeforeInteractive),
    allDrawn: med((t) => t.allDrawn),
    longestDrawingRest: med((t) => t.longestDrawingRest),
    pageBusy: median(busy),
    breakdown: `scripts parsed at ${Math.round(last.scriptsParsed)} ms; ${last.sections} ms`,
  };
}

const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-report-"));
try {
  const small = await measure(SMALL, root);
  const big = await measure(large, root);
  const s = (x: number): string => `${x.toFixed(2)} s`;
  const row = (n: number, m: Figures): string =>
    `${String(n).padStart(7)} trials  build ${s(m.build)} (CPU ${s(m.buildCpu)})  first section ${s(m.firstSection)}  interactive ${s(m.interactive)} (longest task before ${s(m.longestBeforeInteractive)})  every section drawn ${s(m.allDrawn)} (longest task ${s(m.longestDrawingRest)})  main thread busy ${s(m.pageBusy)}`;
  process.stdout.write(
    [
      "bench:report (medians of 3; page times from navigation, measured by headless Chromium)",
      row(SMALL, small),
      row(large, big),
      `  where the ${large}-trial page spends its time: ${big.breakdown}`,
      `ratio ${large}/${SMALL}: build ${(big.build / small.build).toFixed(1)}x, interactive ${(big.interactive / small.interactive).toFixed(1)}x, every section drawn ${(big.allDrawn / small.allDrawn).toFixed(1)}x`,
      `target for ${large} trials: build < 5 s (${big.build < 5 ? "met" : "NOT met"}; CPU ${big.buildCpu < 5 ? "under" : "over"} 5 s), interactive < 5 s (${big.interactive < 5 ? "met" : "NOT met"}); every section drawn < 5 s (${big.allDrawn < 5 ? "yes" : "no"})`,
      `load average now: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} (wall-clock figures grow with it; CPU and busy times much less)`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
