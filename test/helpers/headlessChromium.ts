import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REPO } from "./runCli.js";

/** Debian's chromium package (scripts/install-test-deps.sh installs it). */
export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO, ".test-results");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The little of a DOM element these helpers use (the project's types have no DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): unknown;
}

export interface BrowserPage {
  page: Page;
  /** Every request the page made that is not the page itself (file:, data:, blob: excluded). */
  requests: string[];
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  close: () => Promise<void>;
}

/**
 * Real headless Chromium with a fresh profile. `allowedOrigin`: requests to it are let through
 * (the dashboard's own server) but still recorded; every other request is recorded and aborted.
 */
export async function openBrowserPage(allowedOrigin?: string): Promise<BrowserPage> {
  const profile = mkdtempSync(join(tmpdir(), "slurmopt-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
  const requests: string[] = [];
  const errors: string[] = [];
  // file: pages are not routed (Chromium loads them itself); every other request is.
  await context.route(
    (url) => url.protocol !== "file:" && url.protocol !== "data:" && url.protocol !== "blob:",
    async (route) => {
      const url = route.request().url();
      requests.push(url);
      if (allowedOrigin && url.startsWith(allowedOrigin)) return route.continue();
      return route.abort();
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return {
    page,
    requests,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Writes a screenshot of each report section to .test-results/<prefix>-<section>.png. */
export async function screenshotSections(page: Page, prefix: string): Promise<string[]> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const ids = await page.$$eval("section[data-section]", (els: DomElement[]) =>
    els.map((e) => e.getAttribute("data-section") ?? ""),
  );
  const files: string[] = [];
  for (const id of ids) {
    const file = join(SCREENSHOTS, `${prefix}-${id}.png`);
    await page.locator(`section[data-section="${id}"]`).screenshot({ path: file });
    files.push(file);
  }
  return files;
}

export interface PlotCount {
  plot: string;
  /** Points of the traces marked meta "points" (markers, lines of parcoords, bars). */
  points: number;
  /** Cells of the contour grids (meta "grid"). */
  cells: number;
  /** The plot has been drawn (Plotly's SVG is in the page). */
  drawn: boolean;
}

/** What each Plotly figure of a section holds, read from the drawn figures. */
export async function plotCounts(page: Page, section: string): Promise<PlotCount[]> {
  return page.$$eval(`section[data-section="${section}"] [data-plot]`, (divs: DomElement[]) =>
    divs.map((div) => {
      interface Trace {
        meta?: string;
        type?: string;
        x?: unknown[];
        y?: unknown[];
        z?: unknown[][];
        dimensions?: { values: unknown[] }[];
      }
      const gd = div as unknown as { data?: Trace[] };
      let points = 0;
      let cells = 0;
      for (const t of gd.data ?? []) {
        if (t.meta === "points") {
          if (t.type === "parcoords") points += t.dimensions?.[0]?.values.length ?? 0;
          else if (t.type === "histogram") points += (t.x ?? []).length;
          else if (t.type === "bar") points += (t.y ?? []).length;
          else points += (t.x ?? []).filter((v) => v !== null).length;
        }
        if (t.meta === "grid") cells += (t.z ?? []).reduce((n, r) => n + r.length, 0);
      }
      return {
        plot: div.getAttribute("data-plot") ?? "",
        points,
        cells,
        drawn: div.querySelector(".main-svg") !== null,
      };
    }),
  );
}
