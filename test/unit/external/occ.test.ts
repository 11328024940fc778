import { describe, expect, it } from "vitest";
import { combineOcc, type OccFormula } from "../../../src/evaluate/occ.js";

const f = (type: OccFormula["type"], extra: Partial<OccFormula> = {}): OccFormula => ({
  type,
  minkowskiP: 2,
  weights: [],
  ...extra,
});

describe("OCC formulas (hand-computed values)", () => {
  it("euclid is the root of the sum of squares, negative when any value is negative", () => {
    expect(combineOcc([3, 4], f("euclid"))).toBe(5);
    expect(combineOcc([1, 2, 2], f("euclid"))).toBe(3);
    expect(combineOcc([-3, 4], f("euclid"))).toBe(-5);
    expect(combineOcc([-3, -4], f("euclid"))).toBe(-5);
    expect(combineOcc([7], f("euclid"))).toBe(7);
  });

  it("geometric is the n-th root of the product of magnitudes, negative for an odd count of negatives", () => {
    expect(combineOcc([2, 8], f("geometric"))).toBeCloseTo(4, 12);
    expect(combineOcc([1, 3, 9], f("geometric"))).toBeCloseTo(3, 12);
    expect(combineOcc([-2, 8], f("geometric"))).toBeCloseTo(-4, 12);
    expect(combineOcc([-2, -8], f("geometric"))).toBeCloseTo(4, 12);
    expect(combineOcc([0, 5], f("geometric"))).toBe(0);
  });

  it("geometric does not overflow on long products", () => {
    const values = new Float64Array(400).fill(1e300);
    expect(combineOcc(values, f("geometric")) / 1e300).toBeCloseTo(1, 10);
  });

  it("signed_harmonic is n over the sum of reciprocal magnitudes, with the odd-negatives sign", () => {
    // 2 / (1/1 + 1/3) = 1.5
    expect(combineOcc([1, 3], f("signed_harmonic"))).toBeCloseTo(1.5, 12);
    // 3 / (1/2 + 1/4 + 1/4) = 3
    expect(combineOcc([2, 4, 4], f("signed_harmonic"))).toBeCloseTo(3, 12);
    expect(combineOcc([-1, 3], f("signed_harmonic"))).toBeCloseTo(-1.5, 12);
    expect(combineOcc([-1, -3], f("signed_harmonic"))).toBeCloseTo(1.5, 12);
    expect(combineOcc([0, 3], f("signed_harmonic"))).toBe(0);
  });

  it("minkowski is the p-norm of the magnitudes (unsigned)", () => {
    expect(combineOcc([3, -4], f("minkowski", { minkowskiP: 1 }))).toBe(7);
    expect(combineOcc([3, 4], f("minkowski", { minkowskiP: 2 }))).toBeCloseTo(5, 12);
    // (1 + 8)^(1/3) with p = 3 on [1, 2]
    expect(combineOcc([1, 2], f("minkowski", { minkowskiP: 3 }))).toBeCloseTo(9 ** (1 / 3), 12);
    // p = 0.5: (1 + 2)^2 = 9 on [1, 4]
    expect(combineOcc([1, 4], f("minkowski", { minkowskiP: 0.5 }))).toBeCloseTo(9, 12);
    expect(() => combineOcc([1], f("minkowski", { minkowskiP: 0 }))).toThrow(/p > 0/);
  });

  it("weighted_euclidean weights the squares (unsigned) and needs one weight per value", () => {
    // sqrt(4*1 + 1*9 + 0*100) = sqrt(13)
    expect(combineOcc([1, -3, 10], f("weighted_euclidean", { weights: [4, 1, 0] }))).toBeCloseTo(
      Math.sqrt(13),
      12,
    );
    expect(combineOcc([3, 4], f("weighted_euclidean", { weights: [1, 1] }))).toBe(5);
    expect(() => combineOcc([3, 4], f("weighted_euclidean", { weights: [1] }))).toThrow(
      /one weight per value/,
    );
  });

  it("refuses an empty list of values", () => {
    expect(() => combineOcc([], f("euclid"))).toThrow(/no values/);
  });
});
