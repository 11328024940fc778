import { describe, expect, it } from "vitest";
import { carryTrials } from "../../../src/priorTrials/carryTrials.js";
import type { PriorRun, PriorTrial } from "../../../src/priorTrials/priorRun.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";

const campaign = buildCampaign(
  {
    name: "c",
    parameters: [
      { name: "x", type: "range", bounds: [0, 10] },
      { name: "k", type: "choice", values: [1, 2, 4] },
    ],
    program: "echo",
    max_eval: 5,
    strategy: "SOBOL=2,BOTORCH_MODULAR",
  },
  { cwd: "/tmp", warnings: { warn: () => undefined } },
);

function trial(over: Partial<PriorTrial>): PriorTrial {
  return {
    index: 0,
    line: null,
    state: "COMPLETED",
    parameters: {},
    values: {},
    sems: {},
    cells: null,
    generationNode: "SOBOL",
    generator: "sobol",
    generationMs: null,
    createdAt: null,
    submitTime: null,
    startTime: null,
    endTime: null,
    extras: null,
    exitCode: null,
    signal: null,
    reason: null,
    hostname: null,
    programString: null,
    ...over,
  };
}

const csvRun = (trials: PriorTrial[]): PriorRun => ({
  source: "old/results.csv",
  kind: "omniopt2",
  campaign: null,
  trials,
});

