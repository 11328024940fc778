/**
 * What the model of a campaign with budgets trains on: the results of ONE budget, the highest
 * at which at least d + 1 configurations have results (BOHB's rule, d the number of parameters,
 * at least 2); before any budget has that many, the budget with the most results (the bottom
 * rung, usually). Results at different budgets measure different things (a loss after 1 epoch
 * is not a loss after 27), so they are not mixed.
 */
import type { Observation } from "../generators/generator.js";

export function trainingObservations(
  completed: readonly Observation[],
  budgets: readonly (number | null)[],
  dimensions: number,
): Observation[] {
  const counts = new Map<number, number>();
  for (const b of budgets) if (b !== null) counts.set(b, (counts.get(b) ?? 0) + 1);
  if (counts.size === 0) return [...completed];
  const needed = Math.max(2, dimensions + 1);
  const byBudget = [...counts.entries()].sort((a, b) => b[0] - a[0]);
  const enough = byBudget.find(([, n]) => n >= needed);
  const chosen = enough?.[0] ?? byBudget.reduce((best, cur) => (cur[1] > best[1] ? cur : best))[0];
  return completed.filter((_, k) => budgets[k] === chosen);
}
