/**
 * The store side of successive halving: reads a campaign's trials at budgets and turns the
 * plan's slots into the budget columns of new trials.
 */
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { listBudgetRows } from "../store/budgetRows.js";
import type { TrialBudget } from "../store/trialRows.js";
import { planBudgetSlots, type BudgetSlot, type BudgetTrial } from "./promotionPlan.js";
import { successiveHalvingRungs, type BudgetSettings, type Rung } from "./rungs.js";

/** The campaign's trials at budgets, with the objective as a cost (maximized ones negated). */
export function readBudgetTrials(db: Db, campaignId: number, campaign: Campaign): BudgetTrial[] {
  const objective = campaign.objectives[0]!;
  const sign = objective.goal === "min" ? 1 : -1;
  return listBudgetRows(db, campaignId).map((r) => {
    let cost: number | null = null;
    if (r.state === "COMPLETED" && r.results_json !== null) {
      const v = (JSON.parse(r.results_json) as Record<string, number>)[objective.name];
      if (typeof v === "number" && Number.isFinite(v)) cost = sign * v;
    }
    return {
      index: r.trial_index,
      bracket: r.bracket,
      rung: r.rung,
      state: r.state,
      cost,
      parentIndex: r.parent_index,
      configIndex: r.config_index,
      paramsJson: r.params_json,
    };
  });
}

/**
 * What up to `free` new trials of a campaign with budgets run now, with `remaining` trials left
 * of max_eval (see promotionPlan.ts).
 */
export function planCampaignSlots(
  db: Db,
  campaignId: number,
  budget: BudgetSettings,
  campaign: Campaign,
  free: number,
  remaining: number,
): BudgetSlot[] {
  return planBudgetSlots(
    readBudgetTrials(db, campaignId, campaign),
    successiveHalvingRungs(budget),
    free,
    remaining,
  );
}

/** The budget columns of a new trial in `slot`. */
export function trialBudgetOf(slot: BudgetSlot, rungs: readonly Rung[]): TrialBudget {
  return {
    budget: slot.budget,
    bracket: slot.bracket,
    rung: slot.rung,
    parentIndex: slot.kind === "promotion" ? slot.parentIndex : null,
    configIndex: slot.kind === "promotion" ? slot.configIndex : null,
    belowMax: slot.rung < rungs.length - 1,
  };
}
