/**
 * Outcome transform for minimized objectives: with enough data, a Box-Cox power transform of
 * the values shifted to start just above zero, (y - min + c)^lambda, whose exponent is fitted by
 * maximum likelihood (with Jacobian) within lambda in [0, 1]; then standardize. The shift c is
 * the distance from the minimum to the (lower) median, so the transform does not depend on the
 * objective's location or scale. lambda = 1 is plain standardization; lambda < 1 only ever
 * compresses the large (bad) values of right-skewed data and spreads the good ones, down to a
 * logarithm (lambda = 0). Standard errors follow by the delta method.
 *
 * Why shifted: the transform used before (Yeo-Johnson of the standardized values, lambda in
 * [-0.5, 1]) acts around the mean, so on data spanning orders of magnitude (Rosenbrock: 300 to
 * 1e6) every good value sat within 0.05 sd of the others after it and the model could not tell
 * them apart (docs/benchmarks.md, "q=5").
 */

export interface TransformedOutcomes {
  /** Transformed values (mean 0, sd 1). */
  readonly y: Float64Array;
  /** Transformed noise variances (sem^2 through the transform's slope); 0 when unknown. */
  readonly noiseVar: Float64Array;
  /** The fitted power (1 = no power transform). */
  readonly lambda: number;
}

export interface TransformOptions {
  /** Fit a power transform (default true). */
  readonly power?: boolean;
  /** Minimum number of values before a power transform is considered. */
  readonly minForPower?: number;
}

function boxCox(v: number, lambda: number): number {
  return lambda === 0 ? Math.log(v) : (v ** lambda - 1) / lambda;
}

function meanSd(v: ArrayLike<number>): { mean: number; sd: number } {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i]!;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[i]! - m) ** 2;
  const sd = n > 1 ? Math.sqrt(s / (n - 1)) : 0;
  return { mean: m, sd: sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1 };
}

/** The shifted values y - min + c (all > 0), or null when the values are all equal. */
export function shiftedValues(values: ArrayLike<number>): Float64Array | null {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const min = sorted[0]!;
  let c = sorted[(n - 1) >> 1]! - min;
  if (!(c > 0)) c = sorted[n - 1]! - min;
  if (!(c > 0)) return null;
  return Float64Array.from(values, (v) => v - min + c);
}

/** Profile log likelihood of lambda for Box-Cox of w (sum of log w precomputed). */
function profileLogLik(w: Float64Array, logSum: number, lambda: number): number {
  const n = w.length;
  let m = 0;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = boxCox(w[i]!, lambda);
    m += t[i]!;
  }
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (t[i]! - m) ** 2;
  v /= n;
  if (!(v > 0)) return -Infinity;
  return -0.5 * n * Math.log(v) + (lambda - 1) * logSum;
}

/** The maximum-likelihood lambda on a grid of [0, 1] (1 unless another is clearly better). */
export function fitLambda(w: Float64Array): number {
  let logSum = 0;
  for (const v of w) logSum += Math.log(v);
  let lambda = 1;
  let best = profileLogLik(w, logSum, 1);
  for (let k = 19; k >= 0; k--) {
    const l = k / 20;
    const ll = profileLogLik(w, logSum, l);
    if (ll > best + 1e-9) {
      best = ll;
      lambda = l;
    }
  }
  return lambda;
}

export function transformOutcomes(
  values: ArrayLike<number>,
  sems: ArrayLike<number>,
  opts: TransformOptions = {},
): TransformedOutcomes {
  const n = values.length;
  const w = (opts.power ?? true) && n >= (opts.minForPower ?? 6) ? shiftedValues(values) : null;
  const lambda = w ? fitLambda(w) : 1;
  const t =
    w && lambda < 1 ? Float64Array.from(w, (v) => boxCox(v, lambda)) : Float64Array.from(values);
  const s = meanSd(t);
  const y = new Float64Array(n);
  const noiseVar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = (t[i]! - s.mean) / s.sd;
    const sem = sems[i]!;
    if (sem > 0) {
      const slope = (w && lambda < 1 ? w[i]! ** (lambda - 1) : 1) / s.sd;
      noiseVar[i] = (sem * slope) ** 2;
    }
  }
  return { y, noiseVar, lambda };
}
