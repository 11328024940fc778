/** Space-filling raw samples of the unit cube for the acquisition sweep: scrambled Sobol'. */
import type { Rng } from "../rng.js";
import { SOBOL_MAX_DIM, sobolPoints } from "../sobol/sobolSequence.js";

/** `count` scrambled Sobol' points, scrambled by a seed drawn from `rng` (uniform beyond Sobol's dims). */
export function sweepPoints(dim: number, count: number, rng: Rng): Float64Array[] {
  if (dim > SOBOL_MAX_DIM) return Array.from({ length: count }, () => rng.uniformVector(dim));
  return sobolPoints(dim, count, { seed: rng.nextUint32(), stream: 0x4750 });
}
