import { describe, expect, it } from "vitest";
import {
  decideEarlyStop,
  percentileOf,
  type EarlyStopping,
} from "../../../src/earlyStopping/stoppingRules.js";

const percentile: EarlyStopping = {
  strategy: "percentile",
  percentile: 50,
  minProgression: 2,
  minTrials: 3,
  metric: "RESULT",
};
const median: EarlyStopping = { ...percentile, strategy: "median" };

describe("percentileOf (numpy's linear interpolation)", () => {
  it("gives numpy.percentile's values", () => {
    // numpy.percentile([1, 2, 3, 4], 50) == 2.5; [1, 2, 3, 4], 25 -> 1.75; [5, 1, 3], 75 -> 4
    expect(percentileOf([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileOf([4, 3, 2, 1], 25)).toBe(1.75);
    expect(percentileOf([5, 1, 3], 75)).toBe(4);
    expect(percentileOf([7], 10)).toBe(7);
    expect(percentileOf([1, 2, 3, 4], 0)).toBe(1);
    expect(percentileOf([1, 2, 3, 4], 100)).toBe(4);
  });
});

describe("the percentile rule (Ax's PercentileEarlyStoppingStrategy)", () => {
  it("minimizing: stops a trial above the (100 - p)-th percentile of all values at the step, its own included", () => {
    // values [1, 2, 3, 10]: the 50th percentile is 2.5
    const d = decideEarlyStop(percentile, "min", 3, 10, [1, 2, 3]);
    expect(d.stop).toBe(true);
    expect(d.threshold).toBe(2.5);
    expect(d.reason).toBe(
      "RESULT@3 = 10 worse than the 50th percentile threshold 2.5 of 4 trial(s) at that step",
    );
    expect(decideEarlyStop(percentile, "min", 3, 2, [1, 3, 4]).stop).toBe(false);
  });

  it("p = 25 stops only the worst quarter: minimizing compares with the 75th percentile", () => {
    const p25 = { ...percentile, percentile: 25 };
    // [1, 2, 3, 4, 5]: 75th percentile 4; 5 > 4 stops, 3 does not
    expect(decideEarlyStop(p25, "min", 2, 5, [1, 2, 3, 4])).toMatchObject({
      stop: true,
      threshold: 4,
    });
    expect(decideEarlyStop(p25, "min", 2, 3, [1, 2, 4, 5]).stop).toBe(false);
  });

  it("maximizing: stops a trial below the p-th percentile", () => {
    // [1, 2, 3, 10], 50th percentile 2.5: 1 < 2.5 stops, 10 does not
    expect(decideEarlyStop(percentile, "max", 2, 1, [2, 3, 10]).stop).toBe(true);
    expect(decideEarlyStop(percentile, "max", 2, 10, [1, 2, 3]).stop).toBe(false);
  });

  it("decides nothing before min_progression or with fewer than min_trials other trials at the step", () => {
    expect(decideEarlyStop(percentile, "min", 1, 100, [1, 2, 3])).toMatchObject({
      stop: false,
      threshold: null,
    });
    expect(decideEarlyStop(percentile, "min", 5, 100, [1, 2])).toMatchObject({
      stop: false,
      threshold: null,
      reason: "2 other trial(s) at step 5 < min_trials",
    });
    expect(decideEarlyStop({ ...percentile, minTrials: 0 }, "min", 5, 100, []).stop).toBe(false);
  });
});

describe("the median rule (Optuna's MedianPruner)", () => {
  it("stops a trial worse than the median of the OTHER trials' values at the step", () => {
    // others [1, 2, 3, 10]: median 2.5 (the trial's own value not included)
    const d = decideEarlyStop(median, "min", 2, 3, [1, 2, 3, 10]);
    expect(d).toMatchObject({ stop: true, threshold: 2.5 });
    expect(d.reason).toBe(
      "RESULT@2 = 3 worse than the median 2.5 of 4 other trial(s) at that step",
    );
    expect(decideEarlyStop(median, "min", 2, 2.5, [1, 2, 3, 10]).stop).toBe(false);
    expect(decideEarlyStop(median, "max", 2, 2, [1, 2, 3, 10]).stop).toBe(true);
    expect(decideEarlyStop(median, "max", 2, 3, [1, 2, 3, 10]).stop).toBe(false);
  });
});
