import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { listTrials } from "../store/trialRows.js";
import { campaignMetrics, isFeasible } from "./campaignMetrics.js";
import { paretoFront } from "./paretoFront.js";
import type { ShownValue } from "../space/shownParameters.js";
import { formatShownParameters, shownParameters } from "../space/shownParameters.js";

export interface BestTrial {
  trial_index: number;
  results: Record<string, number>;
  /** Every parameter; null where a conditional parameter was inactive. */
  parameters: Record<string, ShownValue>;
  generation_node: string;
}

export interface BestTrials {
  /** "best": the n best by the objective; "pareto": the Pareto set (several objectives). */
  kind: "best" | "pareto";
  objectives: { name: string; goal: "min" | "max" }[];
  /** Completed trials with every objective (and meeting the outcome constraints). */
  considered: number;
  trials: BestTrial[];
}

/**
 * The best completed (feasible) trials of a campaign: with one objective the `n` best, best
 * first (ties in trial order); with several, the Pareto-optimal ones (the first `n` by the first
 * objective).
 */
export function bestTrials(db: Db, campaignId: number, campaign: Campaign, n: number): BestTrials {
  const metrics = campaignMetrics(campaign, new Set());
  const objectives = campaign.objectives;
  const usable = listTrials(db, campaignId)
    // With budgets, a trial below the max budget is never among the best.
    .filter((t) => t.state === "COMPLETED" && t.results_json && t.below_max_budget === 0)
    .map((t) => ({
      t,
      results: JSON.parse(t.results_json!) as Record<string, number>,
    }))
    .filter(
      ({ results }) =>
        objectives.every((o) => Number.isFinite(results[o.name])) && isFeasible(results, metrics),
    );
  const signed = (r: Record<string, number>, k = 0): number => {
    const o = objectives[k]!;
    return (o.goal === "min" ? 1 : -1) * r[o.name]!;
  };
  let chosen: typeof usable;
  if (objectives.length === 1) {
    chosen = [...usable].sort(
      (a, b) => signed(a.results) - signed(b.results) || a.t.trial_index - b.t.trial_index,
    );
  } else {
    chosen = paretoFront(
      usable.map((u) => u.results),
      objectives,
    )
      .map((i) => usable[i]!)
      .sort((a, b) => signed(a.results) - signed(b.results) || a.t.trial_index - b.t.trial_index);
  }
  return {
    kind: objectives.length === 1 ? "best" : "pareto",
    objectives: objectives.map((o) => ({ name: o.name, goal: o.goal })),
    considered: usable.length,
    trials: chosen.slice(0, Math.max(0, n)).map(({ t, results }) => ({
      trial_index: t.trial_index,
      results,
      parameters: shownParameters(
        JSON.parse(t.params_json) as Record<string, unknown>,
        campaign.parameters,
      ),
      generation_node: t.generation_node,
    })),
  };
}

export function formatBestTrials(b: BestTrials): string {
  const goals = b.objectives.map((o) => `${o.name} ${o.goal}`).join(", ");
  if (b.trials.length === 0) return `no completed trial yet (${goals})`;
  const title =
    b.kind === "best"
      ? `best ${b.trials.length} of ${b.considered} completed trials (${goals}):`
      : `Pareto-optimal trials (${goals}), ${b.trials.length} shown, of ${b.considered} completed:`;
  const lines = b.trials.map(
    (t, i) =>
      `${String(i + 1).padStart(3)}. #${t.trial_index}  ${Object.entries(t.results)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}  at ${formatShownParameters(t.parameters)}  (${t.generation_node})`,
  );
  return [title, ...lines].join("\n");
}
