import type { Rng } from "../rng.js";
import { SOBOL_BITS } from "./sobolDirections.js";

/**
 * Linear matrix scrambling (LMS) plus a digital shift, as scipy's qmc.Sobol(scramble=True):
 * for each dimension a random lower-triangular binary matrix L with unit diagonal multiplies
 * every direction number (output digit i depends on input digits 0..i, most significant
 * first), and a random 32-bit word is XORed into every point. Both keep the digital-net
 * structure, so the scrambled sequence keeps the balance properties of the unscrambled one
 * (for n = 2^m every elementary interval of volume 2^-k, k <= m, holds n / 2^k points), while
 * the points become a randomized, unbiased design and the first point is no longer 0.
 */
export interface SobolScramble {
  /** Scrambled direction numbers, SOBOL_BITS per dimension (index dim * SOBOL_BITS + j). */
  readonly directions: Uint32Array;
  /** The digital shift, one word per dimension. */
  readonly shift: Uint32Array;
}

/** Scrambles the direction numbers of `dim` dimensions with random numbers from `rng`. */
export function scrambleDirections(directions: Uint32Array, dim: number, rng: Rng): SobolScramble {
  const out = new Uint32Array(dim * SOBOL_BITS);
  const shift = new Uint32Array(dim);
  const rows = new Uint32Array(SOBOL_BITS);
  for (let d = 0; d < dim; d++) {
    // Row i of L as a mask over the bits of a direction number: its diagonal bit (31 - i)
    // and random bits at the more significant positions.
    for (let i = 0; i < SOBOL_BITS; i++) {
      const diagonal = (1 << (SOBOL_BITS - 1 - i)) >>> 0;
      const above = i === 0 ? 0 : (0xffffffff << (SOBOL_BITS - i)) >>> 0;
      rows[i] = ((rng.nextUint32() & above) | diagonal) >>> 0;
    }
    for (let j = 0; j < SOBOL_BITS; j++) {
      const v = directions[d * SOBOL_BITS + j]!;
      let w = 0;
      for (let i = 0; i < SOBOL_BITS; i++) {
        if (parity(v & rows[i]!)) w |= 1 << (SOBOL_BITS - 1 - i);
      }
      out[d * SOBOL_BITS + j] = w >>> 0;
    }
    shift[d] = rng.nextUint32();
  }
  return { directions: out, shift };
}

function parity(x: number): number {
  let v = x >>> 0;
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}
