import { describe, expect, it } from "vitest";
import { resultsTable } from "../../../src/report/resultsTable.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";
import type { TrialRow } from "../../../src/store/rowTypes.js";

const quiet = { warn: (): void => undefined };

function campaign(extra: Record<string, unknown> = {}): Campaign {
  return buildCampaign(
    {
      name: "demo",
      parameters: [
        { name: "x", type: "range", bounds: [0, 1] },
        { name: "opt", type: "choice", values: ["adam", "sgd"] },
        { name: "seed", type: "fixed", value: 7 },
      ],
      objectives: { RESULT: "min", LOSS: "max" },
      program: "run %(x) %(opt) %(seed)",
      max_eval: 5,
      seed: 1,
      ...extra,
    },
    { cwd: "/w", warnings: quiet },
  );
}

function trial(partial: Partial<TrialRow>): TrialRow {
  return {
    id: 1,
    campaign_id: 1,
    trial_index: 0,
    state: "COMPLETED",
    params_json: JSON.stringify({ x: 0.1, opt: "adam", seed: 7 }),
    generator: "sobol",
    generation_node: "SOBOL",
    node_position: 0,
    generation_ms: 2.345,
    created_at: 1_700_000_000_000,
    submit_time: 1_700_000_001_000,
    start_time: 1_700_000_003_500,
    end_time: 1_700_000_013_549,
    results_json: JSON.stringify({ RESULT: 1.5e-3, LOSS: -2 }),
    sems_json: null,
    extras_json: null,
    exit_code: 0,
    signal: null,
    reason: null,
    hostname: "node1",
    program_string: "run 0.1 adam 7",
    budget: null,
    bracket: null,
    rung: null,
    parent_index: null,
    config_index: null,
    below_max_budget: 0,
    rev: 1,
    ...partial,
  };
}

const FIXED_COLUMNS = [
  "trial_index",
  "arm_name",
  "submit_time",
  "queue_time",
  "start_time",
  "end_time",
  "run_time",
  "program_string",
  "exit_code",
  "signal",
  "hostname",
  "trial_status",
  "generation_node",
  "generator",
  "generation_ms",
  "reason",
];

describe("resultsTable", () => {
  it("uses OmniOpt2's column names, then results, then parameters", () => {
    const [header] = resultsTable(campaign(), []);
    expect(header).toEqual([...FIXED_COLUMNS, "RESULT", "LOSS", "hypervolume", "x", "opt", "seed"]);
  });

  it("writes times in epoch seconds and queue/run time in seconds", () => {
    const [, row] = resultsTable(campaign(), [trial({})]);
    const cell = (name: string): string =>
      row![[...FIXED_COLUMNS, "RESULT", "LOSS", "hypervolume", "x", "opt", "seed"].indexOf(name)]!;
    expect(cell("trial_index")).toBe("0");
    expect(cell("arm_name")).toBe("0_0");
    expect(cell("submit_time")).toBe("1700000001");
    expect(cell("start_time")).toBe("1700000004");
    expect(cell("end_time")).toBe("1700000014");
    expect(cell("queue_time")).toBe("2.5");
    expect(cell("run_time")).toBe("10");
    expect(cell("trial_status")).toBe("COMPLETED");
    expect(cell("generation_ms")).toBe("2.3");
    expect(cell("RESULT")).toBe("0.0015");
    expect(cell("LOSS")).toBe("-2");
    // one point, no thresholds: the reference lies a tenth of |value| beyond it
    expect(Number(cell("hypervolume"))).toBeCloseTo(0.00015 * 0.2, 12);
    expect(cell("x")).toBe("0.1");
    expect(cell("opt")).toBe("adam");
    expect(cell("seed")).toBe("7");
  });

  it("leaves cells empty for what a trial does not have", () => {
    const [, row] = resultsTable(campaign(), [
      trial({
        state: "FAILED",
        submit_time: null,
        start_time: null,
        end_time: null,
        results_json: null,
        exit_code: null,
        hostname: null,
        generation_ms: null,
        program_string: null,
        reason: "no RESULT line",
      }),
    ]);
    expect(row).toEqual([
      "0",
      "0_0",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "FAILED",
      "SOBOL",
      "sobol",
      "",
      "no RESULT line",
      "",
      "",
      "0",
      "0.1",
      "adam",
      "7",
    ]);
  });

  it("adds one sorted column per OO-Info key seen in any trial, before the results", () => {
    const table = resultsTable(campaign(), [
      trial({ trial_index: 0, extras_json: JSON.stringify({ OO_Info_lr: "0.1" }) }),
      trial({
        trial_index: 1,
        extras_json: JSON.stringify({ OO_Info_epoch: "3", OO_Info_lr: "0.2" }),
      }),
      trial({ trial_index: 2 }),
    ]);
    expect(table[0]!.slice(FIXED_COLUMNS.length, FIXED_COLUMNS.length + 3)).toEqual([
      "OO_Info_epoch",
      "OO_Info_lr",
      "RESULT",
    ]);
    expect(
      table.slice(1).map((r) => r.slice(FIXED_COLUMNS.length, FIXED_COLUMNS.length + 2)),
    ).toEqual([
      ["", "0.1"],
      ["3", "0.2"],
      ["", ""],
    ]);
  });

  it("with OCC writes each printed result and their combination", () => {
    const c = campaign({
      objectives: { RESULT: "min", RESULT2: "min" },
      occ: { type: "euclid" },
    });
    const table = resultsTable(c, [
      trial({ results_json: JSON.stringify({ RESULT: 3, RESULT2: 4, OCC: 5 }) }),
    ]);
    const n = FIXED_COLUMNS.length;
    expect(table[0]!.slice(n, n + 3)).toEqual(["RESULT", "RESULT2", "OCC"]);
    expect(table[1]!.slice(n, n + 3)).toEqual(["3", "4", "5"]);
  });

  it("writes one row per trial in the given order", () => {
    const table = resultsTable(campaign(), [trial({ trial_index: 0 }), trial({ trial_index: 1 })]);
    expect(table.map((r) => r[0])).toEqual(["trial_index", "0", "1"]);
  });
});
