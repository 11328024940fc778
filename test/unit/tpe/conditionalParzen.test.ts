import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { conditionGroups } from "../../../src/generators/tpe/conditionalParzen.js";
import { proposeTpe } from "../../../src/generators/tpe/tpePropose.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

const PARAMS: Parameter[] = [
  { kind: "choice", name: "opt", valueType: "string", values: ["a", "b"], ordered: false },
  { kind: "range", name: "wd", valueType: "float", low: 0, high: 1, log: false },
  {
    kind: "range",
    name: "xa",
    valueType: "float",
    low: 0,
    high: 1,
    log: false,
    activeIf: "opt == 'a'",
  },
  {
    kind: "range",
    name: "xb",
    valueType: "float",
    low: 0,
    high: 1,
    log: false,
    activeIf: "opt == 'b'",
  },
];

function input(completed: Observation[]): GeneratorInput {
  const space = new SearchSpace(PARAMS);
  return {
    space,
    constraints: new ConstraintSet([], space),
    objectives: [{ name: "y", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 3,
    proposedByNode: 0,
    campaignDir: "",
  };
}

/**
 * Every trial of branch a beats every trial of branch b (so the global good quarter is all a);
 * within b the trials get better towards xb = 0.8.
 */
function history(): Observation[] {
  const obs: Observation[] = [];
  for (let i = 0; i < 12; i++) {
    const point: Point = {
      opt: "a",
      wd: (i + 0.5) / 12,
      xa: (i * 7 + 0.5) / 12 - Math.floor((i * 7 + 0.5) / 12),
    };
    obs.push({ point, values: { y: (point.xa as number) / 2 }, sems: { y: null } });
    const xb = (i * 5 + 0.5) / 12 - Math.floor((i * 5 + 0.5) / 12);
    obs.push({
      point: { opt: "b", wd: 1 - (i + 0.5) / 12, xb },
      values: { y: 10 + Math.abs(xb - 0.8) },
      sems: { y: null },
    });
  }
  return obs;
}

describe("TPE in a conditional space", () => {
  it("groups the always-active parents apart from the other always-active parameters and the branches", () => {
    const groups = conditionGroups(
      [undefined, undefined, "opt == 'a'", "opt == 'a'", "opt == 'b'"],
      (k) => k === 0,
    );
    expect(groups).toEqual([
      { dims: [0], kind: "parents" },
      { dims: [1], kind: "always" },
      { dims: [2, 3], kind: "conditional" },
      { dims: [4], kind: "conditional" },
    ]);
  });

  it("keeps visiting a branch with no good trial, and searches it near that branch's best", () => {
    const pts = proposeTpe(input(history()), 40);
    expect(proposeTpe(input(history()), 40)).toEqual(pts);
    const b = pts.filter((p) => p.opt === "b");
    // The branch is drawn from l(x): b keeps a share (its prior mass), not the arg max's none.
    expect(b.length).toBeGreaterThanOrEqual(3);
    expect(b.length).toBeLessThan(pts.length / 2);
    // Within b, its own best trials are its good ones: proposals gather near xb = 0.8.
    const near = b.filter((p) => Math.abs((p.xb as number) - 0.8) < 0.2);
    expect(near.length).toBeGreaterThanOrEqual(Math.ceil(0.75 * b.length));
  });
});
