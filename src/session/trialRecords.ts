import { InputError } from "../errors/errors.js";
import { paretoFront } from "../report/paretoFront.js";
import type { Campaign } from "../spec/campaign.js";
import type { Parameter, ParamValue } from "../space/parameters.js";
import { shownParameters } from "../space/shownParameters.js";
import type { TrialRow } from "../store/rowTypes.js";
import type { AskedTrial, BestTrial, TrialRecord } from "./publicTypes.js";

/** A stored trial as the public API shows it (parameters as the user wrote them). */
export function toTrialRecord(t: TrialRow, parameters: readonly Parameter[]): TrialRecord {
  return {
    index: t.trial_index,
    state: t.state,
    parameters: shownParameters(
      JSON.parse(t.params_json) as Record<string, ParamValue>,
      parameters,
    ),
    values: t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : {},
    sems: t.sems_json ? (JSON.parse(t.sems_json) as Record<string, number>) : {},
    generationNode: t.generation_node,
    generator: t.generator,
    reason: t.reason,
    ...(t.budget !== null && t.bracket !== null && t.rung !== null
      ? { budget: { budget: t.budget, bracket: t.bracket, rung: t.rung } }
      : {}),
  };
}

/** A trial handed out by ask(). */
export function toAskedTrial(row: TrialRow, parameters: readonly Parameter[]): AskedTrial {
  return {
    index: row.trial_index,
    ...(row.budget !== null ? { budget: row.budget } : {}),
    parameters: shownParameters(
      JSON.parse(row.params_json) as Record<string, ParamValue>,
      parameters,
    ),
    generationNode: row.generation_node,
  };
}

/**
 * Single objective: the best completed trial (null before any). The model's prediction is
 * not computed here yet: `predicted` is null.
 */
export function bestTrial(campaign: Campaign, trials: readonly TrialRecord[]): BestTrial | null {
  const objectives = campaign.objectives;
  if (objectives.length !== 1)
    throw new InputError(
      "FLAG_INVALID",
      `best() is for a single objective; campaign ${campaign.name} has ${objectives.length}: use pareto()`,
    );
  const o = objectives[0]!;
  let best: TrialRecord | null = null;
  for (const t of completedTrials(campaign, trials)) {
    const v = t.values[o.name]!;
    const cur = best?.values[o.name];
    if (cur === undefined || (o.goal === "min" ? v < cur : v > cur)) best = t;
  }
  return best ? { trial: best, predicted: null } : null;
}

/** The completed trials no other completed trial dominates (any number of objectives). */
export function paretoTrials(campaign: Campaign, trials: readonly TrialRecord[]): TrialRecord[] {
  const done = completedTrials(campaign, trials);
  return paretoFront(
    done.map((t) => t.values),
    campaign.objectives,
  ).map((i) => done[i]!);
}

function completedTrials(campaign: Campaign, trials: readonly TrialRecord[]): TrialRecord[] {
  const names = campaign.objectives.map((o) => o.name);
  // With budgets, only trials at the max budget count (a low budget's value is not comparable).
  const top = campaign.budget ? campaign.budget.max : null;
  return trials.filter(
    (t) =>
      t.state === "COMPLETED" &&
      names.every((n) => Number.isFinite(t.values[n])) &&
      (top === null || t.budget?.budget === top),
  );
}
