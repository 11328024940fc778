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

/**
 * The hypervolume after each trial, in trial order, for results.csv's `hypervolume` column:
 * feed every trial's results (null for trials without) in trial order; the reference point is
 * fixed up front (the thresholds, or the nadir of every feasible completed trial).
 */
export class RunningHypervolume {
  private front: Float64Array[] = [];
  private current = 0;

  constructor(
    private readonly objectives: readonly Objective[],
    private readonly reference: Float64Array,
  ) {}

  /** Adds one feasible completed trial's values; returns the hypervolume so far. */
  add(values: Readonly<Record<string, number>> | null): number {
    if (values !== null) {
      const row = minimizedRows([values], this.objectives)[0]!;
      if (
        row.every((v) => Number.isFinite(v)) &&
        !this.front.some((f) => dominatesOrEquals(f, row))
      ) {
        this.front = this.front.filter((f) => !dominatesOrEquals(row, f));
        this.front.push(row);
        this.current = hypervolume(this.front, this.reference) ?? 0;
      }
    }
    return this.current;
  }
}

function dominatesOrEquals(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j]! > b[j]!) return false;
  return true;
}
