import { SOBOL_DIRECTION_CHUNKS, SOBOL_MAX_DIM } from "./sobolDirectionNumbers.js";

export { SOBOL_MAX_DIM };

/** Bits per coordinate: the sequence has 2^32 distinct points, coordinates are k / 2^32. */
export const SOBOL_BITS = 32;

interface DimensionInit {
  /** Primitive polynomial with its leading and trailing 1 bits; degree = bit length - 1. */
  readonly poly: number;
  /** Initial direction integers m_1..m_s (odd, m_k < 2^k). */
  readonly m: readonly number[];
}

let table: readonly DimensionInit[] | null = null;

function initTable(): readonly DimensionInit[] {
  if (table) return table;
  const dims: DimensionInit[] = [];
  for (const chunk of SOBOL_DIRECTION_CHUNKS) {
    for (const entry of chunk.split(";")) {
      const [poly, ...m] = entry.split(",").map((f) => parseInt(f, 36));
      dims.push({ poly: poly!, m });
    }
  }
  table = dims;
  return dims;
}

/**
 * The Joe-Kuo (new-joe-kuo-6.21201) direction numbers of the first `dim` dimensions as 32-bit
 * integers, SOBOL_BITS per dimension: entry d * SOBOL_BITS + j is v_{j+1} = m_{j+1} / 2^{j+1}
 * scaled by 2^32. Dimension 0 is the van der Corput sequence; the others follow the
 * recurrence v_k = a_1 v_{k-1} ^ ... ^ a_{s-1} v_{k-s+1} ^ v_{k-s} ^ (v_{k-s} >> s).
 */
export function sobolDirections(dim: number): Uint32Array {
  if (!Number.isInteger(dim) || dim < 0 || dim > SOBOL_MAX_DIM)
    throw new RangeError(`Sobol dimension must be an integer in [0, ${SOBOL_MAX_DIM}], got ${dim}`);
  const inits = initTable();
  const v = new Uint32Array(dim * SOBOL_BITS);
  for (let d = 0; d < dim; d++) {
    const base = d * SOBOL_BITS;
    if (d === 0) {
      for (let j = 0; j < SOBOL_BITS; j++) v[base + j] = (1 << (SOBOL_BITS - 1 - j)) >>> 0;
      continue;
    }
    const { poly, m } = inits[d]!;
    const s = 31 - Math.clz32(poly);
    for (let j = 0; j < s; j++) v[base + j] = (m[j]! << (SOBOL_BITS - 1 - j)) >>> 0;
    for (let j = s; j < SOBOL_BITS; j++) {
      const old = v[base + j - s]!;
      let w = old ^ (old >>> s);
      for (let k = 1; k < s; k++) {
        // a_k is bit (s - k) of the polynomial.
        if ((poly >>> (s - k)) & 1) w ^= v[base + j - k]!;
      }
      v[base + j] = w >>> 0;
    }
  }
  return v;
}
