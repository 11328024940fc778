/**
 * Global stopping as Ax's ImprovementGlobalStoppingStrategy: a campaign whose best has stopped
 * improving ends early. Checked after each completed trial, over the completed trials in
 * trial order:
 * - nothing is decided before max(min_trials, no_improvement_in) trials completed;
 * - one objective: the best feasible value now against the best feasible value
 *   `no_improvement_in` completed trials ago, as a fraction of the interquartile range of the
 *   feasible values so far; below `tolerance`: stop;
 * - several objectives: the hypervolume of the feasible trials now against the one
 *   `no_improvement_in` completed trials ago (same reference point: the objective thresholds,
 *   or one beyond the worst values seen), as a fraction of the earlier one; below `tolerance`:
 *   stop (never while the earlier hypervolume is 0).
 */
import { isFeasible } from "../evaluate/outcomeConstraints.js";
import { hypervolumeReference, minimizedRows } from "../report/campaignHypervolume.js";
import { hypervolume } from "../report/hypervolume.js";
import type { Campaign, StopWhen } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import { iterateTrialsChangedSince } from "../store/trialScans.js";

/** The stop reason of a campaign ended by global stopping starts with this. */
export const GLOBAL_STOP_PREFIX = "global stopping: ";

export interface CompletedEntry {
  readonly index: number;
  readonly values: Readonly<Record<string, number>>;
  readonly feasible: boolean;
}

export interface StopDecision {
  readonly stop: boolean;
  readonly message: string;
}

/** Linear-interpolated percentile (numpy's default) of sorted values; q in [0, 1]. */
function percentile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);
}

/** Whether to stop, given the completed trials in trial order (pure; tests call it). */
export function globalStoppingDecision(
  campaign: Campaign,
  stopWhen: StopWhen,
  entries: readonly CompletedEntry[],
): StopDecision {
  const window = stopWhen.noImprovementIn;
  const required = Math.max(stopWhen.minTrials, window);
  const n = entries.length;
  if (n < required)
    return { stop: false, message: `${n} of ${required} completed trials needed to decide` };
  // entries[0..n-window] is the campaign as it was `window` completed trials ago (Ax's
  // running_optimum[-window_size]).
  const before = entries.slice(0, n - window + 1);
  if (campaign.objectives.length === 1) return singleObjective(campaign, stopWhen, entries, before);
  const rowsOf = (list: readonly CompletedEntry[]): Float64Array[] =>
    minimizedRows(
      list.filter((e) => e.feasible).map((e) => e.values),
      campaign.objectives,
    );
  const all = rowsOf(entries);
  if (all.length === 0) return { stop: false, message: "no feasible trial yet" };
  // One reference point for both: the thresholds, or beyond the worst values seen by now.
  const { reference } = hypervolumeReference(campaign, all);
  const now = hypervolume(all, reference);
  if (now === null) return { stop: false, message: "no hypervolume beyond three objectives" };
  const then = hypervolume(rowsOf(before), reference) ?? 0;
  if (then <= 0) return { stop: false, message: "the hypervolume at the start of the window is 0" };
  const rel = (now - then) / then;
  if (rel >= stopWhen.tolerance) return { stop: false, message: `hypervolume grew ${fmt(rel)}` };
  return {
    stop: true,
    message: `${GLOBAL_STOP_PREFIX}the hypervolume grew by ${fmt(rel)} (from ${fmt(then)} to ${fmt(now)}) over the last ${window} completed trials, less than the tolerance ${stopWhen.tolerance}`,
  };
}

function singleObjective(
  campaign: Campaign,
  stopWhen: StopWhen,
  entries: readonly CompletedEntry[],
  before: readonly CompletedEntry[],
): StopDecision {
  const o = campaign.objectives[0]!;
  const sign = o.goal === "min" ? 1 : -1;
  const bestOf = (list: readonly CompletedEntry[]): number => {
    let best = Infinity;
    for (const e of list) {
      const v = e.values[o.name];
      if (e.feasible && v !== undefined && Number.isFinite(v)) best = Math.min(best, sign * v);
    }
    return best;
  };
  const feasible = entries
    .filter((e) => e.feasible && Number.isFinite(e.values[o.name]))
    .map((e) => e.values[o.name]!)
    .sort((a, b) => a - b);
  if (feasible.length <= 1) return { stop: false, message: "not enough feasible trials yet" };
  const now = bestOf(entries);
  const then = bestOf(before);
  if (!Number.isFinite(then))
    return { stop: false, message: "no feasible trial at the start of the window" };
  const iqr = percentile(feasible, 0.75) - percentile(feasible, 0.25);
  const gain = Math.abs(now - then);
  // A zero IQR (all values equal so far): only no improvement at all counts as none.
  const rel = iqr > 0 ? gain / iqr : gain === 0 ? 0 : Infinity;
  if (rel >= stopWhen.tolerance) return { stop: false, message: `improved ${fmt(rel)} IQRs` };
  return {
    stop: true,
    message: `${GLOBAL_STOP_PREFIX}the best ${o.name} improved by ${fmt(rel)} times the interquartile range of its values (IQR ${fmt(iqr)}) over the last ${stopWhen.noImprovementIn} completed trials, less than the tolerance ${stopWhen.tolerance}`,
  };
}

/**
 * Follows a campaign's completed trials from the store by revision (each row read once per
 * change) and decides global stopping after each new one.
 */
export class GlobalStopping {
  private readonly entries: CompletedEntry[] = [];
  private readonly seen = new Set<number>();
  private rev = -1;

  constructor(
    private readonly db: Db,
    private readonly campaignId: number,
    private readonly campaign: Campaign,
    private readonly stopWhen: StopWhen,
  ) {}

  check(): StopDecision {
    const oc = this.campaign.outcomeConstraints ?? [];
    for (const row of iterateTrialsChangedSince(this.db, this.campaignId, this.rev)) {
      if (row.rev > this.rev) this.rev = row.rev;
      if (row.state !== "COMPLETED" || row.results_json === null || this.seen.has(row.id)) continue;
      // With budgets, only trials at the max budget count (as for the best trial).
      if (row.below_max_budget === 1) continue;
      const values = JSON.parse(row.results_json) as Record<string, number>;
      if (!this.campaign.objectives.every((o) => Number.isFinite(values[o.name]))) continue;
      this.seen.add(row.id);
      const entry = { index: row.trial_index, values, feasible: isFeasible(values, oc) };
      let at = this.entries.length;
      while (at > 0 && this.entries[at - 1]!.index > entry.index) at--;
      this.entries.splice(at, 0, entry);
    }
    return globalStoppingDecision(this.campaign, this.stopWhen, this.entries);
  }
}
