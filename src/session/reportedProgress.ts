/**
 * Early stopping through the ask/tell API: a client reports intermediate values of a trial it
 * evaluates (`report(index, step, values)`, stored in trial_progress as a progress line
 * `NAME@STEP: value` of a trial run by slurmopt is) and asks whether to stop it
 * (`shouldStop(index)`), decided by the campaign's early_stopping rule against the other
 * trials' values at the same step, as for trials run by slurmopt.
 */
import { decideEarlyStop, type StopDecision } from "../earlyStopping/stoppingRules.js";
import { InputError } from "../errors/errors.js";
import { metricNames, type Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import {
  lastProgressValues,
  progressAtStep,
  trialProgress,
  type ProgressValue,
} from "../store/progressRows.js";

/** The names a trial may report progress of: its objectives and metrics (as progress lines). */
function progressNames(campaign: Campaign): string[] {
  return [...campaign.objectives.map((o) => o.name), ...metricNames(campaign)];
}

/**
 * Checks reported values (a step >= 0, finite numbers of known names, at least one) and
 * returns them as the progress rows to store.
 */
export function checkProgress(
  campaign: Campaign,
  index: number,
  step: number,
  values: Readonly<Record<string, number>>,
): ProgressValue[] {
  const where = `report: trial ${index}`;
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0)
    throw new InputError(
      "RESULT_INVALID",
      `${where}: the step must be a finite number >= 0 (an epoch, an iteration, the budget used), got ${typeof step === "number" ? String(step) : JSON.stringify(step)}`,
    );
  const names = progressNames(campaign);
  const given = Object.entries(values as Record<string, unknown>);
  if (given.length === 0)
    throw new InputError(
      "RESULT_INVALID",
      `${where}: no value given at step ${step}; report values of ${names.join(", ")}`,
    );
  return given.map(([metric, value]) => {
    if (!names.includes(metric))
      throw new InputError(
        "RESULT_INVALID",
        `${where}: "${metric}" is neither an objective nor a metric of campaign ${campaign.name} (${names.join(", ")})`,
      );
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new InputError(
        "RESULT_INVALID",
        `${where}: ${metric} = ${typeof value === "number" ? String(value) : JSON.stringify(value)} at step ${step} is not a finite number`,
      );
    return { metric, step, value };
  });
}

/** What the rule says of a trial's latest reported step; and what to store if it stops. */
export interface ProgressVerdict extends StopDecision {
  /** The trial's last value of each reported metric: its results when it stops. */
  readonly lastValues: Readonly<Record<string, number>>;
}

/**
 * Applies the campaign's early_stopping rule to the trial's value at its highest step of the
 * rule's metric, against the other trials' values at exactly that step (any state).
 * Refused when the campaign has no rule.
 */
export function progressVerdict(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  trialId: number,
  index: number,
): ProgressVerdict {
  const rule = campaign.earlyStopping;
  if (!rule)
    throw new InputError(
      "EARLY_STOPPING_OFF",
      `shouldStop: campaign ${campaign.name} has no early_stopping rule, so no trial is ever stopped; give it one in the spec (early_stopping: {strategy: median}) or with --early_stopping median`,
    );
  const goal = campaign.objectives.find((o) => o.name === rule.metric)?.goal ?? "min";
  const own = trialProgress(db, trialId).filter((p) => p.metric === rule.metric);
  const latest = own.at(-1);
  const lastValues = lastProgressValues(db, trialId);
  if (latest === undefined)
    return {
      stop: false,
      threshold: null,
      reason: `trial ${index} reported no value of ${rule.metric} yet`,
      lastValues,
    };
  const others = progressAtStep(db, campaignId, rule.metric, latest.step, trialId);
  return {
    ...decideEarlyStop(rule, goal, latest.step, latest.value, others),
    lastValues,
  };
}
