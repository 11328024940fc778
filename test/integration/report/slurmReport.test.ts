/**
 * The report of a campaign on the real Slurm test cluster with a failing and a timed-out trial,
 * opened in real headless Chromium: the timeline shows each attempt with its Slurm outcome,
 * the failures table the reasons and the stderr tail.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  openBrowserPage,
  screenshotSections,
  type BrowserPage,
} from "../../helpers/headlessChromium.js";
import { testDir } from "../../helpers/runCli.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  FAST_POLL_SPEC,
  campaignDir,
  leakedJobs,
  runCampaign,
  uniqueName,
  writeSpec,
} from "../slurmCampaign/campaignKit.js";
import {
  campaignFacts,
  checkCommonSections,
  checkPointPlots,
  counts,
  loadReport,
} from "./reportPageKit.js";

let browser: BrowserPage | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

describe.skipIf(slurmSkipped() || !existsSync(CHROMIUM))("the report of a Slurm campaign", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it("shows the failed and the timed-out trial on the timeline and in the failures table with the reason and the stderr tail", async () => {
    const cwd = testDir("report-slurm");
    const name = uniqueName("report");
    writeSpec(cwd, {
      name,
      parameters: [
        { name: "mode", type: "choice", values: ["ok", "fail", "slow"] },
        { name: "n", type: "choice", values: [1, 2] },
      ],
      program:
        'case %(mode) in slow) sleep 600 ;; fail) echo "boom: failing on purpose in trial $SLURMOPT_TRIAL_INDEX" >&2; exit 3 ;; *) echo "RESULT: %(n)" ;; esac',
      max_eval: 6,
      parallelism: 6,
      seed: 2,
      strategy: "FACTORIAL",
      executor: "slurm",
      slurm: FAST_POLL_SPEC,
    });
    const r = await runCampaign(cwd, ["spec.json", "--worker_timeout", "1"]);
    expect(r.code, r.stderr).toBe(0);
    const dir = campaignDir(cwd, name);
    expect(existsSync(join(dir, "report.html"))).toBe(true);
    const facts = campaignFacts(dir);
    expect(facts.byState).toEqual({ COMPLETED: 2, FAILED: 2, TIMEOUT: 2 });

    browser = await openBrowserPage();
    await loadReport(browser.page, `file://${join(dir, "report.html")}`);
    await checkCommonSections(browser.page, facts);
    const all = await counts(browser.page);
    checkPointPlots(all, facts);
    const timeline = await browser.page.evaluate<
      Record<string, { n: number; text: string[] }>
    >(`(() => {
      const gd = document.querySelector('[data-plot="timeline"]');
      return Object.fromEntries(gd.data.filter((t) => t.meta === "points").map((t) => [t.name, { n: t.x.length, text: t.text }]));
    })()`);
    expect(timeline.completed!.n).toBe(2);
    expect(timeline.failed!.n).toBe(2);
    expect(timeline.timeout!.n).toBe(2);
    // Each attempt's hover names its Slurm job and node.
    for (const t of [...timeline.failed!.text, ...timeline.timeout!.text])
      expect(t).toMatch(/job \d+.*node \S+/);
    for (const t of timeline.timeout!.text) expect(t).toMatch(/time limit/i);
    const rows = await browser.page.$$('table[data-role="failures"] tbody tr');
    expect(rows.length).toBe(4);
    const failures = (await browser.page.textContent("#sec-failures"))!;
    expect(failures).toContain("boom: failing on purpose in trial");
    expect(failures).toMatch(/TIMEOUT/);
    await screenshotSections(browser.page, "report-slurm");
    expect(browser.errors).toEqual([]);
    expect(browser.requests).toEqual([]);
  }, 600_000);
});
