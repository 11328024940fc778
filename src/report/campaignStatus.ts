import type { Campaign } from "../spec/campaign.js";
import { getCampaignById, recentCampaignEvents } from "../store/campaignRows.js";
import type { Db } from "../store/openStore.js";
import { ACTIVE_TRIAL_STATES } from "../store/rowTypes.js";
import type { CampaignRow, TrialRow, TrialState } from "../store/rowTypes.js";
import { planProposal } from "../engine/strategyState.js";
import { countTrialsByState, listTrials } from "../store/trialRows.js";
import { paretoFront } from "./paretoFront.js";

export interface TrialSummary {
  trial_index: number;
  state: TrialState;
  parameters: Record<string, string | number>;
  results: Record<string, number>;
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
  /** Single objective: the best completed trial. Several: the Pareto-optimal trials. */
  best: TrialSummary[];
  recent_failures: TrialSummary[];
  generation_ms: { mean: number | null; last: number | null; by_node: Record<string, number> };
  recent_events: { time: number; level: string; message: string }[];
  /** Why free slots stay free right now (a strategy node waiting for data), or null. */
  waiting: string | null;
}

export function campaignStatus(db: Db, stale: CampaignRow, campaign: Campaign): CampaignStatus {
  const row = getCampaignById(db, stale.id) ?? stale;
  const trials = listTrials(db, row.id);
  const completed = trials.filter((t) => t.state === "COMPLETED" && t.results_json);
  const values = completed.map((t) => JSON.parse(t.results_json!) as Record<string, number>);
  let best: TrialRow[] = [];
  if (campaign.objectives.length === 1) {
    const o = campaign.objectives[0]!;
    let bi = -1;
    values.forEach((v, i) => {
      const x = v[o.name];
      if (x === undefined || !Number.isFinite(x)) return;
      const cur = bi < 0 ? undefined : values[bi]![o.name];
      if (cur === undefined || (o.goal === "min" ? x < cur : x > cur)) bi = i;
    });
    if (bi >= 0) best = [completed[bi]!];
  } else {
    best = paretoFront(values, campaign.objectives).map((i) => completed[i]!);
  }
  const failures = trials.filter((t) => t.state === "FAILED" || t.state === "TIMEOUT").slice(-5);
  const gen = trials.filter((t) => t.generation_ms !== null);
  const byNode: Record<string, { sum: number; n: number }> = {};
  for (const t of gen) {
    const e = (byNode[t.generation_node] ??= { sum: 0, n: 0 });
    e.sum += t.generation_ms!;
    e.n++;
  }
  return {
    name: row.name,
    uid: row.uid,
    dir: row.dir,
    state: row.state,
    stop_reason: row.stop_reason,
    max_eval: campaign.maxEval,
    counts: countTrialsByState(db, row.id),
    best: best.map(summary),
    recent_failures: failures.map(summary),
    generation_ms: {
      mean: gen.length ? gen.reduce((a, t) => a + t.generation_ms!, 0) / gen.length : null,
      last: gen.at(-1)?.generation_ms ?? null,
      by_node: Object.fromEntries(Object.entries(byNode).map(([k, v]) => [k, v.sum / v.n])),
    },
    recent_events: recentCampaignEvents(db, row.id, 5),
    waiting: row.state === "RUNNING" ? waitingFor(campaign, trials) : null,
  };
}

/** The strategy's wait for data when slots are free (the runner leaves them free then). */
function waitingFor(campaign: Campaign, trials: readonly TrialRow[]): string | null {
  const active = trials.filter((t) => ACTIVE_TRIAL_STATES.includes(t.state)).length;
  const free = Math.min(campaign.parallelism - active, campaign.maxEval - trials.length);
  if (free <= 0) return null;
  return planProposal(campaign.strategy, trials, free, campaign.objectives.length === 1).waiting;
}

function summary(t: TrialRow): TrialSummary {
  return {
    trial_index: t.trial_index,
    state: t.state,
    parameters: JSON.parse(t.params_json) as Record<string, string | number>,
    results: t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : {},
    reason: t.reason,
  };
}

export function formatStatus(s: CampaignStatus): string {
  const c = s.counts;
  const done = c.COMPLETED + c.FAILED + c.TIMEOUT + c.CANCELLED;
  const lines = [
    `campaign ${s.name} (${s.uid}) in ${s.dir}`,
    `state: ${s.state}${s.stop_reason ? ` (${s.stop_reason})` : ""}`,
    ...(s.waiting ? [`waiting: ${s.waiting}`] : []),
    `trials: ${done}/${s.max_eval} finished: ${c.COMPLETED} completed, ${c.FAILED} failed, ${c.TIMEOUT} timed out, ${c.CANCELLED} cancelled; ${c.RUNNING} running, ${c.SUBMITTED + c.PROPOSED} queued`,
  ];
  const fmt = (t: TrialSummary): string =>
    `  #${t.trial_index} ${Object.entries(t.results)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}  at ${Object.entries(t.parameters)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`;
  if (s.best.length === 1) lines.push("best:", fmt(s.best[0]!));
  else if (s.best.length > 1)
    lines.push(`Pareto-optimal trials (${s.best.length}):`, ...s.best.map(fmt));
  else lines.push("best: none yet");
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
