/**
 * Matern-5/2 kernel with one lengthscale per dimension (ARD) and an output scale:
 *   k(x, y) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),  r^2 = sum_i d_i(x, y)^2 / l_i^2,
 * where d_i is x_i - y_i on continuous and integer dimensions and, on unordered categorical
 * dimensions, 0 when both points fall in the same category and 1 otherwise (an overlap /
 * Hamming distance, so categories are not ordered by their bin position).
 * Points are rows of a row-major Float64Array in the unit cube.
 *
 * Conditional dimensions (a parameter with active_if; NaN where it is inactive) use the arc
 * embedding of Swersky et al. (2013, "Raiders of the lost architecture"): an active value u
 * sits on a quarter circle of radius R = 2/pi at angle u * pi/2 and every inactive point at its
 * centre. So two active values are 2R sin(pi/4 |u - v|) apart (about |u - v|), an inactive
 * point is R from every active value (it was observed at no value, so it is no nearer to any)
 * and two inactive points coincide on that dimension. A conditional categorical puts its
 * categories on a simplex of side 1 and the inactive point 1 from each. The distances stay
 * Euclidean, so the kernel stays positive definite.
 */

const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  readonly lengthscales: Float64Array;
  readonly outputscale: number;
}

/**
 * Per-dimension kind: 0 for continuous / integer, the number of levels for categorical;
 * conditional dimensions: CONDITIONAL_CONTINUOUS, or -(levels + 1) for a categorical.
 */
export type CategoricalLevels = Int32Array;

export const CONDITIONAL_CONTINUOUS = -1;
const ARC_ANGLE = Math.PI / 2;
const ARC_RADIUS = 1 / ARC_ANGLE;

/** The kernel code of a dimension (see CategoricalLevels). */
export function kernelCode(levels: number, categorical: boolean, conditional: boolean): number {
  if (!conditional) return categorical ? levels : 0;
  return categorical ? -(levels + 1) : CONDITIONAL_CONTINUOUS;
}

function overlap(xi: number, yi: number, levels: number): number {
  const a = Math.min(levels - 1, Math.floor(xi * levels));
  const b = Math.min(levels - 1, Math.floor(yi * levels));
  return a === b ? 0 : 1;
}

/** The signed difference of x_i and y_i as the kernel sees it (its square is what counts). */
export function coordDiff(xi: number, yi: number, code: number): number {
  if (code === 0) return xi - yi;
  if (code > 0) return overlap(xi, yi, code);
  const xOff = Number.isNaN(xi);
  const yOff = Number.isNaN(yi);
  if (xOff && yOff) return 0;
  if (code === CONDITIONAL_CONTINUOUS) {
    if (xOff || yOff) return ARC_RADIUS;
    return 2 * ARC_RADIUS * Math.sin((ARC_ANGLE * (xi - yi)) / 2);
  }
  if (xOff || yOff) return 1;
  return overlap(xi, yi, -code - 1);
}

/** d(coordDiff^2)/dx_i / 2 for a continuous (conditional or not) dimension; 0 otherwise. */
export function coordGradHalf(xi: number, yi: number, code: number): number {
  if (code === 0) return xi - yi;
  if (code !== CONDITIONAL_CONTINUOUS || Number.isNaN(xi) || Number.isNaN(yi)) return 0;
  return ARC_RADIUS * Math.sin(ARC_ANGLE * (xi - yi));
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
        const half = coordGradHalf(q[k]!, x[oj + k]!, cat[k]!);
        grad[oj + k] = half === 0 ? 0 : slope * half * invL2[k]!;
      }
    }
  }
  return out;
}
