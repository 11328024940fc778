/** Measures of bench:utilization, over the trials' own start and end times (seconds). */

/**
 * Busy share of `parallelism` slots over [from, to]: each trial's run time clipped to the window.
 */
export function windowUtilization(
  times: readonly { start: number; end: number }[],
  parallelism: number,
  from: number,
  to: number,
): number {
  if (to <= from) return 1;
  let busy = 0;
  for (const t of times) busy += Math.max(0, Math.min(t.end, to) - Math.max(t.start, from));
  return busy / (parallelism * (to - from));
}

/**
 * The utilization the same run times reach with no gap at all: each trial, in start order,
 * goes to the slot that frees first. What stays below 100% is the ramp-down (slots that finish
 * their last trial early stay empty until the last trial ends), which no refill can remove.
 */
export function zeroGapUtilization(durations: readonly number[], parallelism: number): number {
  const free = new Array<number>(parallelism).fill(0);
  let total = 0;
  for (const d of durations) {
    let k = 0;
    for (let i = 1; i < parallelism; i++) if (free[i]! < free[k]!) k = i;
    free[k] = free[k]! + d;
    total += d;
  }
  return total / (parallelism * Math.max(...free));
}
