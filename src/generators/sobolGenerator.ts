import { GeneratorError } from "../errors/errors.js";
import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { Generator, GeneratorInput } from "./generator.js";
import { smallDiscreteGrid } from "./gridGenerator.js";
import { drawBudget, proposeWithRejection } from "./rejectionSampling.js";
import { SOBOL_MAX_DIM, SOBOL_MAX_POINTS, SobolSequence } from "./sobol/sobolSequence.js";

export interface SobolGeneratorOptions {
  /** At most this many draws per call before giving up (see rejectionSampling.ts). */
  readonly maxDraws?: number;
}

/**
 * "sobol": the scrambled Sobol' sequence seeded by input.seed, decoded with space.decode.
 * A call proposes from sequence index input.proposedByNode on, so a resumed campaign (or the
 * next call) continues the same sequence; points that violate the constraints or repeat a
 * tried, pending or just-proposed point are skipped. In a discrete space smaller than the
 * budget, duplicates come only after every distinct feasible point has been tried (the
 * least-tried point first); see proposeWithRejection.
 */
export function createSobolGenerator(options: SobolGeneratorOptions = {}): Generator {
  return {
    name: "sobol",
    historyFree: true,
    propose: (input, n) => Promise.resolve().then(() => proposeSobol(input, n, options)),
  };
}

/** What the "sobol" generator proposes, synchronously (errors are thrown). */
export function proposeSobol(
  input: GeneratorInput,
  n: number,
  options: SobolGeneratorOptions = {},
): Point[] {
  const { space } = input;
  if (space.dim > SOBOL_MAX_DIM)
    throw new GeneratorError(
      "GENERATOR_ERROR",
      `sobol: the search space has ${space.dim} free parameters, but Sobol sequences here support at most ${SOBOL_MAX_DIM}; use the RANDOM model for this space`,
    );
  const grid = smallDiscreteGrid(space);
  return proposeWithRejection(input, n, {
    generator: "sobol",
    draws: sobolDraws(space, input.seed, input.proposedByNode),
    enumerate: grid ? () => grid.pointsFrom(0) : null,
    ...drawBudget(options.maxDraws, grid?.size),
  });
}

function* sobolDraws(space: SearchSpace, seed: number, start: number): IterableIterator<Point> {
  if (start >= SOBOL_MAX_POINTS) return;
  const seq = new SobolSequence(space.dim, { seed }).skipTo(start);
  const u = new Float64Array(space.dim);
  while (seq.index < SOBOL_MAX_POINTS) yield space.decode(seq.next(u));
}
