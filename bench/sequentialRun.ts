/**
 * One sequential benchmark run as bench:optimizers does it: `init` points from a first
 * generator (Sobol), then the model, one point at a time, 50 evaluations by default.
 */
import type { Generator, GeneratorInput, Observation } from "../src/generators/generator.js";
import type { Point } from "../src/space/parameters.js";
import { ConstraintSet } from "../src/space/constraints.js";
import { SearchSpace } from "../src/space/searchSpace.js";
import type { TestProblem } from "./testFunctions.js";

export const BUDGET = 50;

/** A generator's input for the benchmarks' single minimized objective `f`; `over` sets the rest. */
export function baseInput(
  space: SearchSpace,
  seed: number,
  completed: Observation[],
  over: Partial<GeneratorInput> = {},
): GeneratorInput {
  return {
    space,
    constraints: new ConstraintSet([], space),
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed,
    proposedByNode: 0,
    campaignDir: "",
    ...over,
  };
}

export interface SequentialRun {
  /** The best value found. */
  readonly best: number;
  /** The first point with that value. */
  readonly bestPoint: Point;
  /** The best value among the first `init` points (the Sobol phase). */
  readonly bestOfInit: number;
  readonly bestPointOfInit: Point;
  /** Every evaluated point with its value, in order. */
  readonly history: readonly Observation[];
}

/** One sequential run: `first` for the initial trials, then `model`. */
export async function runSequential(
  problem: TestProblem,
  seed: number,
  init: number,
  first: Generator,
  model: Generator | null,
  budget = BUDGET,
): Promise<SequentialRun> {
  const space = new SearchSpace(problem.parameters);
  const completed: Observation[] = [];
  let best = Infinity;
  let bestPoint: Point = {};
  let bestOfInit = Infinity;
  let bestPointOfInit: Point = {};
  for (let t = 0; t < budget; t++) {
    const useFirst = model === null || t < init;
    const gen = useFirst ? first : model;
    const input = { ...baseInput(space, seed, completed), proposedByNode: useFirst ? t : t - init };
    const [p] = await gen.propose(input, 1);
    const v = problem.evaluate(p!);
    if (v < best) {
      best = v;
      bestPoint = p!;
    }
    if (t === Math.min(init, budget) - 1) {
      bestOfInit = best;
      bestPointOfInit = bestPoint;
    }
    completed.push({ point: p!, values: { f: v }, sems: { f: null } });
  }
  return { best, bestPoint, bestOfInit, bestPointOfInit, history: completed };
}
