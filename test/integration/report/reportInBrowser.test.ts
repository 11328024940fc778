/**
 * The HTML report opened in real headless Chromium (Debian's chromium, driven by
 * playwright-core): every section drawn with the campaign's data, no console errors, no
 * network request, a screenshot of each section under .test-results/.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  openBrowserPage,
  screenshotSections,
  type BrowserPage,
} from "../../helpers/headlessChromium.js";
import { REPO, runCli, testDir } from "../../helpers/runCli.js";
import { writeSyntheticCampaign } from "../../helpers/syntheticCampaign.js";
import {
  campaignFacts,
  checkCommonSections,
  checkPointPlots,
  counts,
  loadReport,
  openReport,
  plotOf,
  scrollUntilDrawn,
} from "./reportPageKit.js";

let browser: BrowserPage | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

async function report(dir: string): Promise<string> {
  const r = await runCli(["report", dir], { cwd: REPO });
  expect(r.code, r.stderr).toBe(0);
  const path = r.stdout.trim();
  expect(path).toBe(join(dir, "report.html"));
  return path;
}

describe.skipIf(!existsSync(CHROMIUM))("the HTML report in headless Chromium", () => {
  it("draws every section of a single-objective GP campaign with one point per completed trial, a GP contour, no console error and no request", async () => {
    const cwd = testDir("report-single");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "single",
        parameters: [
          { name: "x", type: "range", bounds: [-5, 10] },
          { name: "y", type: "range", bounds: [0, 15] },
          { name: "opt", type: "choice", values: ["adam", "sgd"] },
        ],
        program: `node ${join(REPO, "examples/quickstart/branin.mjs")} --x %(x) --y %(y)`,
        max_eval: 14,
        parallelism: 3,
        seed: 3,
        executor: "local",
        strategy: "SOBOL=8,GP",
      }),
    );
    const run = await runCli(["run", "spec.json", "--quiet", "--no-report"], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(cwd, "runs", "single", "0");
    expect(existsSync(join(dir, "report.html"))).toBe(false);
    const facts = campaignFacts(dir);
    expect(facts.completed).toBe(14);

    browser = await openBrowserPage();
    await loadReport(browser.page, `file://${await report(dir)}`);
    await checkCommonSections(browser.page, facts);
    const all = await counts(browser.page);
    checkPointPlots(all, facts);
    expect(plotOf(all, "trace", "trace-time-RESULT").points).toBe(facts.completed);
    expect(plotOf(all, "model", "model-mean").cells).toBe(900);
    expect(plotOf(all, "model", "model-sd").cells).toBe(900);
    expect(plotOf(all, "model", "model-importance").points).toBe(3);
    expect(plotOf(all, "cluster", "run-time").points).toBe(facts.attempts);
    expect(await browser.page.textContent("#sec-failures")).toContain(
      "No failed or timed-out trials.",
    );
    expect(await browser.page.textContent('table[data-role="best"]')).toMatch(/RESULT/);
    // The table sorts by a column on a click: the first row is then the lowest RESULT.
    await browser.page.click('th[data-col="RESULT"]');
    const first = await browser.page.textContent(
      'table[data-role="trials"] tbody tr:first-child td:nth-child(4)',
    );
    const bestCell = await browser.page.textContent(
      'table[data-role="best"] tbody tr td:nth-child(2)',
    );
    expect(first).toBe(bestCell);
    const shots = await screenshotSections(browser.page, "report-single");
    expect(shots.length).toBe(10);
    expect(browser.errors).toEqual([]);
    expect(browser.requests).toEqual([]);
  }, 600_000);

  it("draws the Pareto front, dominated trials greyed, and the hypervolume of a two-objective campaign", async () => {
    const cwd = testDir("report-multi");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "multi",
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "y", type: "range", bounds: [0, 1] },
        ],
        objectives: [
          { name: "A", goal: "min" },
          { name: "B", goal: "min" },
        ],
        program: `awk 'BEGIN { x = %(x); y = %(y); print "A: " x; print "B: " (1 - x) * (1 - x) + y }'`,
        max_eval: 16,
        parallelism: 4,
        seed: 8,
        executor: "local",
        strategy: "SOBOL=8,GP",
      }),
    );
    const run = await runCli(["run", "spec.json", "--quiet"], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(cwd, "runs", "multi", "0");
    // A report is written at the end of every campaign.
    expect(existsSync(join(dir, "report.html"))).toBe(true);
    const facts = campaignFacts(dir);
    expect(facts.completed).toBe(16);
    const best = await runCli(["best", dir, "--json"], { cwd });
    const pareto = JSON.parse(best.stdout) as { kind: string; trials: unknown[] };
    expect(pareto.kind).toBe("pareto");

    browser = await openBrowserPage();
    await loadReport(browser.page, `file://${join(dir, "report.html")}`);
    await checkCommonSections(browser.page, facts);
    const all = await counts(browser.page);
    checkPointPlots(all, facts);
    const front = await browser.page.evaluate<
      { name: string; n: number; color: string }[]
    >(`(() => {
      const gd = document.querySelector('[data-plot="pareto-front"]');
      return gd.data.map((t) => ({ name: t.name, n: t.x.length, color: t.marker.color }));
    })()`);
    expect(front.map((t) => t.name)).toEqual(["dominated", "Pareto-optimal"]);
    expect(front[0]!.n + front[1]!.n).toBe(facts.completed);
    expect(front[1]!.n).toBe(pareto.trials.length);
    expect(front[0]!.color).toBe("#c3c8d2");
    const hv = plotOf(all, "pareto", "hypervolume");
    expect(hv.drawn).toBe(true);
    expect(await browser.page.textContent("#sec-model")).toContain("single-objective");
    await screenshotSections(browser.page, "report-multi");
    expect(browser.errors).toEqual([]);
    expect(browser.requests).toEqual([]);
  }, 600_000);

  it("draws the Pareto front of a three-objective campaign in 3-D (the page then inlines plotly.js with scatter3d)", async () => {
    const cwd = testDir("report-three");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "three",
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "y", type: "range", bounds: [0, 1] },
        ],
        objectives: [
          { name: "A", goal: "min" },
          { name: "B", goal: "min" },
          { name: "C", goal: "min" },
        ],
        program: `awk 'BEGIN { x = %(x); y = %(y); print "A: " x; print "B: " (1 - x) * (1 - x) + y; print "C: " y + (1 - x) / 2 }'`,
        max_eval: 12,
        parallelism: 4,
        seed: 5,
        executor: "local",
        strategy: "SOBOL",
      }),
    );
    const run = await runCli(["run", "spec.json", "--quiet", "--no-report"], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(cwd, "runs", "three", "0");
    const facts = campaignFacts(dir);
    expect(facts.completed).toBe(12);
    const best = await runCli(["best", dir, "--json", "--n", "100"], { cwd });
    const pareto = JSON.parse(best.stdout) as { kind: string; trials: unknown[] };
    expect(pareto.kind).toBe("pareto");

    browser = await openBrowserPage();
    await loadReport(browser.page, `file://${await report(dir)}`);
    await checkCommonSections(browser.page, facts);
    const front = await browser.page.evaluate<{ type: string; name: string; n: number }[]>(`(() => {
      const gd = document.querySelector('[data-plot="pareto-front"]');
      return gd.data.map((t) => ({ type: t.type, name: t.name, n: t.z.length }));
    })()`);
    expect(front.map((t) => [t.type, t.name])).toEqual([
      ["scatter3d", "dominated"],
      ["scatter3d", "Pareto-optimal"],
    ]);
    expect(front[0]!.n + front[1]!.n).toBe(facts.completed);
    expect(front[1]!.n).toBe(pareto.trials.length);
    expect(front[0]!.n).toBeGreaterThan(0);
    // Plotly drew the 3-D scene (a WebGL canvas in the plot), not an error box.
    expect(await browser.page.$('[data-plot="pareto-front"] .gl-container canvas')).not.toBeNull();
    expect(plotOf(await counts(browser.page), "pareto", "hypervolume").drawn).toBe(true);
    await screenshotSections(browser.page, "report-three");
    expect(browser.errors).toEqual([]);
    expect(browser.requests).toEqual([]);
  }, 600_000);

  it("keeps a 20,000-trial campaign usable: downsampled plots that say so, every failure and retry on the timeline, all trials in the table", async () => {
    const cwd = testDir("report-20k");
    const { dir, counts: made } = writeSyntheticCampaign(cwd, 20_000);
    const facts = campaignFacts(dir);
    expect(facts.trials).toBe(20_000);
    browser = await openBrowserPage();
    await openReport(browser.page, `file://${await report(dir)}`);
    // The first screen is drawn; the parallel coordinates (WebGL, further down) wait until
    // they are scrolled near, and the page does not claim to be fully drawn before.
    expect(await browser.page.$('[data-plot="trace-index-RESULT"] .main-svg')).not.toBeNull();
    expect(await browser.page.$('[data-plot="parallel"][data-pending]')).not.toBeNull();
    expect(await browser.page.$('[data-plot="parallel"] .main-svg')).toBeNull();
    expect(await browser.page.$("body[data-rendered]")).toBeNull();
    await scrollUntilDrawn(browser.page);
    expect(await browser.page.$('[data-plot="parallel"][data-pending]')).toBeNull();
    await checkCommonSections(browser.page, facts);
    const all = await counts(browser.page);
    const trace = plotOf(all, "trace", "trace-index-RESULT").points;
    expect(trace).toBeGreaterThan(1500);
    expect(trace).toBeLessThanOrEqual(2000);
    expect(await browser.page.textContent("#sec-trace")).toContain(
      "20000 trials: the point plots show",
    );
    expect(plotOf(all, "parallel", "parallel").points).toBeLessThanOrEqual(1001);
    expect(await browser.page.textContent("#sec-parallel")).toMatch(/\d+ lines are drawn/);
    // The timeline keeps every attempt that did not simply complete.
    const timeline = await browser.page.evaluate<Record<string, number>>(`(() => {
      const gd = document.querySelector('[data-plot="timeline"]');
      return Object.fromEntries(gd.data.filter((t) => t.meta === "points").map((t) => [t.name, t.x.length]));
    })()`);
    expect(timeline.failed).toBe(made.failed);
    expect(timeline.timeout).toBe(made.timeout);
    expect(timeline.retried).toBe(facts.retried);
    expect(await browser.page.textContent("#sec-cluster")).toContain(
      `${facts.attempts} attempts: the timeline shows`,
    );
    expect(plotOf(all, "cluster", "run-time").points).toBe(facts.attempts);
    // Failures: the latest 300 listed, with the stderr tail where the folder has one.
    expect((await browser.page.$$('table[data-role="failures"] tbody tr')).length).toBe(300);
    expect(await browser.page.textContent("#sec-failures")).toContain(
      `${made.failed + made.timeout} failed or timed-out trials`,
    );
    expect(await browser.page.textContent("#sec-trials")).toContain("page 1 of 200 (20000 trials)");
    await screenshotSections(browser.page, "report-20k");
    expect(browser.errors).toEqual([]);
    expect(browser.requests).toEqual([]);
  }, 900_000);
});
