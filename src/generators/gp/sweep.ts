/** Space-filling raw samples of the unit cube for the acquisition sweep. */
import type { Rng } from "../rng.js";

export function sweepPoints(dim: number, count: number, rng: Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < count; i++) out.push(rng.uniformVector(dim));
  return out;
}
