import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { buildModel, predict } from "../../../src/generators/gp/gpModel.js";
import { fitHyperparameters } from "../../../src/generators/gp/hyperFit.js";
import { prepareData } from "../../../src/generators/gp/trainingData.js";
import { createRng } from "../../../src/generators/rng.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

function meanAtOutlier(sem: number | null): number {
  const space = new SearchSpace([
    { kind: "range", name: "x", valueType: "float", low: 0, high: 1, log: false },
  ]);
  const completed: Observation[] = [];
  for (let i = 0; i <= 12; i++) {
    const x = i / 12;
    const outlier = i === 6;
    completed.push({
      point: { x },
      values: { f: Math.sin(3 * x) + (outlier ? 1.5 : 0) },
      sems: { f: outlier ? sem : null },
    });
  }
  const input: GeneratorInput = {
    space,
    constraints: new ConstraintSet([], space),
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 1,
    proposedByNode: 0,
    campaignDir: "",
  };
  const data = prepareData(input, createRng(1), false);
  const model = buildModel(data.train, fitHyperparameters(data.train).theta)!;
  return predict(model, Float64Array.from([0.5])).mean - data.train.y[6]!;
}

describe("known standard errors", () => {
  it("let the GP smooth over a point with a large SEM instead of interpolating it", () => {
    const withoutSem = Math.abs(meanAtOutlier(null));
    const withSem = Math.abs(meanAtOutlier(1.5));
    expect(withSem).toBeGreaterThan(3 * withoutSem);
    expect(withSem).toBeGreaterThan(0.5);
  });
});
