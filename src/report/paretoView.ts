import type { Campaign } from "../spec/campaign.js";
import { hypervolumeReference, minimizedRows } from "./campaignHypervolume.js";
import { hypervolumeTrace } from "./hypervolume.js";
import { paretoFront } from "./paretoFront.js";
import type { ParetoView } from "./reportData.js";

/** A completed, feasible trial with every objective's value, at its position among the trials. */
export interface UsableTrial {
  index: number;
  results: Record<string, number>;
  pos: number;
}

/**
 * The Pareto front of the usable (completed, feasible) trials and the hypervolume after each,
 * with the campaign's objective thresholds as reference point, or else a point just beyond the
 * worst observed values.
 */
export function paretoView(campaign: Campaign, usable: readonly UsableTrial[]): ParetoView {
  const objectives = campaign.objectives;
  const values = usable.map((u) => u.results);
  const front = paretoFront(values, objectives).map((i) => usable[i]!.index);
  const rows = minimizedRows(values, objectives);
  const { reference, fromThresholds } = hypervolumeReference(campaign, rows);
  const trace = rows.length > 0 ? hypervolumeTrace(rows, reference) : null;
  return {
    front,
    reference: Array.from(reference, (v, j) => (objectives[j]!.goal === "min" ? v : -v)),
    referenceSource: fromThresholds
      ? "the campaign's objective thresholds"
      : "no objective thresholds given: a point a tenth of the observed range beyond the worst observed value of each objective",
    hypervolume: trace && {
      trial: trace.position.map((p) => usable[p]!.index),
      value: trace.value,
    },
  };
}
