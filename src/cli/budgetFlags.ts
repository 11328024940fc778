import type { Options } from "yargs";

/**
 * The flags of successive halving (the spec's `budget:`), named as SMAC's scenario names them
 * (min_budget, max_budget) and its intensifier's eta.
 */
export const BUDGET_OPTIONS = {
  min_budget: {
    type: "number",
    describe:
      "Successive halving: the lowest budget a trial runs at (> 0); with --max_budget, a SMAC-style program gets --budget=, an OmniOpt2-style one %(budget)",
    group: "Optimization:",
  },
  max_budget: {
    type: "number",
    describe: "Successive halving: the budget of a full run (>= --min_budget)",
    group: "Optimization:",
  },
  eta: {
    type: "number",
    describe:
      "Successive halving: each rung keeps the best 1/eta at eta times the budget (default 3)",
    group: "Optimization:",
  },
} as const satisfies Record<string, Options>;

/** The spec's `budget:` keys set by the flags (merged over the spec file's). */
export function budgetOverlay(f: {
  min_budget?: unknown;
  max_budget?: unknown;
  eta?: unknown;
}): Record<string, unknown> | undefined {
  const budget: Record<string, unknown> = {};
  if (f.min_budget !== undefined) budget.min = f.min_budget;
  if (f.max_budget !== undefined) budget.max = f.max_budget;
  if (f.eta !== undefined) budget.eta = f.eta;
  return Object.keys(budget).length > 0 ? budget : undefined;
}
