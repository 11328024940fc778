/**
 * The parallel column of bench:optimizers: 5 trials at once with asynchronous refill, as a
 * campaign runs them. The first max(5, 2d) trials are Sobol (all proposed before any result,
 * 5 in flight at a time), then the GP; whenever a trial finishes (the oldest in flight first),
 * one new point is proposed with the other 4 as pending trials (the runner's Kriging
 * believers). 50 evaluations in all; returns the best value found.
 */
import type { Generator, GeneratorInput, Observation } from "../src/generators/generator.js";
import { ConstraintSet } from "../src/space/constraints.js";
import type { Point } from "../src/space/parameters.js";
import { SearchSpace } from "../src/space/searchSpace.js";
import type { TestProblem } from "./testFunctions.js";

export const SLOTS = 5;

export async function runAsyncBatch(
  problem: TestProblem,
  seed: number,
  init: number,
  budget: number,
  first: Generator,
  model: Generator,
): Promise<number> {
  const space = new SearchSpace(problem.parameters);
  const completed: Observation[] = [];
  const pending: Point[] = [];
  let proposed = 0;
  let best = Infinity;
  while (completed.length < budget) {
    while (pending.length < SLOTS && proposed < budget) {
      const useFirst = proposed < init;
      const input: GeneratorInput = {
        space,
        constraints: new ConstraintSet([], space),
        objectives: [{ name: "f", goal: "min" }],
        completed,
        failed: [],
        pending: [...pending],
        seed,
        proposedByNode: useFirst ? proposed : proposed - init,
        campaignDir: "",
      };
      const [p] = await (useFirst ? first : model).propose(input, 1);
      pending.push(p!);
      proposed++;
    }
    const done = pending.shift()!;
    const v = problem.evaluate(done);
    best = Math.min(best, v);
    completed.push({ point: done, values: { f: v }, sems: { f: null } });
  }
  return best;
}
