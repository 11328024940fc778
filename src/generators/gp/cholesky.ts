/**
 * Dense Cholesky factorization of symmetric positive-definite matrices (row-major n x n
 * Float64Array, lower triangle used), with a growing diagonal jitter when the matrix is not
 * numerically positive definite, and the triangular solves built on it.
 */

export interface CholeskyFactor {
  readonly n: number;
  /** Lower-triangular L (row-major, upper part zero) with L L^T = A + jitter I. */
  readonly l: Float64Array;
  /** The diagonal jitter that was added (0 when none was needed). */
  readonly jitter: number;
}

/** Factorizes in place into `out`; returns false when a pivot is not positive. */
function factorize(a: Float64Array, n: number, jitter: number, out: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      if (i === j) s += jitter;
      for (let k = 0; k < j; k++) s -= out[ri + k]! * out[rj + k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        out[ri + i] = Math.sqrt(s);
      } else {
        out[ri + j] = s / out[rj + j]!;
      }
    }
    for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  }
  return true;
}

/**
 * Cholesky of `a` (n x n). Tries without jitter, then with jitter 1e-8, 1e-7, ... scaled by
 * the mean diagonal, up to 1e-2. Returns null when even the largest jitter fails.
 */
export function cholesky(a: Float64Array, n: number): CholeskyFactor | null {
  const l = new Float64Array(n * n);
  if (factorize(a, n, 0, l)) return { n, l, jitter: 0 };
  let diag = 0;
  for (let i = 0; i < n; i++) diag += Math.abs(a[i * n + i]!);
  diag = n > 0 ? diag / n : 1;
  for (let e = -8; e <= -2; e++) {
    const jitter = diag * 10 ** e;
    if (factorize(a, n, jitter, l)) return { n, l, jitter };
  }
  return null;
}

/** Solves L x = b (forward substitution) into a new array. */
export function solveLower(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { n, l } = f;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * x[k]!;
    x[i] = s / l[ri + i]!;
  }
  return x;
}

/** Solves L^T x = b (backward substitution) into a new array. */
export function solveUpper(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { n, l } = f;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves (L L^T) x = b. */
export function solveCholesky(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  return solveUpper(f, solveLower(f, b));
}

/** log det(L L^T) = 2 sum log L_ii. */
export function logDet(f: CholeskyFactor): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(f.l[i * f.n + i]!);
  return 2 * s;
}

/** (L L^T)^{-1} as a dense symmetric matrix. */
export function inverseFromCholesky(f: CholeskyFactor): Float64Array {
  const { n, l } = f;
  // Row j of mt is column j of L^{-1} (forward substitution from i = j), so that
  // A^{-1}_ij = sum_k mt[i][k] mt[j][k] reads rows contiguously.
  const mt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    mt[rj + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k]! * mt[rj + k]!;
      mt[rj + i] = s / l[ri + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += mt[ri + k]! * mt[rj + k]!;
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/**
 * Extends the factor of A by one row and column: the factor of [[A, c], [c^T, d]].
 * Returns null when the new pivot is not positive.
 */
export function appendCholesky(
  f: CholeskyFactor,
  c: ArrayLike<number>,
  d: number,
): CholeskyFactor | null {
  const n = f.n;
  const w = solveLower(f, c);
  let s = d + f.jitter;
  for (let k = 0; k < n; k++) s -= w[k]! * w[k]!;
  if (!(s > 0)) s = Math.max(1e-10 * Math.abs(d), 1e-12);
  const m = n + 1;
  const l = new Float64Array(m * m);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * m + j] = f.l[i * n + j]!;
  for (let k = 0; k < n; k++) l[n * m + k] = w[k]!;
  l[n * m + n] = Math.sqrt(s);
  return { n: m, l, jitter: f.jitter };
}
