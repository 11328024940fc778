import { describe, expect, it } from "vitest";
import { minimizeBounded } from "../../../src/generators/gp/boundedLbfgs.js";
import {
  fitLambda,
  shiftedValues,
  transformOutcomes,
} from "../../../src/generators/gp/outcomeTransform.js";
import { chebyshevScalarize } from "../../../src/generators/gp/trainingData.js";

function stats(v: Float64Array): { mean: number; sd: number } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  return { mean: m, sd };
}

describe("outcome transform", () => {
  it("without a power transform: standardizes; SEMs scale with the sd", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const sems = Float64Array.from([0.5, 0, 0, 0, 0, 0, 0, 0]);
    const r = transformOutcomes(values, sems, { power: false });
    expect(r.lambda).toBe(1);
    const s = stats(r.y);
    expect(s.mean).toBeCloseTo(0, 12);
    expect(s.sd).toBeCloseTo(1, 12);
    expect(r.noiseVar[0]).toBeCloseTo((0.5 / stats(values).sd) ** 2, 12);
    expect(r.noiseVar[1]).toBe(0);
  });

  it("barely changes symmetric data", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const r = transformOutcomes(values, new Float64Array(8));
    expect(r.lambda).toBeGreaterThanOrEqual(0.7);
    const plain = transformOutcomes(values, new Float64Array(8), { power: false });
    r.y.forEach((v, i) => expect(Math.abs(v - plain.y[i]!)).toBeLessThan(0.1));
  });

  it("compresses a heavy right tail (bad values) but keeps the order", () => {
    const values = Float64Array.from([0.1, 0.2, 0.4, 0.5, 1, 2, 5, 30, 200, 1000]);
    const r = transformOutcomes(values, new Float64Array(10));
    expect(r.lambda).toBeLessThan(1);
    for (let i = 1; i < 10; i++) expect(r.y[i]!).toBeGreaterThan(r.y[i - 1]!);
    // the gap between the two worst values shrinks against plain standardization
    const plainGap = (1000 - 200) / stats(values).sd;
    expect(r.y[9]! - r.y[8]!).toBeLessThan(0.75 * plainGap);
  });

  it("never compresses the good (low) tail", () => {
    const values = Float64Array.from([-1000, -200, -30, -5, -2, -1, -0.5, -0.4, -0.2, -0.1]);
    expect(transformOutcomes(values, new Float64Array(10)).lambda).toBe(1);
  });

  it("shifts the values to start at the distance from the minimum to the lower median", () => {
    expect(Array.from(shiftedValues([5, 1, 3, 11])!)).toEqual([6, 2, 4, 12]);
    // at least half the values at the minimum: the shift is the range instead
    expect(Array.from(shiftedValues([1, 1, 1, 3])!)).toEqual([2, 2, 2, 4]);
    expect(shiftedValues([2, 2, 2])).toBeNull();
  });

  it("fits lambda = 0 (a logarithm) to log-normal data", () => {
    const z = [-1.6, -1.1, -0.7, -0.35, 0, 0.35, 0.7, 1.1, 1.6];
    expect(fitLambda(Float64Array.from(z, (v) => Math.exp(v)))).toBe(0);
  });

  it("tells the good values of data spanning orders of magnitude apart (Rosenbrock-like)", () => {
    const values = Float64Array.from([320, 450, 600, 900, 1500, 3e3, 1.2e4, 2e5, 9e5, 1e6]);
    const r = transformOutcomes(values, new Float64Array(10));
    expect(r.lambda).toBe(0);
    // plain standardization puts the two best values 3e-4 sd apart; the log 100 times further
    const plainGap = (450 - 320) / stats(values).sd;
    expect(plainGap).toBeLessThan(5e-4);
    expect(r.y[1]! - r.y[0]!).toBeGreaterThan(100 * plainGap);
    for (let i = 1; i < 10; i++) expect(r.y[i]!).toBeGreaterThan(r.y[i - 1]!);
  });

  it("does not depend on the objective's location or scale", () => {
    const values = [0.3, 0.9, 1.4, 2.2, 4, 8.5, 20, 55, 140];
    const a = transformOutcomes(values, new Float64Array(9));
    const b = transformOutcomes(
      values.map((v) => 7 * v - 1000),
      new Float64Array(9),
    );
    expect(b.lambda).toBe(a.lambda);
    a.y.forEach((v, i) => expect(b.y[i]!).toBeCloseTo(v, 10));
  });

  it("carries SEMs through the transform's slope (finite difference of two close values)", () => {
    const h = 1e-6;
    const values = [0.3, 0.9, 1.4, 2.2, 4, 4 + h, 20, 55, 140];
    const sems = Float64Array.from([0, 0, 0, 0, 0.5, 0, 0, 0, 0]);
    const r = transformOutcomes(values, sems);
    expect(r.lambda).toBeLessThan(1);
    const slope = (r.y[5]! - r.y[4]!) / h;
    expect(Math.sqrt(r.noiseVar[4]!) / 0.5).toBeCloseTo(slope, 5);
  });
});

describe("bounded L-BFGS", () => {
  const rosen = (x: Float64Array): { value: number; grad: Float64Array } => {
    const [a, b] = [x[0]!, x[1]!];
    return {
      value: 100 * (b - a * a) ** 2 + (1 - a) ** 2,
      grad: Float64Array.from([-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)]),
    };
  };

  it("finds an interior minimum", () => {
    const r = minimizeBounded(
      { evaluate: rosen, lower: Float64Array.from([-2, -2]), upper: Float64Array.from([2, 2]) },
      Float64Array.from([-1.2, 1]),
      { maxIterations: 500, ftol: 1e-15, pgtol: 1e-10 },
    );
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it("stops on the bound when the minimum lies outside the box", () => {
    const r = minimizeBounded(
      { evaluate: rosen, lower: Float64Array.from([-2, -2]), upper: Float64Array.from([0.5, 2]) },
      Float64Array.from([-1.2, 1]),
      { maxIterations: 500, ftol: 1e-15, pgtol: 1e-10 },
    );
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 4);
  });

  it("stays inside an extra feasible set given as a predicate", () => {
    const q = (x: Float64Array): { value: number; grad: Float64Array } => ({
      value: (x[0]! - 1) ** 2 + (x[1]! - 1) ** 2,
      grad: Float64Array.from([2 * (x[0]! - 1), 2 * (x[1]! - 1)]),
    });
    const r = minimizeBounded(
      {
        evaluate: q,
        lower: Float64Array.from([0, 0]),
        upper: Float64Array.from([1, 1]),
        feasible: (x) => x[0]! + x[1]! <= 1,
      },
      Float64Array.from([0.1, 0.2]),
      { maxIterations: 200 },
    );
    expect(r.x[0]! + r.x[1]!).toBeLessThanOrEqual(1);
    expect(r.x[0]! + r.x[1]!).toBeGreaterThan(0.98);
  });
});

describe("Chebyshev scalarization", () => {
  it("normalizes each objective and takes the weighted maximum plus a small sum", () => {
    const rows = [
      Float64Array.from([0, 10]),
      Float64Array.from([1, 0]),
      Float64Array.from([0.5, 5]),
    ];
    const s = chebyshevScalarize(rows, Float64Array.from([0.5, 0.5]));
    expect(s[0]).toBeCloseTo(0.5 + 0.05 * 0.5, 12);
    expect(s[1]).toBeCloseTo(0.5 + 0.05 * 0.5, 12);
    expect(s[2]).toBeCloseTo(0.25 + 0.05 * 0.5, 12);
  });
});
