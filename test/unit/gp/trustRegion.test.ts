import { describe, expect, it } from "vitest";
import {
  INITIAL_LENGTH,
  MAX_LENGTH,
  defaultRule,
  trustRegionBox,
  trustRegionLength,
} from "../../../src/generators/gp/trustRegion.js";

const rule = { successTolerance: 3, failureTolerance: 4 };

describe("trust-region length", () => {
  it("uses TuRBO's tolerances for one point at a time", () => {
    expect(defaultRule(2)).toEqual({ successTolerance: 3, failureTolerance: 4 });
    expect(defaultRule(6)).toEqual({ successTolerance: 3, failureTolerance: 6 });
  });

  it("starts at 0.8 and ignores the initial design's values", () => {
    expect(trustRegionLength([], 5, rule)).toBe(INITIAL_LENGTH);
    expect(trustRegionLength([5, 4, 3, 2, 1], 5, rule)).toBe(INITIAL_LENGTH);
  });

  it("doubles after 3 improvements in a row, up to 1.6", () => {
    expect(trustRegionLength([10, 9, 8, 7], 1, rule)).toBe(1.6);
    expect(trustRegionLength([10, 9, 8, 7, 6, 5, 4], 1, rule)).toBe(MAX_LENGTH);
    // a failure between improvements resets the run
    expect(trustRegionLength([10, 9, 8, 11, 7], 1, rule)).toBe(INITIAL_LENGTH);
  });

  it("halves after 4 failures in a row; an improvement under 1e-3 |best| is a failure", () => {
    expect(trustRegionLength([1, 2, 2, 2, 2], 1, rule)).toBe(0.4);
    expect(trustRegionLength([1, 2, 2, 2, 2, 2, 2, 2, 2], 1, rule)).toBe(0.2);
    expect(trustRegionLength([1, 0.9995, 0.9992, 0.999, 0.9989], 1, rule)).toBe(0.4);
    expect(trustRegionLength([1, 2, 2, 2, 0.5, 2, 2, 2], 1, rule)).toBe(INITIAL_LENGTH);
  });

  it("starts again at 0.8 below 0.8 / 2^7", () => {
    const fails = (k: number): number[] => [0, ...Array.from({ length: 4 * k }, () => 1)];
    expect(trustRegionLength(fails(6), 1, rule)).toBeCloseTo(0.8 / 64, 15);
    expect(trustRegionLength(fails(7), 1, rule)).toBe(INITIAL_LENGTH);
  });
});

describe("trust-region box", () => {
  it("has sides proportional to the lengthscales with geometric mean L, clipped to [0, 1]", () => {
    const b = trustRegionBox(
      Float64Array.of(0.5, 0.5, 0.05),
      Float64Array.of(0.1, 0.4, 0.2),
      0.2,
      () => true,
    );
    // geometric mean of the lengthscales: 0.2; sides 0.1, 0.4, 0.2
    expect(b.lower[0]).toBeCloseTo(0.45, 12);
    expect(b.upper[0]).toBeCloseTo(0.55, 12);
    expect(b.lower[1]).toBeCloseTo(0.3, 12);
    expect(b.upper[1]).toBeCloseTo(0.7, 12);
    expect(b.lower[2]).toBe(0);
    expect(b.upper[2]).toBeCloseTo(0.15, 12);
  });

  it("leaves unrestricted dimensions and inactive coordinates whole", () => {
    const b = trustRegionBox(
      Float64Array.of(0.5, NaN, 0.3),
      Float64Array.of(0.1, 0.1, 0.1),
      0.2,
      (k) => k !== 2,
    );
    expect([b.lower[0], b.upper[0]]).toEqual([0.4, 0.6]);
    expect([b.lower[1], b.upper[1]]).toEqual([0, 1]);
    expect([b.lower[2], b.upper[2]]).toEqual([0, 1]);
  });
});
