/**
 * Early-stopping rules, decided at each new progress value of a running trial against the
 * other trials' values at the same step:
 * - percentile (Ax's PercentileEarlyStoppingStrategy): the values at the step, the trial's
 *   included, give the threshold at the (100 - p)-th percentile when minimizing (the p-th when
 *   maximizing); a trial worse than it is stopped, so p = 25 stops the worst quarter;
 * - median (Optuna's MedianPruner): stopped when worse than the median of the OTHER trials'
 *   values at the step.
 * Neither decides before the step reaches min_progression, nor with fewer than min_trials other
 * trials that reported a value at that step.
 */

export interface EarlyStopping {
  readonly strategy: "percentile" | "median";
  /** Ax's percentile_threshold (0-100); the median rule ignores it. */
  readonly percentile: number;
  /** The first step at which a trial may be stopped. */
  readonly minProgression: number;
  /** Other trials that must have a value at the step before one is stopped. */
  readonly minTrials: number;
  /** The objective (or metric) whose progress values decide. */
  readonly metric: string;
}

export interface StopDecision {
  readonly stop: boolean;
  /** The value compared with, null when no comparison was made. */
  readonly threshold: number | null;
  /** Why it is (not) stopped, in words for the trial's reason and the log. */
  readonly reason: string;
}

/** numpy.percentile with linear interpolation (q in 0..100) of a non-empty list. */
export function percentileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Whether a trial with `value` at `step` is to be stopped, given the others' values there. */
export function decideEarlyStop(
  rule: EarlyStopping,
  goal: "min" | "max",
  step: number,
  value: number,
  others: readonly number[],
): StopDecision {
  if (step < rule.minProgression)
    return { stop: false, threshold: null, reason: `step ${step} < min_progression` };
  if (others.length < rule.minTrials || others.length === 0)
    return {
      stop: false,
      threshold: null,
      reason: `${others.length} other trial(s) at step ${step} < min_trials`,
    };
  const threshold =
    rule.strategy === "median"
      ? percentileOf(others, 50)
      : percentileOf([...others, value], goal === "min" ? 100 - rule.percentile : rule.percentile);
  const worse = goal === "min" ? value > threshold : value < threshold;
  const what =
    rule.strategy === "median"
      ? `the median ${fmt(threshold)} of ${others.length} other trial(s)`
      : `the ${rule.percentile}th percentile threshold ${fmt(threshold)} of ${others.length + 1} trial(s)`;
  return {
    stop: worse,
    threshold,
    reason: `${rule.metric}@${step} = ${fmt(value)} ${worse ? "worse than" : "not worse than"} ${what} at that step`,
  };
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}
