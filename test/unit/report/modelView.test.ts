import { describe, expect, it } from "vitest";
import { modelView, type ModelFitMemory, type ModelInput } from "../../../src/report/modelView.js";
import type { Parameter } from "../../../src/space/parameters.js";

const parameters: Parameter[] = [
  { kind: "range", name: "x", valueType: "float", low: 0, high: 1, log: false },
  { kind: "range", name: "y", valueType: "float", low: 0, high: 1, log: false },
];

/** n observations of a function that depends on x far more than on y, on a fixed grid walk. */
function input(n: number, memory?: ModelFitMemory): ModelInput {
  const observations = Array.from({ length: n }, (_, i) => {
    const x = ((i * 0.618034) % 1) * 0.98 + 0.01;
    const y = ((i * 0.414214) % 1) * 0.98 + 0.01;
    return { point: { x, y }, value: Math.sin(6 * x) + 0.1 * y };
  });
  return {
    parameters,
    objective: { name: "f", goal: "min" },
    observations,
    seed: 1,
    ...(memory ? { memory } : {}),
  };
}

describe("modelView: the dashboard's reuse of fitted hyperparameters", () => {
  it("fits every time without a memory (report.html)", () => {
    expect(modelView(input(30))!.hyperparametersFittedAt).toBe(30);
    expect(modelView(input(35))!.hyperparametersFittedAt).toBe(35);
  });

  it("reuses the last fit until a tenth more trials (at least 10) completed, with the new data in the posterior", () => {
    const memory: ModelFitMemory = { fit: null };
    const first = modelView(input(30, memory))!;
    expect(first.hyperparametersFittedAt).toBe(30);
    expect(memory.fit?.completed).toBe(30);
    const fit = memory.fit;

    const reused = modelView(input(39, memory))!;
    expect(reused.hyperparametersFittedAt).toBe(30);
    expect(reused.completed).toBe(39);
    expect(memory.fit).toBe(fit);
    // Same lengthscales, so the same importance; the posterior mean moved with the new trials.
    expect(reused.importance).toEqual(first.importance);
    expect(reused.contour!.mean).not.toEqual(first.contour!.mean);
    expect(reused.importance[0]!.name).toBe("x");

    const refitted = modelView(input(40, memory))!;
    expect(refitted.hyperparametersFittedAt).toBe(40);
    expect(memory.fit?.completed).toBe(40);
    expect(memory.fit).not.toBe(fit);
  });

  it("refits when the campaign has fewer completed trials than at the fit (another campaign, a reset)", () => {
    const memory: ModelFitMemory = { fit: null };
    modelView(input(30, memory));
    expect(modelView(input(20, memory))!.hyperparametersFittedAt).toBe(20);
  });
});
