import { describe, expect, it } from "vitest";
import { minimizeBounded } from "../../../src/generators/gp/boundedLbfgs.js";
import { transformOutcomes } from "../../../src/generators/gp/outcomeTransform.js";
import { chebyshevScalarize } from "../../../src/generators/gp/trainingData.js";

function stats(v: Float64Array): { mean: number; sd: number } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  return { mean: m, sd };
}

describe("outcome transform", () => {
  it("standardizes and leaves symmetric data untransformed; SEMs scale with the sd", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const r = transformOutcomes(values, Float64Array.from([0.5, 0, 0, 0, 0, 0, 0, 0]));
    expect(r.lambda).toBe(1);
    const s = stats(r.y);
    expect(s.mean).toBeCloseTo(0, 12);
    expect(s.sd).toBeCloseTo(1, 12);
    expect(r.noiseVar[0]).toBeCloseTo((0.5 / stats(values).sd) ** 2, 12);
    expect(r.noiseVar[1]).toBe(0);
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
