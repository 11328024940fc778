import { describe, expect, it } from "vitest";
import { hvi2d, staircase } from "../../../src/generators/gp/ehvi.js";
import { hypervolume } from "../../../src/report/hypervolume.js";
import { createRng } from "../../../src/generators/rng.js";

describe("hypervolume improvement of one point over a 2-objective front", () => {
  const ref = Float64Array.of(10, 10);
  const front = [Float64Array.of(2, 8), Float64Array.of(5, 5), Float64Array.of(8, 1)];

  it("is the area the point adds, worked by hand", () => {
    const stairs = staircase(front, ref);
    // (4, 4): adds [4,5]x[4,8] minus nothing dominated there = 1*4, plus [5,8]x[4,5] = 3
    expect(hvi2d(stairs, ref, 4, 4)).toBeCloseTo(4 + 3, 12);
    // dominated, or outside the reference: nothing
    expect(hvi2d(stairs, ref, 6, 6)).toBe(0);
    expect(hvi2d(stairs, ref, 11, 0)).toBe(0);
    // on an empty front: the whole box to the reference
    expect(hvi2d([], ref, 4, 7)).toBe(6 * 3);
  });

  it("equals HV(front + point) - HV(front) at random points", () => {
    const rng = createRng(9);
    const stairs = staircase(front, ref);
    const hv0 = hypervolume(front, ref)!;
    for (let i = 0; i < 200; i++) {
      const y = Float64Array.of(rng.uniform() * 12 - 1, rng.uniform() * 12 - 1);
      const expected = hypervolume([...front, y], ref)! - hv0;
      expect(hvi2d(stairs, ref, y[0]!, y[1]!)).toBeCloseTo(expected, 9);
    }
  });
});
