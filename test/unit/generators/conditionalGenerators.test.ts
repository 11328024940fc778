import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { proposeGp } from "../../../src/generators/gp/gpPropose.js";
import { proposeGrid } from "../../../src/generators/gridGenerator.js";
import { proposeRandom } from "../../../src/generators/randomGenerator.js";
import { proposeRandomForest } from "../../../src/generators/rf/rfPropose.js";
import { proposeSobol } from "../../../src/generators/sobolGenerator.js";
import { proposeTpe } from "../../../src/generators/tpe/tpePropose.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import { TREE } from "../space/conditionalTree.js";
import { choice, range } from "./generatorInputs.js";

const FORBIDDEN = ["optimizer == 'adam' and lr > 0.01", "nesterov == 'yes' and layers == 1"];

function input(
  params: Parameter[],
  completed: Observation[] = [],
  pending: Point[] = [],
  forbidden = FORBIDDEN,
): GeneratorInput {
  const space = new SearchSpace(params);
  return {
    space,
    constraints: new ConstraintSet([], space, forbidden),
    objectives: [{ name: "y", goal: "min" }],
    completed,
    failed: [],
    pending,
    seed: 7,
    proposedByNode: 0,
    campaignDir: "/nonexistent",
  };
}

/** A value per branch: sgd does best with high momentum, adam with low lr; units_3 helps. */
function objective(p: Point): number {
  const lr = Math.log10(p.lr as number);
  let y = (lr + 2.5) ** 2;
  if (p.optimizer === "sgd") y += (1 - (p.momentum as number)) * 2 - 0.5;
  if (p.optimizer === "rmsprop") y += 1;
  if (p.units_3 !== undefined) y -= (p.units_3 as number) / 64;
  return y;
}

function history(n: number): Observation[] {
  const space = new SearchSpace(TREE);
  const pts = proposeRandom(input(TREE), n);
  return pts.map((point) => {
    expect(space.check(point)).toBeNull();
    return { point, values: { y: objective(point) }, sems: { y: null } };
  });
}

function expectValid(params: Parameter[], points: readonly Point[], forbidden = FORBIDDEN): void {
  const inp = input(params, [], [], forbidden);
  for (const p of points) {
    expect(inp.space.check(p), JSON.stringify(p)).toBeNull();
    expect(inp.constraints.violations(p), JSON.stringify(p)).toEqual([]);
    // every parameter present is active, every active parameter present
    expect(Object.keys(p).sort()).toEqual([...inp.space.activeNames(p)].sort());
  }
}

describe("generators on a conditional space never propose an inactive parameter or a forbidden point", () => {
  it("Sobol and random", () => {
    const sobol = proposeSobol(input(TREE), 200);
    expectValid(TREE, sobol);
    expect(sobol.some((p) => p.optimizer === "sgd" && "nesterov" in p)).toBe(true);
    expectValid(TREE, proposeRandom(input(TREE), 200));
  });

  it("the grid lists each combination of active values once", () => {
    const params: Parameter[] = [
      choice("opt", ["sgd", "adam"]),
      { ...choice("mom", [0.5, 0.9]), activeIf: "opt == 'sgd'" },
      { ...range("beta", 1, 3, "int"), activeIf: "opt == 'adam'" },
    ];
    const space = new SearchSpace(params);
    const pts = proposeGrid(input(params, [], [], []), 5);
    expect(pts.map((p) => space.key(p))).toHaveLength(5);
    expect(new Set(pts.map((p) => space.key(p))).size).toBe(5);
    expect(pts).toEqual([
      { opt: "sgd", mom: 0.5 },
      { opt: "sgd", mom: 0.9 },
      { opt: "adam", beta: 1 },
      { opt: "adam", beta: 2 },
      { opt: "adam", beta: 3 },
    ]);
  });

  it("TPE models each parameter on the trials where it was active", () => {
    const pts = proposeTpe(input(TREE, history(30)), 8);
    expectValid(TREE, pts);
  });

  it("the random forest (inactive coordinates as NaN, which every split sends the same way)", () => {
    const pts = proposeRandomForest(input(TREE, history(20)), 4);
    expect(pts).toHaveLength(4);
    expectValid(TREE, pts);
  });

  it("the GP (arc kernel on conditional dimensions) proposes valid points with pending ones", () => {
    const done = history(16);
    const pts = proposeGp(input(TREE, done, [done[0]!.point]), 3);
    expect(pts).toHaveLength(3);
    expectValid(TREE, pts);
  });
});
