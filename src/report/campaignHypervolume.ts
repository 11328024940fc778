import type { Objective } from "../generators/generator.js";
import type { Campaign } from "../spec/campaign.js";
import { objectiveThresholds } from "./campaignMetrics.js";
import { hypervolume, nadirReference } from "./hypervolume.js";

/** Objective values as rows to minimize (maximized objectives negated), in objective order. */
export function minimizedRows(
  values: readonly Readonly<Record<string, number>>[],
  objectives: readonly Objective[],
): Float64Array[] {
  return values.map((v) =>
    Float64Array.from(objectives, (o) => (o.goal === "min" ? 1 : -1) * v[o.name]!),
  );
}

/**
 * The hypervolume's reference point in minimized rows: the campaign's objective thresholds
 * (Ax's) when every objective has one, else a point a tenth of the observed range beyond the
 * worst observed value of each objective (nadirReference).
 */
export function hypervolumeReference(
  campaign: Campaign,
  rows: readonly Float64Array[],
): { reference: Float64Array; fromThresholds: boolean } {
  const objectives = campaign.objectives;
  const thresholds = objectiveThresholds(campaign);
  const fromThresholds =
    thresholds !== null && objectives.every((o) => thresholds[o.name] !== undefined);
  const reference = fromThresholds
    ? Float64Array.from(objectives, (o) => (o.goal === "min" ? 1 : -1) * thresholds[o.name]!)
    : nadirReference(rows, objectives.length);
  return { reference, fromThresholds };
}

/**
 * The hypervolume of these (feasible, completed) trials' objective values, with the campaign's
 * reference point; null with one objective, more than three, or no values.
 */
export function campaignHypervolume(
  campaign: Campaign,
  values: readonly Readonly<Record<string, number>>[],
): { value: number; fromThresholds: boolean } | null {
  if (campaign.objectives.length < 2 || values.length === 0) return null;
  const rows = minimizedRows(values, campaign.objectives);
  const { reference, fromThresholds } = hypervolumeReference(campaign, rows);
  const value = hypervolume(rows, reference);
  return value === null ? null : { value, fromThresholds };
}
