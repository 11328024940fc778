/**
 * SMAC's log-scaled cost encoding (RunHistoryLogScaledEncoder), used with the random forest:
 * costs are scaled linearly into (0, 1] and then logged, so the forest models the orders of
 * magnitude near the best costs, where the search happens, and a few huge costs do not dominate
 * the splits.
 *
 *   lower = min - (p5 - min) - 1e-10        (p5: the 5th percentile, numpy's linear rule)
 *   y'    = log((y - lower) / (max - lower))
 *
 * The best cost maps to its distance from `lower` (the gap to the 5th percentile), the worst to 0.
 */

/** numpy.percentile(values, q) with linear interpolation (values need not be sorted). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  const a = sorted[i]!;
  return i + 1 < n ? a + frac * (sorted[i + 1]! - a) : a;
}

const VERY_SMALL_NUMBER = 1e-10;

export interface LogScale {
  readonly lower: number;
  readonly upper: number;
}

/** The scale SMAC fits on the observed costs (all finite). */
export function fitLogScale(costs: ArrayLike<number>): LogScale {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < costs.length; i++) {
    min = Math.min(min, costs[i]!);
    max = Math.max(max, costs[i]!);
  }
  let lower = min - (percentile(costs, 5) - min) - VERY_SMALL_NUMBER;
  // All costs equal (or the gap lost in rounding): keep the division finite.
  if (lower >= max) lower = max - Math.max(Math.abs(max), 1) * 1e-10;
  return { lower, upper: max };
}

export function logScaled(cost: number, scale: LogScale): number {
  return Math.log((cost - scale.lower) / (scale.upper - scale.lower));
}

/** The log-scaled costs; costs above the fitted maximum are clipped to it (log 1 = 0). */
export function logScaleCosts(costs: ArrayLike<number>, scale = fitLogScale(costs)): Float64Array {
  return Float64Array.from({ length: costs.length }, (_, i) =>
    logScaled(Math.min(costs[i]!, scale.upper), scale),
  );
}
