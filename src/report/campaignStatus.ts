import type { Campaign } from "../spec/campaign.js";
import {
  getCampaignById,
  lastCampaignEventStartingWith,
  recentCampaignEvents,
} from "../store/campaignRows.js";
import type { Db } from "../store/openStore.js";
import { ACTIVE_TRIAL_STATES, givesData } from "../store/rowTypes.js";
import type { CampaignRow, TrialRow, TrialState } from "../store/rowTypes.js";
import { planFromCounts, type NodeCounts } from "../engine/strategyState.js";
import { countTrialsByRung, type RungCount } from "../store/budgetRows.js";
import {
  bestCompletedTrial,
  completedResults,
  countByNodeAndState,
  countInfeasible,
  generationTimes,
  lastFailedTrials,
} from "../store/trialAggregates.js";
import { countTrialsByState, getTrial } from "../store/trialRows.js";
import { campaignHypervolume } from "./campaignHypervolume.js";
import { paretoFront } from "./paretoFront.js";
import type { ShownValue } from "../space/shownParameters.js";
import { formatShownParameters, shownParameters } from "../space/shownParameters.js";
import { isFeasible } from "../evaluate/outcomeConstraints.js";
import { RESULTS_CSV_FAILING } from "./writeResultsCsv.js";

export interface TrialSummary {
  trial_index: number;
  state: TrialState;
  /** Every parameter; null where a conditional parameter was inactive. */
  parameters: Record<string, ShownValue>;
  results: Record<string, number>;
  /** Standard errors of results (SEM-NAME lines), when given. */
  sems: Record<string, number>;
  /** false: COMPLETED but breaking an outcome constraint (null: not completed). */
  feasible: boolean | null;
  reason: string | null;
}

export interface CampaignStatus {
  name: string;
  uid: string;
  dir: string;
  state: string;
  stop_reason: string | null;
  max_eval: number;
  counts: Record<TrialState, number>;
  /** COMPLETED trials that break an outcome constraint (they never count as best). */
  infeasible: number;
  /**
   * Several objectives: the hypervolume of the feasible completed trials, with the objective
   * thresholds as reference point (or one beyond the worst values seen); null otherwise.
   */
  hypervolume: { value: number; reference: "objective thresholds" | "observed nadir" } | null;
  /** Single objective: the best completed trial. Several: the Pareto-optimal trials. */
  best: TrialSummary[];
  recent_failures: TrialSummary[];
  generation_ms: { mean: number | null; last: number | null; by_node: Record<string, number> };
  recent_events: { time: number; level: string; message: string }[];
  /** Why results.csv could not be written the last time it was tried, or null. */
  results_csv_problem: string | null;
  /** Why free slots stay free right now (a strategy node waiting for data), or null. */
  waiting: string | null;
  /** Campaigns with budgets: trials per rung (successive halving); absent without budgets. */
  budgets?: { eta: number; max: number; rungs: RungCount[] };
}

export function campaignStatus(db: Db, stale: CampaignRow, campaign: Campaign): CampaignStatus {
  const row = getCampaignById(db, stale.id) ?? stale;
  const oc = campaign.outcomeConstraints;
  let best: TrialRow[] = [];
  let hypervolume: CampaignStatus["hypervolume"] = null;
  if (campaign.objectives.length === 1) {
    const o = campaign.objectives[0]!;
    // Best and Pareto sets count feasible trials only.
    const b = bestCompletedTrial(db, row.id, o.name, o.goal, oc);
    if (b) best = [b];
  } else {
    const completed = completedResults(db, row.id, oc);
    const values = completed.map((t) => JSON.parse(t.results_json) as Record<string, number>);
    const hv = campaignHypervolume(campaign, values);
    if (hv)
      hypervolume = {
        value: hv.value,
        reference: hv.fromThresholds ? "objective thresholds" : "observed nadir",
      };
    best = paretoFront(values, campaign.objectives)
      .map((i) => getTrial(db, completed[i]!.id))
      .filter((t): t is TrialRow => t !== undefined);
  }
  const gen = generationTimes(db, row.id);
  let sum = 0;
  let n = 0;
  for (const g of gen.byNode) {
    sum += g.sum;
    n += g.n;
  }
  const counts = countTrialsByState(db, row.id);
  return {
    name: row.name,
    uid: row.uid,
    dir: row.dir,
    state: row.state,
    stop_reason: row.stop_reason,
    max_eval: campaign.maxEval,
    counts,
    infeasible: countInfeasible(db, row.id, oc),
    hypervolume,
    best: best.map((t) => summary(t, campaign)),
    recent_failures: lastFailedTrials(db, row.id, 5).map((t) => summary(t, campaign)),
    generation_ms: {
      mean: n > 0 ? sum / n : null,
      last: gen.last,
      by_node: Object.fromEntries(gen.byNode.map((g) => [g.node, g.sum / g.n])),
    },
    recent_events: recentCampaignEvents(db, row.id, 5),
    results_csv_problem: resultsCsvProblem(db, row.id),
    waiting: row.state === "RUNNING" ? waitingFor(db, row.id, campaign, counts) : null,
    ...(campaign.budget
      ? {
          budgets: {
            eta: campaign.budget.eta,
            max: campaign.budget.max,
            rungs: countTrialsByRung(db, row.id),
          },
        }
      : {}),
  };
}

