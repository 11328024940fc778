/**
 * The store side of successive halving: reads a campaign's trials at budgets and turns the
 * plan's slots into the budget columns of new trials.
 */
import { planFromCounts } from "../engine/strategyState.js";
import type { TrialView } from "../engine/trialCache.js";
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

/**
 * How many trials the runner proposes now in a campaign with budgets: the promotions owed (even
 * while the strategy node waits for data) and the new configurations the node may propose; 0
 * while every free slot waits for a rung to end (max_eval's rest is kept for the brackets under
 * way). `remaining` is max_eval minus the trials so far.
 */
export function budgetProposalCount(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  view: TrialView,
  free: number,
  remaining: number,
): number {
  if (!campaign.budget) return 0;
  const slots = planCampaignSlots(db, campaignId, campaign.budget, campaign, free, remaining);
  const promotions = slots.filter((s) => s.kind === "promotion").length;
  const fresh = planFromCounts(
    campaign.strategy,
    view.nodes,
    slots.length - promotions,
    campaign.objectives.length === 1,
    view.outside.withData,
  );
  return promotions + fresh.count;
}
