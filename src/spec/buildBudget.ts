import type { BudgetSettings } from "../budgets/rungs.js";
import { InputError } from "../errors/errors.js";
import type { Objective } from "../generators/generator.js";
import type { Parameter, RangeParameter } from "../space/parameters.js";
import { BUDGET_COLUMNS } from "../report/resultsTable.js";
import type { RawSpec } from "./specSchema.js";

/** The name under which a budget reaches the program: --budget=, %(budget), SLURMOPT_BUDGET. */
export const BUDGET_NAME = "budget";

/**
 * The spec's `budget:` section (successive halving, docs/early-stopping.md): min > 0 and
 * max >= min (zod checks the signs and eta), eta SMAC's default 3. Budgets rank trials by one
 * objective, so a campaign with several objectives is refused, and an OmniOpt2-style program
 * gets the budget as `%(budget)`, so no parameter may be named budget.
 */
export function buildBudget(
  raw: RawSpec["budget"],
  objectives: readonly Objective[],
  parameters: readonly Parameter[],
): BudgetSettings | null {
  if (raw === undefined) return null;
  if (raw.max < raw.min)
    throw new InputError(
      "SPEC_INVALID",
      `field "budget": max ${raw.max} is below min ${raw.min}; max is the budget of a full run and must be >= min`,
    );
  if (objectives.length !== 1)
    throw new InputError(
      "SPEC_INVALID",
      `field "budget": successive halving promotes the best trials of one objective, and the campaign has ${objectives.length} (${objectives.map((o) => o.name).join(", ")}); keep one objective (or combine them with occ) or remove "budget"`,
    );
  const taken = parameters.find((p) => BUDGET_COLUMNS.includes(p.name));
  if (taken !== undefined)
    throw new InputError(
      "SPEC_INVALID",
      `field "parameters": a parameter is named "${taken.name}", which a campaign with budgets uses itself (--budget=, %(budget) and the results.csv columns ${BUDGET_COLUMNS.join(", ")}); rename the parameter`,
    );
  return { min: raw.min, max: raw.max, eta: raw.eta ?? 3 };
}

/** The budget as the command template sees it: a float from min to max named budget. */
export function budgetParameter(b: BudgetSettings): RangeParameter {
  return {
    kind: "range",
    name: BUDGET_NAME,
    valueType: "float",
    low: b.min,
    high: b.max,
    log: false,
  };
}
