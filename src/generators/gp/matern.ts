/**
 * Matern-5/2 kernel with one lengthscale per dimension (ARD) and an output scale:
 *   k(x, y) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),  r^2 = sum_i d_i(x, y)^2 / l_i^2,
 * where d_i is x_i - y_i on continuous and integer dimensions and, on unordered categorical
 * dimensions, 0 when both points fall in the same category and 1 otherwise (an overlap /
 * Hamming distance, so categories are not ordered by their bin position).
 * Points are rows of a row-major Float64Array in the unit cube.
 */

const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  readonly lengthscales: Float64Array;
  readonly outputscale: number;
}

/** Per-dimension kind: 0 for continuous / integer, the number of levels for categorical. */
export type CategoricalLevels = Int32Array;

/** The signed difference of x_i and y_i as the kernel sees it. */
export function coordDiff(xi: number, yi: number, levels: number): number {
  if (levels === 0) return xi - yi;
  const a = Math.min(levels - 1, Math.floor(xi * levels));
  const b = Math.min(levels - 1, Math.floor(yi * levels));
  return a === b ? 0 : 1;
}

/** Squared scaled distance between row i of a and row j of b. */
export function scaledDist2(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  d: number,
  invL2: Float64Array,
  cat: CategoricalLevels,
): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let k = 0; k < d; k++) {
    const lv = cat[k]!;
    const diff = lv === 0 ? a[oi + k]! - b[oj + k]! : coordDiff(a[oi + k]!, b[oj + k]!, lv);
    s += diff * diff * invL2[k]!;
  }
  return s;
}

/** k / s2 as a function of r. */
export function maternUnit(r: number): number {
  const sr = SQRT5 * r;
  return (1 + sr + (sr * sr) / 3) * Math.exp(-sr);
}

/** -(1/r) d(k/s2)/dr = 5/3 (1 + sqrt5 r) exp(-sqrt5 r) (finite at r = 0). */
export function maternSlope(r: number): number {
  const sr = SQRT5 * r;
  return (5 / 3) * (1 + sr) * Math.exp(-sr);
}

export function inverseSquares(lengthscales: Float64Array): Float64Array {
  const out = new Float64Array(lengthscales.length);
  for (let k = 0; k < lengthscales.length; k++) out[k] = 1 / (lengthscales[k]! * lengthscales[k]!);
  return out;
}

/** The n x n kernel matrix of the rows of x (no noise). */
export function kernelMatrix(
  x: Float64Array,
  n: number,
  d: number,
  p: KernelParams,
  cat: CategoricalLevels,
): Float64Array {
  const invL2 = inverseSquares(p.lengthscales);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = p.outputscale;
    for (let j = 0; j < i; j++) {
      const v = p.outputscale * maternUnit(Math.sqrt(scaledDist2(x, i, x, j, d, invL2, cat)));
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/** k(q, x_j) for every training row j, and optionally dk/dq (n x d, row-major) into `grad`. */
export function crossKernel(
  q: Float64Array,
  x: Float64Array,
  n: number,
  d: number,
  p: KernelParams,
  invL2: Float64Array,
  cat: CategoricalLevels,
  grad?: Float64Array,
): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const r = Math.sqrt(scaledDist2(q, 0, x, j, d, invL2, cat));
    out[j] = p.outputscale * maternUnit(r);
    if (grad) {
      const slope = -p.outputscale * maternSlope(r);
      const oj = j * d;
      for (let k = 0; k < d; k++) {
        grad[oj + k] = cat[k] === 0 ? slope * (q[k]! - x[oj + k]!) * invL2[k]! : 0;
      }
    }
  }
  return out;
}
