import { describe, expect, it } from "vitest";
import {
  planBudgetSlots,
  promotedFrom,
  promotionsOwed,
  type BudgetSlot,
  type BudgetTrial,
} from "../../../src/budgets/promotionPlan.js";
import { successiveHalvingRungs } from "../../../src/budgets/rungs.js";
import type { TrialState } from "../../../src/store/rowTypes.js";

// min 1, max 9, eta 3: 9 configurations at 1, 3 at 3, 1 at 9
const RUNGS = successiveHalvingRungs({ min: 1, max: 9, eta: 3 });

let next = 0;
function trial(
  bracket: number,
  rung: number,
  state: TrialState,
  cost: number | null,
  parent: BudgetTrial | null = null,
): BudgetTrial {
  const index = next++;
  return {
    index,
    bracket,
    rung,
    state,
    cost: state === "COMPLETED" ? cost : null,
    parentIndex: parent?.index ?? null,
    configIndex: parent?.configIndex ?? index,
    paramsJson: parent?.paramsJson ?? JSON.stringify({ x: index }),
  };
}

/** A finished bottom rung of bracket `b` with these costs (index order). */
function bottom(b: number, costs: readonly (number | null)[]): BudgetTrial[] {
  return costs.map((c) => trial(b, 0, c === null ? "FAILED" : "COMPLETED", c));
}

const kinds = (slots: readonly BudgetSlot[]) =>
  slots.map((s) =>
    s.kind === "new"
      ? `new b${s.bracket}@${s.budget}`
      : `up ${s.parentIndex}->r${s.rung}@${s.budget}`,
  );

describe("planBudgetSlots: synchronous successive halving per bracket, asynchronous across", () => {
  it("fills the first bracket's bottom rung, then opens the next bracket rather than leaving slots idle", () => {
    expect(kinds(planBudgetSlots([], RUNGS, 2))).toEqual(["new b0@1", "new b0@1"]);
    const slots = planBudgetSlots([], RUNGS, 11);
    expect(slots.filter((s) => s.bracket === 0)).toHaveLength(9);
    expect(slots.filter((s) => s.bracket === 1)).toHaveLength(2);
    expect(slots.every((s) => s.kind === "new" && s.budget === 1)).toBe(true);
  });

  it("promotes nothing while a trial of the rung still runs: the free slot starts bracket 1", () => {
    next = 0;
    const trials = [...bottom(0, [5, 4, 3, 2, 1, 6, 7, 8]), trial(0, 0, "RUNNING", null)];
    expect(kinds(planBudgetSlots(trials, RUNGS, 1))).toEqual(["new b1@1"]);
    expect(promotionsOwed(trials, RUNGS)).toBe(0);
  });

  it("promotes the best third of a finished rung, best first, before any new configuration", () => {
    next = 0;
    const trials = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 0.5]);
    expect(kinds(planBudgetSlots(trials, RUNGS, 4))).toEqual([
      "up 8->r1@3",
      "up 4->r1@3",
      "up 3->r1@3",
      "new b1@1",
    ]);
    expect(promotionsOwed(trials, RUNGS)).toBe(3);
  });

  it("breaks ties by trial index and never promotes failed trials", () => {
    next = 0;
    const trials = bottom(0, [2, null, 1, 2, null, 2, 9, 9, 9]);
    expect(promotedFrom([trials], RUNGS, 0)!.map((t) => t.index)).toEqual([2, 0, 3]);
    next = 0;
    const mostlyFailed = bottom(0, [null, null, 3, null, null, null, null, 1, null]);
    expect(kinds(planBudgetSlots(mostlyFailed, RUNGS, 3))).toEqual([
      "up 7->r1@3",
      "up 2->r1@3",
      "new b1@1",
    ]);
  });

  it("does not promote twice: a stored promotion is skipped (what a resumed controller sees)", () => {
    next = 0;
    const rung0 = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 9]);
    const up = trial(0, 1, "RUNNING", null, rung0[4]);
    expect(kinds(planBudgetSlots([...rung0, up], RUNGS, 2))).toEqual(["up 3->r1@3", "up 2->r1@3"]);
  });

  it("a cancelled trial holds no place: its configuration is promoted again, a bottom place is filled again", () => {
    next = 0;
    const rung0 = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 9]);
    const cancelledUp = trial(0, 1, "CANCELLED", null, rung0[4]);
    expect(kinds(planBudgetSlots([...rung0, cancelledUp], RUNGS, 1))).toEqual(["up 4->r1@3"]);
    next = 0;
    const eight = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8]);
    const cancelled = trial(0, 0, "CANCELLED", null);
    expect(kinds(planBudgetSlots([...eight, cancelled], RUNGS, 1))).toEqual(["new b0@1"]);
  });

  it("promotes the best of rung 1 to the top rung once rung 1 has ended, keeping the configuration's first trial", () => {
    next = 0;
    const rung0 = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 9]);
    const [a, b, c] = [rung0[4]!, rung0[3]!, rung0[2]!];
    const r1 = [
      trial(0, 1, "COMPLETED", 0.7, a),
      trial(0, 1, "COMPLETED", 0.2, b),
      trial(0, 1, "RUNNING", null, c),
    ];
    expect(promotionsOwed([...rung0, ...r1], RUNGS)).toBe(0);
    const done = [...r1.slice(0, 2), { ...r1[2]!, state: "COMPLETED" as const, cost: 0.9 }];
    const slots = planBudgetSlots([...rung0, ...done], RUNGS, 1);
    expect(slots).toEqual([
      {
        kind: "promotion",
        bracket: 0,
        rung: 2,
        budget: 9,
        parentIndex: r1[1]!.index,
        configIndex: b.index,
        paramsJson: b.paramsJson,
      },
    ]);
  });

  it("serves older brackets' promotions first", () => {
    next = 0;
    const b0 = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 9]);
    const b1 = bottom(1, [9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(kinds(planBudgetSlots([...b1, ...b0], RUNGS, 6))).toEqual([
      "up 4->r1@3",
      "up 3->r1@3",
      "up 2->r1@3",
      "up 17->r1@3",
      "up 16->r1@3",
      "up 15->r1@3",
    ]);
  });
});

