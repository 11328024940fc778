import { describe, expect, it } from "vitest";
import {
  campaignMetrics,
  isFeasible,
  objectiveThresholds,
  parseOutcomeConstraint,
} from "../../../src/report/campaignMetrics.js";
import type { Campaign } from "../../../src/spec/campaign.js";

const campaign = (extra: Record<string, unknown>): Campaign =>
  ({ objectives: [{ name: "LOSS", goal: "min" }], ...extra }) as unknown as Campaign;

describe("campaign metrics for the report", () => {
  it("reads outcome constraints as NAME <= / >= bound", () => {
    expect(parseOutcomeConstraint("MEM_GB <= 40")).toEqual({ name: "MEM_GB", op: "<=", bound: 40 });
    expect(parseOutcomeConstraint(" ACC>=-1.5e-1 ")).toEqual({
      name: "ACC",
      op: ">=",
      bound: -0.15,
    });
    expect(parseOutcomeConstraint("LOSS < 3")).toBeNull();
  });

  it("lists objectives, then constraints, then tracking metrics and other reported numbers once", () => {
    const m = campaignMetrics(
      campaign({ outcomeConstraints: ["MEM_GB <= 40"], trackingMetrics: ["COST"] }),
      new Set(["COST", "EPOCHS", "MEM_GB"]),
    );
    expect(m.map((x) => [x.name, x.role])).toEqual([
      ["LOSS", "objective"],
      ["MEM_GB", "constraint"],
      ["COST", "tracking"],
      ["EPOCHS", "tracking"],
    ]);
  });

  it("reads the campaign's stored outcome constraints ({ metric, op, bound })", () => {
    const m = campaignMetrics(
      campaign({
        outcomeConstraints: [{ metric: "MEM_GB", op: "<=", bound: 40, text: "MEM_GB <= 40" }],
        trackingMetrics: ["COST"],
      }),
      new Set(),
    );
    expect(m.slice(1)).toEqual([
      { name: "MEM_GB", role: "constraint", bound: 40, op: "<=" },
      { name: "COST", role: "tracking", bound: null, op: null },
    ]);
  });

  it("counts a result as feasible only when every constraint holds and its metric is there", () => {
    const m = campaignMetrics(
      campaign({ outcome_constraints: ["MEM_GB <= 40", "ACC >= 0.5"] }),
      new Set(),
    );
    expect(isFeasible({ LOSS: 1, MEM_GB: 40, ACC: 0.5 }, m)).toBe(true);
    expect(isFeasible({ LOSS: 1, MEM_GB: 41, ACC: 0.9 }, m)).toBe(false);
    expect(isFeasible({ LOSS: 1, MEM_GB: 10, ACC: 0.4 }, m)).toBe(false);
    expect(isFeasible({ LOSS: 1, ACC: 0.9 }, m)).toBe(false);
  });

  it("reads objective thresholds as a map or as a list", () => {
    expect(objectiveThresholds(campaign({ objectiveThresholds: { A: 1, B: 2 } }))).toEqual({
      A: 1,
      B: 2,
    });
    expect(
      objectiveThresholds(campaign({ objective_thresholds: ["A <= 1", { name: "B", bound: 2 }] })),
    ).toEqual({ A: 1, B: 2 });
    expect(objectiveThresholds(campaign({}))).toBeNull();
  });
});
