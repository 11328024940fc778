/**
 * A small seeded pseudo-random number generator: xoshiro128** (Blackman and Vigna), 32-bit
 * operations only, period 2^128 - 1. Its state is derived by hashing a key of numbers
 * (MurmurHash3 x86-32 with four seeds), so `createRng(seed, i)` gives a stream for every
 * (seed, i) that is independent of the others: generators draw point i from stream (seed, i)
 * and get the same point whatever the batch sizes were.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const HASH_SEEDS = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x85a308d3] as const;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;
  private readonly key: readonly number[];

  /** The stream of `key` (a seed followed by stream indices); createRng(seed, ...) is shorter. */
  constructor(key: readonly number[]) {
    this.key = key;
    const words = keyWords(key);
    const [a, b, c, d] = HASH_SEEDS.map((s) => murmur3(words, s)) as [
      number,
      number,
      number,
      number,
    ];
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    // The all-zero state is the one state xoshiro must never be in.
    this.s3 = (a | b | c | d) === 0 ? 1 : d;
  }

  /** A generator in the given raw xoshiro128** state (for tests against reference outputs). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const rng = new Rng([0]);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((w) => w | 0) as [number, number, number, number];
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0)
      throw new RangeError("xoshiro state must not be all zero");
    return rng;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform double in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** A vector of `dim` uniforms in [0, 1) (a random point of the unit cube). */
  uniformVector(dim: number): Float64Array {
    const u = new Float64Array(dim);
    for (let i = 0; i < dim; i++) u[i] = this.uniform();
    return u;
  }

  /** A standard normal deviate (Box-Muller; the second deviate of each pair is kept). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in {0, ..., n - 1}, without modulo bias; n a positive safe integer. */
  integer(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new RangeError(`Rng.integer: n must be a positive safe integer, got ${n}`);
    if (n <= TWO_POW_32) {
      const limit = Math.floor(TWO_POW_32 / n) * n;
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    const limit = Math.floor(TWO_POW_53 / n) * n;
    for (;;) {
      const x = this.uniform() * TWO_POW_53;
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in {low, ..., high} (both inclusive). */
  integerIn(low: number, high: number): number {
    return low + this.integer(high - low + 1);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent child stream: the stream of this stream's key followed by `index`. */
  derive(index: number): Rng {
    return new Rng([...this.key, index]);
  }
}

/**
 * A generator for the stream (seed, ...stream). Different keys give independent streams; the
 * same key always gives the same numbers. Any finite numbers may be used (not only integers).
 */
export function createRng(seed: number, ...stream: readonly number[]): Rng {
  return new Rng([seed, ...stream]);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The key as 32-bit words: its length, then the two words of each number's float64 bits. */
function keyWords(key: readonly number[]): Uint32Array {
  const view = new DataView(new ArrayBuffer(8));
  const words = new Uint32Array(1 + 2 * key.length);
  words[0] = key.length;
  key.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`random seed must be a finite number, got ${v}`);
    view.setFloat64(0, v === 0 ? 0 : v); // -0 and 0 are the same seed
    words[1 + 2 * i] = view.getUint32(0);
    words[2 + 2 * i] = view.getUint32(4);
  });
  return words;
}

/** MurmurHash3 (x86, 32-bit) of a sequence of 32-bit words. */
function murmur3(words: Uint32Array, seed: number): number {
  let h = seed >>> 0;
  for (const w of words) {
    let k = Math.imul(w, 0xcc9e2d51);
    k = rotl(k, 15);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = rotl(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