describe("planBudgetSlots: max_eval's rest is kept for the brackets under way", () => {
  it("opens a second bracket only when a whole one still fits after the first's needs", () => {
    next = 0;
    // bracket 0: 9 bottom trials running; it may still need 3 + 1 promotions
    const running = Array.from({ length: 9 }, () => trial(0, 0, "RUNNING", null));
    expect(planBudgetSlots(running, RUNGS, 5, 4)).toEqual([]); // 13 in all: the rest is bracket 0's
    expect(planBudgetSlots(running, RUNGS, 5, 16)).toEqual([]); // 16 - 4 = 12 < 13
    expect(kinds(planBudgetSlots(running, RUNGS, 2, 17))).toEqual(["new b1@1", "new b1@1"]);
  });

  it("spends what remains on a cut-short bracket once no bracket needs anything", () => {
    next = 0;
    const rung0 = bottom(0, [5, 4, 3, 2, 1, 6, 7, 8, 9]);
    const r1 = [rung0[4]!, rung0[3]!, rung0[2]!].map((p, k) => trial(0, 1, "COMPLETED", k, p));
    const top = trial(0, 2, "COMPLETED", 0.1, r1[0]);
    const done = [...rung0, ...r1, top];
    expect(kinds(planBudgetSlots(done, RUNGS, 5, 3))).toEqual(["new b1@1", "new b1@1", "new b1@1"]);
    // the running top trial needs no more trials: the cut-short bracket starts at once
    const runningTop = [...rung0, ...r1, { ...top, state: "RUNNING" as const, cost: null }];
    expect(planBudgetSlots(runningTop, RUNGS, 5, 3)).toHaveLength(3);
    // while rung 1 runs, bracket 0 may still need its top trial: 1 of 2 remaining is kept
    const runningR1 = [
      ...rung0,
      ...r1.slice(0, 2),
      { ...r1[2]!, state: "RUNNING" as const, cost: null },
    ];
    expect(planBudgetSlots(runningR1, RUNGS, 5, 2)).toEqual([]);
  });
});
