/**
 * TPE's densities in a conditional search space: one univariate Parzen estimator per
 * parameter, each built only on the observations where that parameter was active (as Optuna's
 * independent sampler and hyperopt do), so an inactive parameter never counts as observed.
 * A candidate's score sums log l - log g over the parameters active at it.
 */
import type { Rng } from "../rng.js";
import { buildParzen, logDensity, sampleParzen, type ParzenEstimator } from "./parzenEstimator.js";

export interface ConditionalParzen {
  /** One estimator per dimension. */
  readonly perDim: readonly ParzenEstimator[];
}

/** Estimators of the rows `xs` (NaN coordinates: inactive) with observation weights `w`. */
export function buildConditionalParzen(
  xs: readonly Float64Array[],
  w: readonly number[],
  cat: Int32Array,
): ConditionalParzen {
  const perDim: ParzenEstimator[] = [];
  for (let k = 0; k < cat.length; k++) {
    const rows: Float64Array[] = [];
    const weights: number[] = [];
    xs.forEach((x, i) => {
      const v = x[k]!;
      if (Number.isNaN(v)) return;
      rows.push(Float64Array.of(v));
      weights.push(w[i]!);
    });
    perDim.push(buildParzen(rows, weights, Int32Array.of(cat[k]!), true));
  }
  return { perDim };
}

/** A draw of every coordinate, each from its own estimator. */
export function sampleConditionalParzen(p: ConditionalParzen, rng: Rng): Float64Array {
  return Float64Array.from(p.perDim, (e) => sampleParzen(e, rng)[0]!);
}

/** log l(u) - log g(u) over the coordinates that are active (not NaN) in u. */
export function conditionalScore(
  low: ConditionalParzen,
  high: ConditionalParzen,
  u: Float64Array,
): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) {
    const v = u[k]!;
    if (Number.isNaN(v)) continue;
    const x = Float64Array.of(v);
    s += logDensity(low.perDim[k]!, x) - logDensity(high.perDim[k]!, x);
  }
  return s;
}
