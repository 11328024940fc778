import { createRng } from "../rng.js";
import { scrambleDirections } from "./scrambledSobol.js";
import { SOBOL_BITS, SOBOL_MAX_DIM, sobolDirections } from "./sobolDirections.js";

export { SOBOL_BITS, SOBOL_MAX_DIM };

/** Number of distinct points of the sequence (indices 0 .. 2^32 - 1). */
export const SOBOL_MAX_POINTS = 2 ** SOBOL_BITS;

/** Salt of the scrambling stream, so createRng(seed) users never share its numbers. */
const SCRAMBLE_STREAM = 0x5_0b01;

const SCALE = 2 ** -SOBOL_BITS;

export type SobolOptions =
  /** Unscrambled: the plain Joe-Kuo sequence, first point 0 (as scipy scramble=False). */
  | { readonly scramble: false }
  /**
   * Scrambled (LMS + digital shift) with random numbers from the stream (seed, stream): the same
   * seed and stream give the same sequence; `stream` (default 0) gives independent scrambles.
   */
  | { readonly scramble?: true; readonly seed: number; readonly stream?: number };

/**
 * A Sobol' sequence in `dim` dimensions (at most SOBOL_MAX_DIM), in Gray-code order like scipy's
 * qmc.Sobol: point i is the XOR of the direction numbers selected by the bits of i ^ (i >> 1)
 * (then the digital shift, when scrambled). next() costs O(dim); skipTo() jumps to any index
 * in O(32 dim). Coordinates lie in [0, 1) with 32 bits.
 */
export class SobolSequence {
  readonly dim: number;
  private readonly directions: Uint32Array;
  private readonly shift: Uint32Array;
  /** The integer coordinates of the point at `nextIndex`. */
  private readonly state: Uint32Array;
  private nextIndex = 0;

  constructor(dim: number, options: SobolOptions) {
    if (!Number.isInteger(dim) || dim < 0 || dim > SOBOL_MAX_DIM)
      throw new RangeError(
        `Sobol sequences support 0 to ${SOBOL_MAX_DIM} dimensions, got ${dim}; use the random generator for more`,
      );
    this.dim = dim;
    const plain = sobolDirections(dim);
    if (options.scramble === false) {
      this.directions = plain;
      this.shift = new Uint32Array(dim);
    } else {
      const rng = createRng(options.seed, SCRAMBLE_STREAM, options.stream ?? 0);
      const scrambled = scrambleDirections(plain, dim, rng);
      this.directions = scrambled.directions;
      this.shift = scrambled.shift;
    }
    this.state = Uint32Array.from(this.shift);
  }

  /** Index of the point next() returns. */
  get index(): number {
    return this.nextIndex;
  }

  /** Moves to point `index` (the next call of next() returns it). */
  skipTo(index: number): this {
    if (!Number.isInteger(index) || index < 0 || index >= SOBOL_MAX_POINTS)
      throw new RangeError(`Sobol index must be an integer in [0, 2^32), got ${index}`);
    const gray = (index ^ (index >>> 1)) >>> 0;
    for (let d = 0; d < this.dim; d++) {
      let x = this.shift[d]!;
      for (let j = 0; j < SOBOL_BITS; j++) {
        if ((gray >>> j) & 1) x ^= this.directions[d * SOBOL_BITS + j]!;
      }
      this.state[d] = x >>> 0;
    }
    this.nextIndex = index;
    return this;
  }

  /** Returns the point at index() (written into `out` when given) and advances by one. */
  next(out: Float64Array = new Float64Array(this.dim)): Float64Array {
    const i = this.nextIndex;
    if (i >= SOBOL_MAX_POINTS)
      throw new RangeError(`the Sobol sequence has only 2^32 points; index ${i} is past its end`);
    for (let d = 0; d < this.dim; d++) out[d] = this.state[d]! * SCALE;
    const next = i + 1;
    if (next < SOBOL_MAX_POINTS) {
      // Gray code: point i+1 differs from point i by direction number ctz(i + 1).
      const j = 31 - Math.clz32(next & -next);
      for (let d = 0; d < this.dim; d++) {
        this.state[d] = (this.state[d]! ^ this.directions[d * SOBOL_BITS + j]!) >>> 0;
      }
    }
    this.nextIndex = next;
    return out;
  }

  /** The next `n` points, one Float64Array each. */
  take(n: number): Float64Array[] {
    const out: Float64Array[] = [];
    for (let k = 0; k < n; k++) out.push(this.next());
    return out;
  }

  /** The next `n` points in one row-major Float64Array of n * dim numbers. */
  takeFlat(n: number): Float64Array {
    const flat = new Float64Array(n * this.dim);
    for (let k = 0; k < n; k++) this.next(flat.subarray(k * this.dim, (k + 1) * this.dim));
    return flat;
  }
}

/**
 * `n` points of a Sobol' sequence from index `skip` (default 0), one Float64Array each.
 * For balanced designs take n a power of two starting at a multiple of n.
 */
export function sobolPoints(
  dim: number,
  n: number,
  options: SobolOptions & { readonly skip?: number },
): Float64Array[] {
  const seq = new SobolSequence(dim, options);
  if (options.skip) seq.skipTo(options.skip);
  return seq.take(n);
}
