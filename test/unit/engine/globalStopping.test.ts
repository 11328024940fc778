import { describe, expect, it } from "vitest";
import {
  GLOBAL_STOP_PREFIX,
  globalStoppingDecision,
  type CompletedEntry,
} from "../../../src/engine/globalStopping.js";
import type { Campaign, StopWhen } from "../../../src/spec/campaign.js";

const single = {
  objectives: [{ name: "LOSS", goal: "min" }],
  outcomeConstraints: [],
} as unknown as Campaign;
const two = {
  objectives: [
    { name: "A", goal: "min" },
    { name: "B", goal: "max" },
  ],
  outcomeConstraints: [],
  objectiveThresholds: [
    { metric: "A", op: "<=", bound: 10, text: "A <= 10" },
    { metric: "B", op: ">=", bound: 0, text: "B >= 0" },
  ],
} as unknown as Campaign;

function losses(vs: number[], feasible: (i: number) => boolean = () => true): CompletedEntry[] {
  return vs.map((v, i) => ({ index: i, values: { LOSS: v }, feasible: feasible(i) }));
}

const when = (w: number, min: number, tol: number): StopWhen => ({
  noImprovementIn: w,
  minTrials: min,
  tolerance: tol,
});

describe("global stopping (Ax's ImprovementGlobalStoppingStrategy)", () => {
  it("decides nothing before max(min_trials, no_improvement_in) completed trials", () => {
    const flat = losses([5, 4, 3, 3, 3, 3, 3, 3]);
    expect(globalStoppingDecision(single, when(3, 10, 0.1), flat).stop).toBe(false);
    expect(globalStoppingDecision(single, when(10, 2, 0.1), flat).stop).toBe(false);
    expect(globalStoppingDecision(single, when(3, 8, 0.1), flat).stop).toBe(true);
  });

  it("one objective: stops when the best improved by less than tolerance x IQR over the window", () => {
    // values 10, 8, 6, 4, 2 then 1.9, 1.95, 1.92: IQR of all = percentile(75) - percentile(25)
    const vs = [10, 8, 6, 4, 2, 1.9, 1.95, 1.92];
    // best now 1.9, best 3 completed trials back (entries[0..5]) 1.9: no gain: stop
    const d = globalStoppingDecision(single, when(3, 3, 0.01), losses(vs));
    expect(d.stop).toBe(true);
    expect(d.message.startsWith(GLOBAL_STOP_PREFIX)).toBe(true);
    expect(d.message).toContain("over the last 3 completed trials");
    // 4 back: best then 2, now 1.9: gain 0.1; IQR of sorted [1.9 .. 10] is 6.5 - 1.9425
    const sorted = [...vs].sort((a, b) => a - b);
    const q = (p: number): number => {
      const at = p * (sorted.length - 1);
      const lo = Math.floor(at);
      return sorted[lo]! + (sorted[Math.ceil(at)]! - sorted[lo]!) * (at - lo);
    };
    const rel = 0.1 / (q(0.75) - q(0.25));
    expect(globalStoppingDecision(single, when(4, 3, rel * 1.01), losses(vs)).stop).toBe(true);
    expect(globalStoppingDecision(single, when(4, 3, rel * 0.99), losses(vs)).stop).toBe(false);
  });

  it("maximized objectives and infeasible trials: only feasible values make the best", () => {
    const acc = {
      objectives: [{ name: "LOSS", goal: "max" }],
      outcomeConstraints: [],
    } as unknown as Campaign;
    // the big jump at the end is infeasible: it does not count as improvement
    const vs = [1, 2, 3, 4, 5, 5, 5, 100];
    expect(
      globalStoppingDecision(
        acc,
        when(3, 3, 0.1),
        losses(vs, (i) => i !== 7),
      ).stop,
    ).toBe(true);
    expect(globalStoppingDecision(acc, when(3, 3, 0.1), losses(vs)).stop).toBe(false);
  });

  it("never stops while no trial at the window's start was feasible", () => {
    // window 3 of 6: the start is entries[0..3], all infeasible
    const vs = [9, 9, 9, 1, 1, 1];
    const d = globalStoppingDecision(
      single,
      when(3, 3, 0.1),
      losses(vs, (i) => i >= 4),
    );
    expect(d.stop).toBe(false);
  });

  it("several objectives: hypervolume growth over the window, relative to the earlier hypervolume", () => {
    const pts = (list: [number, number][]): CompletedEntry[] =>
      list.map(([a, b], i) => ({ index: i, values: { A: a, B: b }, feasible: true }));
    // reference (A <= 10, B >= 0): the point (5, 5) gives 5 * 5 = 25
    const grow = pts([
      [5, 5],
      [6, 4],
      [4, 6],
      [2, 8],
    ]);
    // window 2: hypervolume at entries[0..2] vs now: (2, 8) adds a lot
    expect(globalStoppingDecision(two, when(2, 2, 0.05), grow).stop).toBe(false);
    const flat = pts([
      [5, 5],
      [6, 4],
      [4, 6],
      [5.5, 4.5],
      [7, 1],
    ]);
    const d = globalStoppingDecision(two, when(2, 2, 0.05), flat);
    expect(d.stop).toBe(true);
    expect(d.message).toContain("the hypervolume grew by 0 ");
  });
});
