/**
 * OCC (OmniOpt2's "optimization with combined criteria", `--occ`): all results of a trial are
 * collapsed into one scalar that the generators optimize. The formulas are OmniOpt2's:
 *
 * - euclid:             ±sqrt(sum a_i^2), negative when any a_i < 0;
 * - geometric:          ±(prod |a_i|)^(1/n), negative when the number of negative a_i is odd;
 * - signed_harmonic:    ±n / sum(1/|a_i|), the same sign rule (a zero result gives 0);
 * - minkowski:          (sum |a_i|^p)^(1/p), p > 0;
 * - weighted_euclidean: sqrt(sum w_i a_i^2), w_i >= 0 (one weight per result).
 */
import type { OccSettings } from "../spec/campaign.js";

export type OccType = OccSettings["type"];

export const OCC_TYPES: readonly OccType[] = [
  "euclid",
  "geometric",
  "signed_harmonic",
  "minkowski",
  "weighted_euclidean",
];

export interface OccFormula {
  readonly type: OccType;
  /** The order p of minkowski. */
  readonly minkowskiP: number;
  /** One weight per value for weighted_euclidean (unused otherwise). */
  readonly weights: ArrayLike<number>;
}

/** Combines the values (in result order) into one number; see the module comment. */
export function combineOcc(values: ArrayLike<number>, formula: OccFormula): number {
  const n = values.length;
  if (n === 0) throw new RangeError("combineOcc: no values to combine");
  switch (formula.type) {
    case "euclid": {
      let sum = 0;
      let anyNegative = false;
      for (let i = 0; i < n; i++) {
        const a = values[i]!;
        sum += a * a;
        if (a < 0) anyNegative = true;
      }
      const d = Math.sqrt(sum);
      return anyNegative ? -d : d;
    }
    case "geometric": {
      // The n-th root of the product, through logarithms so that long products do not overflow.
      let logSum = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(values[i]!);
        if (a === 0) return 0;
        logSum += Math.log(a);
      }
      return oddNegativeSign(values) * Math.exp(logSum / n);
    }
    case "signed_harmonic": {
      let reciprocalSum = 0;
      for (let i = 0; i < n; i++) reciprocalSum += 1 / Math.abs(values[i]!);
      // A zero result makes the sum infinite: the harmonic mean is 0.
      const mean = n / reciprocalSum;
      return mean === 0 ? 0 : oddNegativeSign(values) * mean;
    }
    case "minkowski": {
      const p = formula.minkowskiP;
      if (!(p > 0)) throw new RangeError(`combineOcc: minkowski needs p > 0, got ${p}`);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.abs(values[i]!) ** p;
      return sum ** (1 / p);
    }
    case "weighted_euclidean": {
      const w = formula.weights;
      if (w.length !== n)
        throw new RangeError(
          `combineOcc: weighted_euclidean needs one weight per value (${n}), got ${w.length}`,
        );
      let sum = 0;
      for (let i = 0; i < n; i++) sum += w[i]! * values[i]! * values[i]!;
      return Math.sqrt(sum);
    }
  }
}

/** -1 when an odd number of values is negative, else 1. */
function oddNegativeSign(values: ArrayLike<number>): number {
  let negatives = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) negatives++;
  return negatives % 2 === 1 ? -1 : 1;
}
