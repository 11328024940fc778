/**
 * With budgets the report's best trial is chosen among the trials at the max budget only, as
 * `slurmopt best` chooses it (docs/early-stopping.md): a configuration that looked good at a
 * lower budget has not been shown to be good.
 */
import { describe, expect, it } from "vitest";
import { createCampaignRecord } from "../../../src/engine/campaignRecord.js";
import { bestTrials } from "../../../src/report/bestTrials.js";
import { buildReportSummary } from "../../../src/report/buildReportData.js";
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
    } finally {
      open.db.close();
    }
  });
});
