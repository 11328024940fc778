import { describe, expect, it } from "vitest";
import { hypervolume, hypervolumeTrace, nadirReference } from "../../../src/report/hypervolume.js";

const p = (...v: number[]): Float64Array => Float64Array.from(v);

describe("hypervolume", () => {
  it("is the area dominated by a 2-objective front up to the reference point", () => {
    // Staircase of (1,3), (2,2), (3,1) below (4,4): 3*1 + 2*1 + 1*1 = 6.
    expect(hypervolume([p(1, 3), p(2, 2), p(3, 1)], p(4, 4))).toBeCloseTo(6, 12);
  });

  it("ignores dominated points and points beyond the reference", () => {
    expect(hypervolume([p(1, 3), p(2, 2), p(3, 1), p(3, 3), p(5, 0)], p(4, 4))).toBeCloseTo(6, 12);
  });

  it("is the dominated volume for three objectives", () => {
    // One point (0,0,0) below (1,2,3): a box of volume 6; adding (0.5,0.5,0.5) changes nothing.
    expect(hypervolume([p(0, 0, 0)], p(1, 2, 3))).toBeCloseTo(6, 12);
    expect(hypervolume([p(0, 0, 0), p(0.5, 0.5, 0.5)], p(1, 2, 3))).toBeCloseTo(6, 12);
    // Two boxes [0,2]x[0,1]x[0,1] and [0,1]x[0,2]x[0,1] overlap in a unit cube: 2 + 2 - 1 = 3.
    expect(hypervolume([p(0, 1, 0), p(1, 0, 0)], p(2, 2, 1))).toBeCloseTo(3, 12);
  });

  it("is not computed for more than three objectives", () => {
    expect(hypervolume([p(0, 0, 0, 0)], p(1, 1, 1, 1))).toBeNull();
  });

  it("never decreases along a trace and ends at the hypervolume of all points", () => {
    const pts = [p(3, 3), p(1, 3), p(3.5, 0.5), p(2, 2), p(2.5, 2.5)];
    const ref = p(4, 4);
    const trace = hypervolumeTrace(pts, ref)!;
    expect(trace.position).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < trace.value.length; i++)
      expect(trace.value[i]!).toBeGreaterThanOrEqual(trace.value[i - 1]!);
    expect(trace.value.at(-1)).toBeCloseTo(hypervolume(pts, ref)!, 12);
  });

  it("samples a long trace and always includes the last position", () => {
    const pts = Array.from({ length: 1000 }, (_, i) => p(i / 1000, 1 - i / 1000));
    const trace = hypervolumeTrace(pts, p(2, 2), 10)!;
    expect(trace.position.length).toBe(10);
    expect(trace.position.at(-1)).toBe(999);
  });

  it("puts the default reference a tenth of the range beyond the worst value", () => {
    expect(Array.from(nadirReference([p(0, 10), p(10, 0)], 2))).toEqual([11, 11]);
  });
});
