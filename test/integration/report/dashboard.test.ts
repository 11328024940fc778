/**
 * The live dashboard (slurmopt serve) against a campaign that is running: loopback only, a
 * token in the URL and 401 without it, read-only, the ssh -L line, and the page in real
 * headless Chromium redrawn from the server's events as trials finish.
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
import { runCli, startCli, testDir, type CliChild } from "../../helpers/runCli.js";
import { waitFor } from "../../helpers/waitFor.js";
import {
  campaignFacts,
  checkCommonSections,
  counts,
  loadReport,
  plotOf,
  scrollUntilDrawn,
} from "./reportPageKit.js";

const children: CliChild[] = [];
let browser: BrowserPage | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
  for (const c of children.splice(0)) await c.kill("SIGTERM");
});

function startServe(args: string[], cwd: string): Promise<{ child: CliChild; url: URL }> {
  const child = startCli(["serve", ...args], cwd);
  children.push(child);
  return waitFor(
    `the dashboard's URL (stdout: ${child.stdout()} stderr: ${child.stderr()})`,
    () => {
      const m = /read-only\): (http:\/\/\S+)/.exec(child.stdout());
      return m ? { child, url: new URL(m[1]!) } : undefined;
    },
    120_000,
  );
}

describe("slurmopt serve", () => {
  it("listens on 127.0.0.1 with a token, answers 401 without it and 405 to writes, prints the ssh -L line, and refuses another address without --allow-remote", async () => {
    const cwd = testDir("serve-token");
    const spec = {
      name: "tok",
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: 2,
      executor: "local",
    };
    writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec));
    expect((await runCli(["run", "spec.json", "--quiet", "--no-report"], { cwd })).code).toBe(0);
    const { child, url } = await startServe(["runs/tok"], cwd);
    expect(url.hostname).toBe("127.0.0.1");
    const token = url.searchParams.get("token")!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(child.stdout()).toContain(`ssh -N -L ${url.port}:127.0.0.1:${url.port} `);
    expect(child.stdout()).toContain(
      `then open:            http://127.0.0.1:${url.port}/?token=${token}`,
    );
    const base = `http://127.0.0.1:${url.port}`;
    for (const path of ["/", "/api/campaigns", "/api/events", `/?token=${token}x`, `/?token=`]) {
      const r = await fetch(`${base}${path}`);
      expect(r.status, path).toBe(401);
      await r.body?.cancel();
    }
    const list = await fetch(`${base}/api/campaigns`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    const campaigns = (await list.json()) as { id: string; name: string; done: number }[];
    expect(campaigns.map((c) => [c.name, c.done])).toEqual([["tok", 2]]);
    const post = await fetch(`${base}/api/campaigns?token=${token}`, {
      method: "POST",
      body: "{}",
    });
    expect(post.status).toBe(405);
    const page = await fetch(`${base}/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.text()).toContain('"mode":"live"');

    const remote = await runCli(["serve", "runs/tok", "--host", "0.0.0.0"], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/loopback address only.*--allow-remote/);
  }, 300_000);

  it.skipIf(!existsSync(CHROMIUM))(
    "shows a running campaign in headless Chromium and redraws it from the server's events as each trial finishes, without reloading",
    async () => {
      const cwd = testDir("serve-live");
      // Each trial waits for its own go-file, so the test decides when a trial finishes.
      writeFileSync(
        join(cwd, "spec.json"),
        JSON.stringify({
          name: "live",
          parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
          program: `while [ ! -e "${cwd}/go-$SLURMOPT_TRIAL_INDEX" ]; do sleep 0.2; done; echo RESULT: %(x)`,
          max_eval: 3,
          parallelism: 1,
          seed: 4,
          executor: "local",
          strategy: "SOBOL",
        }),
      );
      const run = startCli(["run", "spec.json", "--quiet"], cwd);
      children.push(run);
      const dir = join(cwd, "runs", "live", "0");
      await waitFor(
        "the campaign folder",
        () => (existsSync(join(dir, "campaign.db")) ? true : undefined),
        120_000,
      );
      const { url } = await startServe(["runs/live"], cwd);
      browser = await openBrowserPage(url.origin);
      await loadReport(browser.page, url.href);
      const completed = async (): Promise<string | null> =>
        browser!.page.textContent('[data-role="counts"] [data-state="COMPLETED"]');
      expect(await completed()).toBe("completed: 0");
      expect(await browser.page.textContent("#campaigns")).toContain("live (RUNNING");
      for (let i = 0; i < 3; i++) {
        writeFileSync(join(cwd, `go-${i}`), "");
        // The page changes by itself (server-sent event, then a fetch of the data).
        await browser.page.waitForFunction(
          `document.querySelector('[data-role="counts"] [data-state="COMPLETED"]')?.textContent === "completed: ${i + 1}"`,
          undefined,
          { timeout: 120_000 },
        );
      }
      expect(await run.ended).toBe(0);
      await browser.page.waitForFunction(
        `document.querySelector("#campaigns").textContent.includes("COMPLETED")`,
        undefined,
        {
          timeout: 120_000,
        },
      );
      await scrollUntilDrawn(browser.page);
      const renders = await browser.page.evaluate<number>("window.SO.renderCount");
      expect(renders).toBeGreaterThanOrEqual(4);
      const navigations = await browser.page.evaluate<number>(
        "performance.getEntriesByType('navigation').length",
      );
      expect(navigations).toBe(1);
      const facts = campaignFacts(dir);
      await checkCommonSections(browser.page, facts);
      const all = await counts(browser.page);
      expect(plotOf(all, "trace", "trace-index-RESULT").points).toBe(3);
      expect(plotOf(all, "cluster", "timeline").points).toBe(3);
      await screenshotSections(browser.page, "dashboard");
      expect(browser.errors).toEqual([]);
      // Only the dashboard's own server was asked: the page, the list, the data, the events.
      for (const r of browser.requests) expect(r.startsWith(url.origin), r).toBe(true);
      expect(browser.requests.some((r) => r.includes("/api/events"))).toBe(true);
    },
    600_000,
  );
});
