/**
 * With budgets the report's best trial is chosen among the trials at the max budget only, as
 * `slurmopt best` chooses it (docs/early-stopping.md): a configuration that looked good at a
 * lower budget has not been shown to be good.
 */
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createCampaignRecord } from "../../../src/engine/campaignRecord.js";
import { bestTrials } from "../../../src/report/bestTrials.js";
import { buildReportData, buildReportSummary } from "../../../src/report/buildReportData.js";
import type { ReportData } from "../../../src/report/reportData.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { ImportedTrial } from "../../../src/store/importedTrials.js";
import { testDir } from "../../helpers/runCli.js";

function trial(x: number, loss: number, budget: number): ImportedTrial {
  return {
    state: "COMPLETED",
    paramsJson: JSON.stringify({ x }),
    resultsJson: JSON.stringify({ loss }),
    semsJson: null,
    generationNode: "SOBOL",
    nodePosition: 0,
    generator: "sobol",
    generationMs: null,
    createdAt: null,
    submitTime: null,
    startTime: null,
    endTime: null,
    extrasJson: null,
    exitCode: 0,
    signal: null,
    reason: null,
    hostname: null,
    programString: null,
    budget: {
      budget,
      bracket: null,
      rung: null,
      parentIndex: null,
      configIndex: null,
      belowMaxBudget: budget < 3,
    },
  };
}

/** The lines the page's trace section draws ("best so far" and the points), by plot id. */
function tracePlots(data: ReportData): Map<string, { name: string; y: number[] }[]> {
  const plots = new Map<string, { name: string; y: number[] }[]>();
  const sections: { id: string; render: (root: unknown, data: ReportData) => void }[] = [];
  const node = { appendChild: () => undefined };
  const SO = {
    sections,
    section: () => node,
    el: () => node,
    sampleNote: () => null,
    colorFor: () => "#000",
    nodeNames: (d: ReportData) => [...new Set(d.trials.map((t) => t.node))],
    value: (t: { results: Record<string, number> | null }, name: string) =>
      t.results?.[name] ?? null,
    sampledWithValue: (d: ReportData, name: string) =>
      d.trials.filter((t) => t.state === "COMPLETED" && t.results?.[name] !== undefined),
    plot: (_row: unknown, id: string, traces: { name: string; y: number[] }[]) =>
      plots.set(id, traces),
  };
  const page = new URL("../../../src/report/page/traceSection.js", import.meta.url);
  runInNewContext(readFileSync(page, "utf8"), { window: { SO } });
  sections.find((s) => s.id === "trace")!.render(node, data);
  return plots;
}

describe("the report's best trial with budgets", () => {
  it("is the best at the max budget, not a better value measured at a lower budget", () => {
    const runDir = testDir("report-best-budget");
    const campaign = buildCampaign(
      {
        name: "budgets",
        run_dir: runDir,
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        program: "echo RESULT: %(x) %(budget)",
        objectives: [{ name: "loss", goal: "min" }],
        budget: { min: 1, max: 3, eta: 3 },
        max_eval: 4,
        strategy: "SOBOL",
        executor: "local",
      },
      { cwd: runDir, warnings: { warn: () => undefined } },
    );
    // Trial 0 has the lowest loss, but at budget 1; trial 2 is the best at the max budget 3.
    const open = createCampaignRecord(campaign, [
      trial(0.1, 0.05, 1),
      trial(0.2, 0.5, 3),
      trial(0.3, 0.2, 3),
      trial(0.4, 0.1, 1),
    ]);
    try {
      const summary = buildReportSummary(open);
      expect(
        bestTrials(open.db, open.row.id, campaign, 1).trials.map((t) => t.trial_index),
      ).toEqual([2]);
      expect(summary.best).toEqual([2]);
      // The page's "best so far" line steps at the max budget's values only: 0.5, then 0.2.
      const data = buildReportData(open);
      expect(data.trials.map((t) => t.belowMaxBudget ?? false)).toEqual([true, false, false, true]);
      const best = tracePlots(data)
        .get("trace-index-loss")!
        .find((t) => t.name === "best so far")!;
      expect(best.y).toEqual([0.5, 0.2, 0.2]);
    } finally {
      open.db.close();
    }
  });
});
