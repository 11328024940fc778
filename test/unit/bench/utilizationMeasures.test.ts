import { describe, expect, it } from "vitest";
import { windowUtilization, zeroGapUtilization } from "../../../bench/utilizationMeasures.js";

describe("zeroGapUtilization", () => {
  it("is 1 when the run times fill the slots evenly", () => {
    expect(zeroGapUtilization([2, 2, 2, 2], 2)).toBe(1);
  });

  it("counts the ramp-down: one long trial at the end leaves the other slot idle", () => {
    // In start order: 1 -> A, 1 -> B, 3 -> A (both free at 1, the first one wins).
    // A ends at 4, B at 1: busy 5 of 2 x 4.
    expect(zeroGapUtilization([1, 1, 3], 2)).toBeCloseTo(5 / 8, 12);
  });

  it("gives each trial to the slot that frees first", () => {
    // 4 -> A, 1 -> B, 1 -> B (free at 1), 2 -> B (free at 2): both end at 4.
    expect(zeroGapUtilization([4, 1, 1, 2], 2)).toBe(1);
  });
});

describe("windowUtilization", () => {
  it("clips run times to the window", () => {
    const times = [
      { start: 0, end: 10 },
      { start: 5, end: 6 },
    ];
    // Window [2, 8] on 2 slots: 6 + 1 busy of 12.
    expect(windowUtilization(times, 2, 2, 8)).toBeCloseTo(7 / 12, 12);
  });

  it("is 1 for an empty window", () => {
    expect(windowUtilization([], 4, 3, 3)).toBe(1);
  });
});
