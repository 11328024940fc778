import type { Db } from "./openStore.js";
import type { TrialState } from "./rowTypes.js";
import { sql } from "./statementCache.js";

/** A trial of a campaign with budgets, as stored (src/budgets reads these). */
export interface BudgetRow {
  trial_index: number;
  state: TrialState;
  params_json: string;
  results_json: string | null;
  budget: number;
  bracket: number;
  rung: number;
  parent_index: number | null;
  config_index: number;
}

/** Every trial of the campaign that runs at a budget, in trial order. */
export function listBudgetRows(db: Db, campaignId: number): BudgetRow[] {
  return sql(
    db,
    `SELECT trial_index, state, params_json, results_json, budget, bracket, rung, parent_index,
       config_index FROM trials WHERE campaign_id = ? AND bracket IS NOT NULL ORDER BY trial_index`,
  ).all(campaignId) as BudgetRow[];
}

/** Trials per rung of a campaign with budgets (slurmopt status). */
export interface RungCount {
  rung: number;
  budget: number;
  trials: number;
  completed: number;
  running: number;
}

export function countTrialsByRung(db: Db, campaignId: number): RungCount[] {
  return sql(
    db,
    `SELECT rung, MAX(budget) AS budget, COUNT(*) AS trials,
       SUM(state = 'COMPLETED') AS completed,
       SUM(state IN ('PROPOSED', 'SUBMITTED', 'RUNNING')) AS running
     FROM trials WHERE campaign_id = ? AND rung IS NOT NULL GROUP BY rung ORDER BY rung`,
  ).all(campaignId) as RungCount[];
}
