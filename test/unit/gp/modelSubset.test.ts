import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { proposeGp } from "../../../src/generators/gp/gpPropose.js";
import type { TrainingSet } from "../../../src/generators/gp/likelihood.js";
import { subsetForModel } from "../../../src/generators/gp/modelSubset.js";
import { createRng } from "../../../src/generators/rng.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

/** n points on a line in 2-d: x = (i / n, 0.5), y = |x - 0.3| (best near 0.3). */
function lineSet(n: number): TrainingSet {
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i / n;
    x[2 * i + 1] = 0.5;
    y[i] = Math.abs(i / n - 0.3);
  }
  return { x, y, extraNoise: new Float64Array(n), n, d: 2, cat: new Int32Array(2) };
}

const theta = Float64Array.from([Math.log(0.2), Math.log(0.2), 0, -6]);

describe("subsetForModel", () => {
  it("keeps a training set that fits as it is", () => {
    const t = lineSet(50);
    expect(subsetForModel(t, theta, 50, 15, createRng(1))).toBe(t);
  });

  it("keeps at most max rows: the best point's neighbourhood, the best values and a global sample", () => {
    const t = lineSet(2000);
    const best = 600; // x = 0.3
    const s = subsetForModel(t, theta, 100, best, createRng(1));
    expect(s.n).toBe(100);
    const xs = Array.from({ length: s.n }, (_, i) => s.x[2 * i]!);
    // the 50 nearest neighbours of x = 0.3 are all there
    for (let i = best - 24; i <= best + 24; i++) expect(xs).toContain(i / 2000);
    // and some points far from it (the random global sample)
    expect(xs.filter((v) => v > 0.6 || v < 0.1).length).toBeGreaterThan(5);
    // rows stay in their original order, with their targets
    for (let i = 1; i < s.n; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
    for (let i = 0; i < s.n; i++) expect(s.y[i]).toBeCloseTo(Math.abs(xs[i]! - 0.3), 12);
  });

  it("measures closeness in the fitted lengthscales", () => {
    // points on a grid; a long lengthscale on dimension 2 makes it nearly irrelevant
    const n = 400;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[2 * i] = (i % 20) / 20;
      x[2 * i + 1] = Math.floor(i / 20) / 20;
    }
    const t: TrainingSet = {
      x,
      y: new Float64Array(n).fill(1),
      extraNoise: new Float64Array(n),
      n,
      d: 2,
      cat: new Int32Array(2),
    };
    const best = 10 * 20 + 10; // (0.5, 0.5)
    const wide = Float64Array.from([Math.log(0.05), Math.log(50), 0, -6]);
    const s = subsetForModel(t, wide, 60, best, createRng(2));
    // the 30 nearest in scaled distance share x1 = 0.5 (a whole column of 20) before any other
    const column = Array.from({ length: s.n }, (_, i) => s.x[2 * i]!).filter((v) => v === 0.5);
    expect(column.length).toBe(20);
  });
});

describe("proposeGp beyond the model's size", () => {
  const params: Parameter[] = [
    { kind: "range", name: "a", valueType: "float", low: 0, high: 1, log: false },
    { kind: "range", name: "b", valueType: "float", low: 0, high: 1, log: false },
  ];
  const space = new SearchSpace(params);
  const rng = createRng(5);
  const completed: Observation[] = Array.from({ length: 600 }, () => {
    const point = space.decode(rng.uniformVector(2));
    const v = ((point.a as number) - 0.7) ** 2 + ((point.b as number) - 0.2) ** 2;
    return { point, values: { f: v }, sems: { f: null } };
  });
  const input: GeneratorInput = {
    space,
    constraints: new ConstraintSet([], space),
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 3,
    proposedByNode: 0,
    campaignDir: "",
  };

  it("proposes near the optimum with a local model, deterministically", () => {
    const [p] = proposeGp(input, 1, { maxModelPoints: 100 });
    expect(Math.abs((p!.a as number) - 0.7)).toBeLessThan(0.1);
    expect(Math.abs((p!.b as number) - 0.2)).toBeLessThan(0.1);
    expect(proposeGp(input, 1, { maxModelPoints: 100 })).toEqual([p]);
  });
});