/** The strategy's wait for data when slots are free (the runner leaves them free then). */
function waitingFor(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  counts: Record<TrialState, number>,
): string | null {
  const active = ACTIVE_TRIAL_STATES.reduce((a, s) => a + counts[s], 0);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const free = Math.min(campaign.parallelism - active, campaign.maxEval - total);
  if (free <= 0) return null;
  const nodes: NodeCounts[] = campaign.strategy.map(() => ({
    generated: 0,
    withData: 0,
    pending: 0,
    proposed: 0,
  }));
  let outsideWithData = 0;
  for (const r of countByNodeAndState(db, campaignId)) {
    // Attached and imported trials belong to no node; their results are observed data.
    if (r.node < 0) {
      if (givesData(r.state)) outsideWithData += r.n;
      continue;
    }
    const c = nodes[Math.min(r.node, nodes.length - 1)]!;
    c.proposed += r.n;
    if (r.state !== "FAILED" && r.state !== "TIMEOUT" && r.state !== "CANCELLED")
      c.generated += r.n;
    if (givesData(r.state)) c.withData += r.n;
    if (ACTIVE_TRIAL_STATES.includes(r.state)) c.pending += r.n;
  }
  return planFromCounts(
    campaign.strategy,
    nodes,
    free,
    campaign.objectives.length === 1,
    outsideWithData,
  ).waiting;
}

function summary(t: TrialRow, campaign: Campaign): TrialSummary {
  const oc = campaign.outcomeConstraints;
  const results = t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : {};
  return {
    trial_index: t.trial_index,
    state: t.state,
    parameters: shownParameters(
      JSON.parse(t.params_json) as Record<string, unknown>,
      campaign.parameters,
    ),
    results,
    sems: t.sems_json ? (JSON.parse(t.sems_json) as Record<string, number>) : {},
    feasible: t.state === "COMPLETED" ? isFeasible(results, oc) : null,
    reason: t.reason,
  };
}

/** The controller's last recorded results.csv problem, unless a later write worked. */
export function resultsCsvProblem(db: Db, campaignId: number): string | null {
  const e = lastCampaignEventStartingWith(db, campaignId, "results.csv ");
  return e !== null && e.message.startsWith(RESULTS_CSV_FAILING) ? e.message : null;
}

export function formatStatus(s: CampaignStatus): string {
  const c = s.counts;
  const done = c.COMPLETED + c.EARLY_STOPPED + c.FAILED + c.TIMEOUT + c.CANCELLED;
  const lines = [
    `campaign ${s.name} (${s.uid}) in ${s.dir}`,
    `state: ${s.state}${s.stop_reason ? ` (${s.stop_reason})` : ""}`,
    ...(s.waiting ? [`waiting: ${s.waiting}`] : []),
    ...(s.results_csv_problem ? [`warning: ${s.results_csv_problem}`] : []),
    `trials: ${done}/${s.max_eval} finished: ${c.COMPLETED} completed, ${c.EARLY_STOPPED > 0 ? `${c.EARLY_STOPPED} early stopped, ` : ""}${c.FAILED} failed, ${c.TIMEOUT} timed out, ${c.CANCELLED} cancelled; ${c.RUNNING} running, ${c.SUBMITTED + c.PROPOSED} queued`,
    ...(s.infeasible > 0
      ? [`infeasible: ${s.infeasible} completed trial(s) break an outcome constraint (never best)`]
      : []),
  ];
  const fmt = (t: TrialSummary): string =>
    `  #${t.trial_index} ${Object.entries(t.results)
      .map(([k, v]) => `${k}=${v}${t.sems[k] === undefined ? "" : ` ±${t.sems[k]}`}`)
      .join(" ")}  at ${formatShownParameters(t.parameters)}`;
  if (s.budgets)
    lines.push(
      `budgets (successive halving, eta ${s.budgets.eta}): ${
        s.budgets.rungs
          .map(
            (r) =>
              `rung ${r.rung} at ${r.budget}: ${r.trials} trial(s), ${r.completed} completed${r.running > 0 ? `, ${r.running} running` : ""}`,
          )
          .join("; ") || "no trial yet"
      }; the best counts trials at the max budget ${s.budgets.max} only`,
    );
  if (s.best.length === 1) lines.push("best:", fmt(s.best[0]!));
  else if (s.best.length > 1)
    lines.push(`Pareto-optimal trials (${s.best.length}):`, ...s.best.map(fmt));
  else lines.push("best: none yet");
  if (s.hypervolume)
    lines.push(
      `hypervolume: ${Number(s.hypervolume.value.toPrecision(6))} (reference: ${s.hypervolume.reference})`,
    );
  if (s.generation_ms.mean !== null)
    lines.push(
      `proposal time: mean ${s.generation_ms.mean.toFixed(1)} ms per trial (${Object.entries(
        s.generation_ms.by_node,
      )
        .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
        .join(", ")})`,
    );
  if (s.recent_failures.length > 0) {
    lines.push("recent failures:");
    for (const f of s.recent_failures)
      lines.push(`  #${f.trial_index} ${f.state}: ${f.reason ?? "no reason recorded"}`);
  }
  return lines.join("\n");
}
