/**
 * Checks of a drawn report page against the campaign's own database (read here with plain SQL,
 * not through the report's code): what each section plotted, the counts, the tables.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { plotCounts, type PlotCount } from "../../helpers/headlessChromium.js";

export const SECTIONS = [
  "summary",
  "trace",
  "parallel",
  "slices",
  "model",
  "pareto",
  "metrics",
  "cluster",
  "failures",
  "trials",
] as const;

export interface CampaignFacts {
  trials: number;
  byState: Record<string, number>;
  /** Completed trials with a value for every objective. */
  completed: number;
  attempts: number;
  /** Attempts per how they are drawn: failed/timeout/retried... (finished, not the last: retried). */
  retried: number;
  parameters: string[];
  freeParameters: number;
  objectives: string[];
}

export function campaignFacts(dir: string): CampaignFacts {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    const spec = JSON.parse(
      (db.prepare("SELECT spec_json FROM campaigns").get() as { spec_json: string }).spec_json,
    ) as { parameters: { name: string; kind: string }[]; objectives: { name: string }[] };
    const rows = db.prepare("SELECT state, results_json FROM trials").all() as {
      state: string;
      results_json: string | null;
    }[];
    const byState: Record<string, number> = {};
    for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
    const objectives = spec.objectives.map((o) => o.name);
    const completed = rows.filter((r) => {
      if (r.state !== "COMPLETED" || !r.results_json) return false;
      const v = JSON.parse(r.results_json) as Record<string, number>;
      return objectives.every((o) => Number.isFinite(v[o]));
    }).length;
    const attempts = (db.prepare("SELECT COUNT(*) AS n FROM attempts").get() as { n: number }).n;
    const retried = (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM attempts a WHERE a.state = 'FINISHED' AND EXISTS
             (SELECT 1 FROM attempts b WHERE b.trial_id = a.trial_id AND b.attempt_no > a.attempt_no)`,
        )
        .get() as { n: number }
    ).n;
    return {
      trials: rows.length,
      byState,
      completed,
      attempts,
      retried,
      parameters: spec.parameters.map((p) => p.name),
      freeParameters: spec.parameters.filter((p) => p.kind !== "fixed").length,
      objectives,
    };
  } finally {
    db.close();
  }
}

/**
 * Opens a report (or dashboard) URL and waits until every section is there (body[data-ready]);
 * plots beyond the first screen wait until they are scrolled near.
 */
export async function openReport(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForSelector("body[data-ready]", { timeout: 600_000 });
}

/**
 * Scrolls to each plot that waits to be drawn, as a reader would, until the page says every
 * plot is drawn (body[data-rendered]).
 */
export async function scrollUntilDrawn(page: Page): Promise<void> {
  await page.waitForFunction(
    `(() => {
      if (document.body.hasAttribute("data-rendered")) return true;
      const next = document.querySelector("[data-plot][data-pending]");
      if (next) next.scrollIntoView();
      return false;
    })()`,
    undefined,
    { timeout: 600_000, polling: 250 },
  );
}

/** Opens a report (or dashboard) URL and scrolls through it until every plot is drawn. */
export async function loadReport(page: Page, url: string): Promise<void> {
  await openReport(page, url);
  await scrollUntilDrawn(page);
}

export async function counts(page: Page): Promise<Record<string, PlotCount[]>> {
  const out: Record<string, PlotCount[]> = {};
  for (const s of SECTIONS) out[s] = await plotCounts(page, s);
  return out;
}

export function plotOf(all: Record<string, PlotCount[]>, section: string, plot: string): PlotCount {
  const p = all[section]!.find((x) => x.plot === plot);
  expect(p, `${section} has a plot ${plot}`).toBeDefined();
  expect(p!.drawn, `${plot} is drawn`).toBe(true);
  return p!;
}

/** Every section is there; summary badges and the trials table match the database. */
export async function checkCommonSections(page: Page, facts: CampaignFacts): Promise<void> {
  const ids = await page.$$eval(
    "section[data-section]",
    (els: { getAttribute(n: string): string | null }[]) =>
      els.map((e) => e.getAttribute("data-section")),
  );
  expect(ids).toEqual([...SECTIONS]);
  for (const state of ["COMPLETED", "FAILED", "TIMEOUT", "CANCELLED"]) {
    const text = await page.textContent(`[data-role="counts"] [data-state="${state}"]`);
    expect(text).toBe(`${state.toLowerCase()}: ${facts.byState[state] ?? 0}`);
  }
  expect(await page.textContent('[data-role="page"]')).toContain(`(${facts.trials} trials)`);
  const rows = await page.$$('table[data-role="trials"] tbody tr');
  expect(rows.length).toBe(Math.min(100, facts.trials));
}

/** Points of the trace, slices and parallel coordinates: one per completed trial (small campaigns). */
export function checkPointPlots(all: Record<string, PlotCount[]>, facts: CampaignFacts): void {
  for (const o of facts.objectives) {
    expect(plotOf(all, "trace", `trace-index-${o}`).points).toBe(facts.completed);
    expect(plotOf(all, "slices", `slices-${o}`).points).toBe(
      facts.completed * facts.freeParameters,
    );
  }
  expect(plotOf(all, "parallel", "parallel").points).toBe(facts.completed);
  expect(plotOf(all, "cluster", "timeline").points).toBe(facts.attempts);
}