describe("carryTrials", () => {
  it("types results.csv cells by the new campaign, keeps strategy nodes on continue and cancels running trials", () => {
    const run = csvRun([
      trial({ index: 0, line: 2, cells: { x: "2.5", k: "4", RESULT: "0.5", "SEM-RESULT": "0.1" } }),
      trial({
        index: 1,
        line: 3,
        generationNode: "botorch_modular",
        cells: { x: "3", k: "1", RESULT: "" },
      }),
      trial({ index: 2, line: 4, state: "RUNNING", cells: { x: "1", k: "2", RESULT: "" } }),
    ]);
    const { trials, outsideSpace, skipped } = carryTrials([run], campaign, "continue");
    expect([outsideSpace, skipped]).toEqual([0, 0]);
    expect(trials.map((t) => JSON.parse(t.paramsJson) as unknown)).toEqual([
      { x: 2.5, k: 4 },
      { x: 3, k: 1 },
      { x: 1, k: 2 },
    ]);
    expect(trials[0]!.resultsJson).toBe('{"RESULT":0.5}');
    expect(trials[0]!.semsJson).toBe('{"RESULT":0.1}');
    expect(trials.map((t) => t.nodePosition)).toEqual([0, 1, 0]);
    // COMPLETED without a result is no data: FAILED, saying why.
    expect(trials[1]!.state).toBe("FAILED");
    expect(trials[1]!.reason).toMatch(/no value for RESULT in old\/results.csv/);
    expect(trials[2]!.state).toBe("CANCELLED");
    expect(trials[2]!.reason).toMatch(/was RUNNING in old\/results.csv/);
  });

  it("load keeps only trials with results, counts no node, and counts trials outside the space", () => {
    const run: PriorRun = {
      source: "runs/c/0",
      kind: "slurmopt",
      campaign: null,
      trials: [
        trial({ parameters: { x: 12, k: 1 }, values: { RESULT: 1 } }),
        trial({ index: 1, parameters: { x: 1, k: 8 }, values: { RESULT: 2 } }),
        trial({ index: 2, parameters: { x: 1, k: 1 }, state: "FAILED" }),
        trial({ index: 3, parameters: { x: 1, k: 2 }, values: { RESULT: 3 } }),
      ],
    };
    const { trials, outsideSpace, skipped } = carryTrials([run], campaign, "load");
    expect(trials).toHaveLength(3);
    expect([outsideSpace, skipped]).toEqual([2, 1]);
    expect(trials.every((t) => t.nodePosition === -1)).toBe(true);
  });

  it("names the file, line and fix for a missing column and a value that is not a number", () => {
    expect(() =>
      carryTrials(
        [csvRun([trial({ line: 2, cells: { x: "1", RESULT: "1" } })])],
        campaign,
        "continue",
      ),
    ).toThrow(
      /old\/results.csv has no column for "k" \(its parameter and result columns: x, RESULT\)/,
    );
    expect(() =>
      carryTrials(
        [csvRun([trial({ line: 7, index: 5, cells: { x: "ten", k: "1", RESULT: "1" } })])],
        campaign,
        "continue",
      ),
    ).toThrow(/old\/results.csv line 7 \(trial_index 5\): parameter "x" is "ten", not a number/);
    expect(() =>
      carryTrials(
        [csvRun([trial({ line: 3, index: 1, cells: { x: "1", k: "1", RESULT: "n/a" } })])],
        campaign,
        "load",
      ),
    ).toThrow(/line 3 \(trial_index 1\): result RESULT is "n\/a", not a number/);
  });

  it("carries the budget columns: on continue renumbered with bracket and rung, on load the budget only; below the max budget never best", () => {
    const budgets = buildCampaign(
      {
        name: "b",
        parameters: [{ name: "x", type: "range", bounds: [0, 10] }],
        program: "echo %(budget)",
        max_eval: 5,
        budget: { min: 1, max: 9, eta: 3 },
      },
      { cwd: "/tmp", warnings: { warn: () => undefined } },
    );
    const at = (budget: number, rung: number, parentIndex: number | null, configIndex: number) => ({
      budget,
      bracket: 0,
      rung,
      parentIndex,
      configIndex,
    });
    const run = csvRun([
      // trial 10 failed at budget 1 (load leaves it out); 11 completed and was promoted as 12.
      trial({
        index: 10,
        line: 2,
        state: "FAILED",
        cells: { x: "1", RESULT: "" },
        budget: at(1, 0, null, 10),
      }),
      trial({ index: 11, line: 3, cells: { x: "2", RESULT: "0.5" }, budget: at(1, 0, null, 11) }),
      trial({ index: 12, line: 4, cells: { x: "2", RESULT: "0.25" }, budget: at(9, 1, 11, 11) }),
    ]);
    const continued = carryTrials([run], budgets, "continue", 3).trials.map((t) => t.budget);
    expect(continued).toEqual([
      { budget: 1, bracket: 0, rung: 0, parentIndex: null, configIndex: 3, belowMaxBudget: true },
      { budget: 1, bracket: 0, rung: 0, parentIndex: null, configIndex: 4, belowMaxBudget: true },
      { budget: 9, bracket: 0, rung: 1, parentIndex: 4, configIndex: 4, belowMaxBudget: false },
    ]);
    const loaded = carryTrials([run], budgets, "load").trials.map((t) => t.budget);
    expect(loaded).toEqual([
      {
        budget: 1,
        bracket: null,
        rung: null,
        parentIndex: null,
        configIndex: null,
        belowMaxBudget: true,
      },
      {
        budget: 9,
        bracket: null,
        rung: null,
        parentIndex: null,
        configIndex: null,
        belowMaxBudget: false,
      },
    ]);
    // Without budgets in the earlier run, none.
    expect(
      carryTrials([csvRun([trial({ line: 2, cells: { x: "1", RESULT: "1" } })])], budgets, "load")
        .trials[0]!.budget,
    ).toBeNull();
  });
});

describe("carryTrials at campaign sizes", () => {
  it("carries 150,000 trials (no argument spread over the trials, which overflows the stack)", () => {
    const trials: PriorTrial[] = [];
    for (let i = 0; i < 150_000; i++)
      trials.push(trial({ index: i, parameters: { x: i % 10, k: 1 }, values: { RESULT: i } }));
    const run: PriorRun = { source: "old", kind: "slurmopt", campaign, trials };
    const carried = carryTrials([run], campaign, "continue");
    expect(carried.trials).toHaveLength(150_000);
    expect(carried.trials[149_999]!.paramsJson).toBe(JSON.stringify({ x: 9, k: 1 }));
  });
});
