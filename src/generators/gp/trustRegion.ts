/**
 * An adaptive trust region for the acquisition (after TuRBO, Eriksson et al. 2019): log EI is
 * maximized inside a box around the best completed point whose side L grows after a run of
 * improvements and shrinks after a run of failures. The generator keeps no state, so L is
 * replayed from the completed values in trial order each time:
 * - the first `start` values (the initial design) only set the starting best;
 * - each later value is a success when it improves the best by more than 1e-3 |best|, a failure
 *   otherwise; `successTolerance` successes in a row double L (at most MAX_LENGTH), and
 *   `failureTolerance` failures in a row halve it; below MIN_LENGTH it starts again at
 *   INITIAL_LENGTH (TuRBO restarts there too, with a fresh design).
 * The box's sides follow the fitted lengthscales (longer where the function varies slowly),
 * scaled so their geometric mean is L, and are clipped to the unit cube.
 */

export const INITIAL_LENGTH = 0.8;
export const MAX_LENGTH = 1.6;
export const MIN_LENGTH = 0.5 ** 7;

export interface TrustRegionRule {
  readonly successTolerance: number;
  readonly failureTolerance: number;
}

/** TuRBO's tolerances for one point at a time: 3 successes, max(4, d) failures. */
export function defaultRule(d: number): TrustRegionRule {
  return { successTolerance: 3, failureTolerance: Math.max(4, d) };
}

/** The side length after replaying `values` (minimized, trial order); see the module comment. */
export function trustRegionLength(
  values: ArrayLike<number>,
  start: number,
  rule: TrustRegionRule,
): number {
  let best = Infinity;
  const first = Math.min(start, values.length);
  for (let i = 0; i < first; i++) best = Math.min(best, values[i]!);
  let length = INITIAL_LENGTH;
  let successes = 0;
  let failures = 0;
  for (let i = first; i < values.length; i++) {
    const v = values[i]!;
    if (v < best - 1e-3 * Math.abs(best)) {
      successes++;
      failures = 0;
    } else {
      failures++;
      successes = 0;
    }
    best = Math.min(best, v);
    if (successes >= rule.successTolerance) {
      length = Math.min(2 * length, MAX_LENGTH);
      successes = 0;
    }
    if (failures >= rule.failureTolerance) {
      length /= 2;
      failures = 0;
    }
    if (length < MIN_LENGTH) length = INITIAL_LENGTH;
  }
  return length;
}

export interface Box {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * The box of side `length` (geometric mean over the dimensions) around `centre`, each side
 * proportional to its lengthscale, clipped to [0, 1]. Dimensions where `restricted` is false
 * (unordered categories) and coordinates the centre does not have (NaN: an inactive
 * conditional parameter) keep the whole [0, 1].
 */
export function trustRegionBox(
  centre: Float64Array,
  lengthscales: Float64Array,
  length: number,
  restricted: (k: number) => boolean,
): Box {
  const d = centre.length;
  let logGeo = 0;
  for (let k = 0; k < d; k++) logGeo += Math.log(lengthscales[k]!) / d;
  const geo = Math.exp(logGeo);
  const lower = new Float64Array(d);
  const upper = new Float64Array(d).fill(1);
  for (let k = 0; k < d; k++) {
    const c = centre[k]!;
    if (!restricted(k) || Number.isNaN(c)) continue;
    const half = (lengthscales[k]! / geo) * (length / 2);
    lower[k] = Math.max(0, c - half);
    upper[k] = Math.min(1, c + half);
  }
  return { lower, upper };
}
