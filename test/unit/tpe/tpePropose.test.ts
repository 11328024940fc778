import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { createRng } from "../../../src/generators/rng.js";
import { buildParzen, logDensity } from "../../../src/generators/tpe/parzenEstimator.js";
import {
  gammaSplit,
  observationWeights,
  proposeTpe,
} from "../../../src/generators/tpe/tpePropose.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

const PARAMS: Parameter[] = [
  { kind: "range", name: "x", valueType: "float", low: -2, high: 2, log: false },
  { kind: "range", name: "k", valueType: "int", low: 1, high: 9, log: false },
  { kind: "range", name: "lr", valueType: "float", low: 1e-4, high: 1, log: true },
  {
    kind: "choice",
    name: "act",
    valueType: "string",
    values: ["relu", "tanh", "gelu"],
    ordered: false,
  },
];

function f(p: Point): number {
  return (
    ((p.x as number) - 0.7) ** 2 +
    0.1 * ((p.k as number) - 3) ** 2 +
    (Math.log10(p.lr as number) + 2) ** 2 +
    (p.act === "tanh" ? 0 : 1)
  );
}

function input(
  space: SearchSpace,
  constraints: ConstraintSet,
  completed: Observation[],
): GeneratorInput {
  return {
    space,
    constraints,
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 5,
    proposedByNode: 0,
    campaignDir: "",
  };
}

function optimize(
  space: SearchSpace,
  constraints: ConstraintSet,
  steps: number,
  random: boolean,
): number {
  const completed: Observation[] = [];
  let best = Infinity;
  const rng = createRng(77);
  for (let i = 0; i < steps; i++) {
    let p: Point;
    if (random) {
      do p = space.decode(rng.uniformVector(space.dim));
      while (!constraints.isSatisfied(p));
    } else p = proposeTpe(input(space, constraints, completed), 1)[0]!;
    const v = f(p);
    best = Math.min(best, v);
    completed.push({ point: p, values: { f: v }, sems: { f: null } });
  }
  return best;
}

describe("TPE", () => {
  const space = new SearchSpace(PARAMS);
  const constraints = new ConstraintSet(["x + k <= 6"], space);

  it("splits a quarter of the trials (up to 25) as good and down-weights old trials beyond 25", () => {
    expect(gammaSplit(4)).toBe(1);
    expect(gammaSplit(10)).toBe(3);
    expect(gammaSplit(45)).toBe(12);
    expect(gammaSplit(1000)).toBe(25);
    const w = observationWeights(40);
    expect(w[0]).toBeCloseTo(1 / 40, 12);
    expect(w[14]).toBe(1);
    expect(w.slice(15).every((v) => v === 1)).toBe(true);
  });

  it("Parzen density is higher near its observations", () => {
    const p = buildParzen([Float64Array.from([0.2, 0.5])], [1], new Int32Array(2));
    expect(logDensity(p, Float64Array.from([0.2, 0.5]))).toBeGreaterThan(
      logDensity(p, Float64Array.from([0.9, 0.1])),
    );
  });

  it("proposes valid points that satisfy the constraints, and the same points for the same history", () => {
    const completed: Observation[] = [];
    const rng = createRng(1);
    while (completed.length < 20) {
      const p = space.decode(rng.uniformVector(space.dim));
      if (constraints.isSatisfied(p))
        completed.push({ point: p, values: { f: f(p) }, sems: { f: null } });
    }
    const a = proposeTpe(input(space, constraints, completed), 4);
    expect(proposeTpe(input(space, constraints, completed), 4)).toEqual(a);
    for (const p of a) {
      expect(space.check(p)).toBeNull();
      expect(constraints.isSatisfied(p)).toBe(true);
    }
    expect(new Set(a.map((p) => space.key(p))).size).toBe(4);
  });

  it("beats random search with the same budget on a mixed problem", () => {
    expect(optimize(space, constraints, 60, false)).toBeLessThan(
      optimize(space, constraints, 60, true),
    );
  });
});
