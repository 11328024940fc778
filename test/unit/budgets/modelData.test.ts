import { describe, expect, it } from "vitest";
import { trainingObservations } from "../../../src/budgets/modelData.js";
import type { Observation } from "../../../src/generators/generator.js";

const obs = (x: number): Observation => ({ point: { x }, values: { L: x }, sems: { L: null } });

describe("trainingObservations: one budget's results for the model", () => {
  it("takes the highest budget with at least d + 1 results", () => {
    const completed = [1, 2, 3, 4, 5, 6].map(obs);
    const budgets = [1, 1, 1, 3, 3, 9];
    expect(trainingObservations(completed, budgets, 1).map((o) => o.point.x)).toEqual([4, 5]);
    expect(trainingObservations(completed, budgets, 2).map((o) => o.point.x)).toEqual([1, 2, 3]);
  });

  it("before any budget has enough, the budget with the most results; without budgets, everything", () => {
    const completed = [1, 2, 3].map(obs);
    expect(trainingObservations(completed, [1, 1, 3], 5).map((o) => o.point.x)).toEqual([1, 2]);
    expect(trainingObservations(completed, [null, null, null], 5)).toHaveLength(3);
  });
});
