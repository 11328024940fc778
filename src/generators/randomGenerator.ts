import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { Generator, GeneratorInput } from "./generator.js";
import { smallDiscreteGrid } from "./gridGenerator.js";
import { drawBudget, proposeWithRejection } from "./rejectionSampling.js";
import { createRng } from "./rng.js";

/** Salt of the random generator's streams, so no other createRng(seed, i) user shares them. */
const RANDOM_STREAM = 0x7a4d_0001;

export interface RandomGeneratorOptions {
  /** At most this many draws per call before giving up (see rejectionSampling.ts). */
  readonly maxDraws?: number;
}

/**
 * "random": uniform pseudo-random points of the unit cube, decoded with space.decode. Draw k
 * comes from its own stream (input.seed, k), and a call starts at draw input.proposedByNode,
 * so the points do not depend on batch sizes and a resumed campaign continues the same
 * draws. Rejection of infeasible and repeated points and the duplicate rule are those of
 * proposeWithRejection (shared with sobol and grid).
 */
export function createRandomGenerator(options: RandomGeneratorOptions = {}): Generator {
  return {
    name: "random",
    historyFree: true,
    propose: (input, n) => Promise.resolve().then(() => proposeRandom(input, n, options)),
  };
}

/** What the "random" generator proposes, synchronously (errors are thrown). */
export function proposeRandom(
  input: GeneratorInput,
  n: number,
  options: RandomGeneratorOptions = {},
): Point[] {
  const grid = smallDiscreteGrid(input.space);
  return proposeWithRejection(input, n, {
    generator: "random",
    draws: randomDraws(input.space, input.seed, input.proposedByNode),
    enumerate: grid ? () => grid.pointsFrom(0) : null,
    ...drawBudget(options.maxDraws, grid?.size),
  });
}

/** The unit-cube vector of random draw k (exported for tests and model-based generators). */
export function randomUnitPoint(seed: number, k: number, dim: number): Float64Array {
  return createRng(seed, RANDOM_STREAM, k).uniformVector(dim);
}

function* randomDraws(space: SearchSpace, seed: number, start: number): IterableIterator<Point> {
  for (let k = start; ; k++) yield space.decode(randomUnitPoint(seed, k, space.dim));
}
