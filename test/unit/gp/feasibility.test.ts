import { describe, expect, it } from "vitest";
import { parseOutcomeConstraint } from "../../../src/evaluate/outcomeConstraints.js";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import {
  constrainedLogEi,
  constrainedLogEiWithGrad,
  fitFeasibilityModels,
  logNormalCdf,
} from "../../../src/generators/gp/feasibility.js";
import { proposeGp } from "../../../src/generators/gp/gpPropose.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

describe("logNormalCdf", () => {
  it.each([
    [0, Math.log(0.5)],
    [1.5, Math.log(0.9331927987311419)],
    [-3, Math.log(0.0013498980316301)],
    [-10, Math.log(7.61985302416047e-24)],
    [-40, -804.6084420137538],
  ])("log Phi(%f) = %f, finite far into the tail", (z, want) => {
    expect(logNormalCdf(z).value).toBeCloseTo(want, 6);
  });

  it("has the derivative phi/Phi on both sides of the branch point", () => {
    for (const z of [-30, -5, -1.01, -0.99, 0.3, 4]) {
      const h = 1e-6;
      const fd = (logNormalCdf(z + h).value - logNormalCdf(z - h).value) / (2 * h);
      expect(logNormalCdf(z).grad).toBeCloseTo(fd, 4);
    }
  });
});

const PARAMS: Parameter[] = [
  { kind: "range", name: "x", valueType: "float", low: 0, high: 1, log: false },
  { kind: "range", name: "y", valueType: "float", low: 0, high: 1, log: false },
];

/** Minimize f = x + y subject to g = x^2 + y^2 >= 0.36 (outside a disk): optimum on the arc. */
function input(n: number): GeneratorInput {
  const space = new SearchSpace(PARAMS);
  const completed: Observation[] = [];
  for (let i = 0; i < n; i++) {
    const x = ((i * 0.618034) % 1) * 0.98 + 0.01;
    const y = ((i * 0.414214 + 0.3) % 1) * 0.98 + 0.01;
    completed.push({ point: { x, y }, values: { f: x + y, g: x * x + y * y }, sems: { f: null } });
  }
  return {
    space,
    constraints: new ConstraintSet([], space),
    objectives: [{ name: "f", goal: "min" }],
    outcomeConstraints: [parseOutcomeConstraint("g >= 0.36", "test")],
    completed,
    failed: [],
    pending: [],
    seed: 5,
    proposedByNode: 0,
    campaignDir: "/tmp",
  };
}

describe("constrained log EI", () => {
  it("matches its finite-difference gradient", () => {
    const inp = input(12);
    const feas = fitFeasibilityModels(inp);
    expect(feas).toHaveLength(1);
    const model = feas[0]!.model; // any GP stands in for the objective's model here
    for (const best of [0.2, Infinity]) {
      const u = Float64Array.from([0.4, 0.3]);
      const g = constrainedLogEiWithGrad(model, u, best, feas);
      expect(g.value).toBeCloseTo(constrainedLogEi(model, u, best, feas), 6);
      for (let k = 0; k < 2; k++) {
        const h = 1e-6;
        const up = Float64Array.from(u);
        const dn = Float64Array.from(u);
        up[k] = up[k]! + h;
        dn[k] = dn[k]! - h;
        const fd =
          (constrainedLogEi(model, up, best, feas) - constrainedLogEi(model, dn, best, feas)) /
          (2 * h);
        expect(Math.abs(g.grad[k]! - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it("keeps the GP's proposals in the feasible region next to the constrained optimum", () => {
    const points: Point[] = proposeGp(input(20), 3, { acquisition: { rawSamples: 512 } });
    for (const p of points) {
      const x = p.x as number;
      const y = p.y as number;
      // feasible (with a small margin for the model's uncertainty) and near the arc x^2+y^2 = 0.36
      expect(x * x + y * y).toBeGreaterThan(0.3);
      expect(x + y).toBeLessThan(1.0);
    }
  });
});
