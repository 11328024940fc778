import { describe, expect, it } from "vitest";
import { bracketSize, haltingSteps, successiveHalvingRungs } from "../../../src/budgets/rungs.js";

const shape = (min: number, max: number, eta: number) =>
  successiveHalvingRungs({ min, max, eta }).map((r) => [r.budget, r.configurations]);

describe("successive halving rungs (SMAC's stages)", () => {
  it("min 1, max 27, eta 3: budgets 1, 3, 9, 27 with 27, 9, 3, 1 configurations (SMAC's numbers)", () => {
    expect(shape(1, 27, 3)).toEqual([
      [1, 27],
      [3, 9],
      [9, 3],
      [27, 1],
    ]);
    expect(bracketSize({ min: 1, max: 27, eta: 3 })).toBe(40);
  });

  it("counts budgets down from max: min 1, max 10, eta 3 gives 10/9, 10/3, 10 (min is not reached exactly)", () => {
    const r = successiveHalvingRungs({ min: 1, max: 10, eta: 3 });
    expect(r.map((x) => x.configurations)).toEqual([9, 3, 1]);
    expect(r[0]!.budget).toBeCloseTo(10 / 9, 12);
    expect(r[1]!.budget).toBeCloseTo(10 / 3, 12);
    expect(r[2]!.budget).toBe(10);
    expect(r.map((x) => x.rung)).toEqual([0, 1, 2]);
  });

  it("eta 2 from 100,000 to 1,000,000 (SMAC: max_iter 3): 125,000 .. 1,000,000 with 8, 4, 2, 1", () => {
    expect(shape(100_000, 1_000_000, 2)).toEqual([
      [125_000, 8],
      [250_000, 4],
      [500_000, 2],
      [1_000_000, 1],
    ]);
  });

  it("counts the steps exactly where floating-point logarithms fall short (1 .. 1000, eta 10)", () => {
    expect(Math.floor(Math.log(1000) / Math.log(10))).toBe(2); // SMAC's floor(log/log)
    expect(haltingSteps({ min: 1, max: 1000, eta: 10 })).toBe(3);
    expect(shape(1, 1000, 10)).toEqual([
      [1, 1000],
      [10, 100],
      [100, 10],
      [1000, 1],
    ]);
  });

  it("min equal to max is a single rung of one configuration: every trial runs at max", () => {
    expect(shape(5, 5, 3)).toEqual([[5, 1]]);
    expect(shape(5, 14, 3)).toEqual([[14, 1]]); // 5 * 3 > 14: no room for a second rung
    expect(shape(5, 16, 3)).toEqual([
      [16 / 3, 3],
      [16, 1],
    ]);
  });
});
