/**
 * Seeded quality check of the GP generator (no timing): on Branin, Sobol for the first 5
 * evaluations (the default max(5, 2d)) then GP, the best value after 40 evaluations is within
 * 0.05 of the global minimum.
 */
import { describe, expect, it } from "vitest";
import { TEST_PROBLEMS } from "../../bench/testFunctions.js";
import type { Observation } from "../../src/generators/generator.js";
import { createGpGenerator } from "../../src/generators/gpGenerator.js";
import { createSobolGenerator } from "../../src/generators/sobolGenerator.js";
import { ConstraintSet } from "../../src/space/constraints.js";
import { SearchSpace } from "../../src/space/searchSpace.js";

describe("GP quality", () => {
  it("reaches a regret below 0.05 on Branin within 40 evaluations (seed 2024)", async () => {
    const branin = TEST_PROBLEMS.find((p) => p.name.startsWith("Branin"))!;
    const space = new SearchSpace(branin.parameters);
    const constraints = new ConstraintSet([], space);
    const sobol = createSobolGenerator();
    const gp = createGpGenerator({ inWorker: false });
    const completed: Observation[] = [];
    let best = Infinity;
    for (let t = 0; t < 40; t++) {
      const gen = t < 5 ? sobol : gp;
      const [p] = await gen.propose(
        {
          space,
          constraints,
          objectives: [{ name: "f", goal: "min" }],
          completed,
          failed: [],
          pending: [],
          seed: 2024,
          proposedByNode: t < 5 ? t : t - 5,
          campaignDir: "",
        },
        1,
      );
      const v = branin.evaluate(p!);
      best = Math.min(best, v);
      completed.push({ point: p!, values: { f: v }, sems: { f: null } });
    }
    expect(best - branin.optimum).toBeLessThan(0.05);
  });
});
