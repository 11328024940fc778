import { describe, expect, it } from "vitest";
import {
  maxNormDistance,
  minimumDistance,
  nearestDistance,
} from "../../../src/generators/rf/minDistance.js";

const NONE = new Int32Array([0, 0, 0]);

describe("the forest's minimum distance to tried points", () => {
  it("is the share of the spacing n^(-1/d) of n points in d dimensions", () => {
    expect(minimumDistance(0.03, 50, 4)).toBeCloseTo(0.011282, 6);
    expect(minimumDistance(0.03, 16, 2)).toBeCloseTo(0.0075, 12);
    expect(minimumDistance(0.03, 1, 3)).toBeCloseTo(0.03, 12);
    expect(minimumDistance(0.03, 0, 3)).toBe(0.03);
  });

  it("measures the largest coordinate difference", () => {
    const a = Float64Array.from([0.1, 0.5, 0.9]);
    const b = Float64Array.from([0.15, 0.2, 0.95]);
    expect(maxNormDistance(a, b, NONE)).toBeCloseTo(0.3, 12);
    expect(maxNormDistance(a, a, NONE)).toBe(0);
  });

  it("counts an unordered choice at another level, or an inactive against an active value, as 1", () => {
    const levels = new Int32Array([0, 4, 0]);
    // level 1 (0.375) against level 1 (0.3): same; against level 2 (0.625): different
    expect(
      maxNormDistance(
        Float64Array.from([0.5, 0.375, 0.5]),
        Float64Array.from([0.52, 0.3, 0.5]),
        levels,
      ),
    ).toBeCloseTo(0.02, 12);
    expect(
      maxNormDistance(
        Float64Array.from([0.5, 0.375, 0.5]),
        Float64Array.from([0.5, 0.625, 0.5]),
        levels,
      ),
    ).toBe(1);
    expect(
      maxNormDistance(
        Float64Array.from([0.5, 0.375, NaN]),
        Float64Array.from([0.5, 0.375, 0.2]),
        levels,
      ),
    ).toBe(1);
    expect(
      maxNormDistance(
        Float64Array.from([0.5, 0.375, NaN]),
        Float64Array.from([0.6, 0.375, NaN]),
        levels,
      ),
    ).toBeCloseTo(0.1, 12);
  });

  it("finds the nearest of the tried points", () => {
    const u = Float64Array.from([0.5, 0.5, 0.5]);
    const points = [
      Float64Array.from([0.9, 0.5, 0.5]),
      Float64Array.from([0.45, 0.52, 0.5]),
      Float64Array.from([0.5, 0.5, 0.1]),
    ];
    expect(nearestDistance(u, points, NONE)).toBeCloseTo(0.05, 12);
    expect(nearestDistance(u, [], NONE)).toBe(Infinity);
  });
});
