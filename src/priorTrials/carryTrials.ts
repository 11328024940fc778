import { InputError } from "../errors/errors.js";
import { metricNames, type Campaign } from "../spec/campaign.js";
import type { Parameter, ParamValue, Point } from "../space/parameters.js";
import { SearchSpace, sameValue } from "../space/searchSpace.js";
import { ACTIVE_TRIAL_STATES, givesData, type TrialState } from "../store/rowTypes.js";
import type { ImportedBudget, ImportedTrial } from "../store/importedTrials.js";
import type { PriorBudget, PriorRun, PriorTrial } from "./priorRun.js";

/**
 * continue: every trial of the earlier run comes along (OmniOpt2's --continue_previous_job),
 * keeping its strategy node where the new strategy has a node of that name.
 * load: only trials with a result for every objective (OmniOpt2's
 * --load_data_from_existing_jobs skips rows without one); they belong to no strategy node.
 */
export type CarryMode = "continue" | "load";

export interface CarriedTrials {
  readonly trials: ImportedTrial[];
  /** Trials outside the new search space: kept for reference, not given to the models. */
  readonly outsideSpace: number;
  /** Trials of the earlier runs left out (load: no result). */
  readonly skipped: number;
}

/**
 * The earlier runs' trials as rows of the new campaign, in order (trial indices 0, 1, ...):
 * parameter values checked and typed against the new campaign's parameters, results against
 * its objectives and metrics. A value that cannot be read is an error naming the run, the
 * trial and the fix; nothing is written before every trial has been read.
 */
export function carryTrials(
  runs: readonly PriorRun[],
  campaign: Campaign,
  mode: CarryMode,
  /** The new campaign's index of the first trial carried (the trials carried before). */
  firstIndex = 0,
): CarriedTrials {
  const space = new SearchSpace(campaign.parameters);
  const objectives = (campaign.occ?.results ?? campaign.objectives).map((o) => o.name);
  const metrics = [
    ...objectives,
    ...(campaign.occ ? [campaign.objectives[0]!.name] : []),
    ...metricNames(campaign),
  ];
  const trials: ImportedTrial[] = [];
  let outsideSpace = 0;
  let skipped = 0;
  for (const run of runs) {
    if (run.kind === "omniopt2") checkColumns(run, campaign, objectives);
    /** The earlier run's trial indices to the new campaign's (budget columns refer to them). */
    const newIndex = new Map<number, number>();
    // A loop, not Math.max(...): a spread of 120,000+ arguments overflows the stack.
    let topBudget = -Infinity;
    for (const t of run.trials) topBudget = Math.max(topBudget, t.budget?.budget ?? -Infinity);
    for (const t of run.trials) {
      const point = pointOf(run, t, campaign.parameters);
      const { values, sems } = resultsOf(run, t, metrics);
      const complete = objectives.every((n) => Number.isFinite(values[n]));
      if (mode === "load" && !(givesData(t.state) && complete)) {
        skipped++;
        continue;
      }
      let state: TrialState = t.state;
      let reason = t.reason;
      if (ACTIVE_TRIAL_STATES.includes(state)) {
        state = "CANCELLED";
        reason = `was ${t.state} in ${run.source} when it was continued; not carried on`;
      } else if (givesData(state) && !complete) {
        state = "FAILED";
        reason ??= `no value for ${objectives.filter((n) => !Number.isFinite(values[n])).join(", ")} in ${run.source}`;
      } else if (state !== "COMPLETED" && state !== "EARLY_STOPPED") {
        reason ??= `${state} in ${run.source}`;
      }
      if (space.check(point) !== null) outsideSpace++;
      newIndex.set(t.index, firstIndex + trials.length);
      const budget =
        t.budget == null
          ? null
          : carriedBudget(t.budget, mode, newIndex, firstIndex + trials.length, {
              max: campaign.budget?.max ?? topBudget,
            });
      trials.push({
        state,
        paramsJson: JSON.stringify(point),
        resultsJson: Object.keys(values).length > 0 ? JSON.stringify(values) : null,
        semsJson: Object.keys(sems).length > 0 ? JSON.stringify(sems) : null,
        generationNode: mode === "continue" ? t.generationNode : t.generationNode || "MANUAL",
        nodePosition: mode === "continue" ? nodePosition(campaign, t.generationNode) : -1,
        generator: t.generator,
        generationMs: t.generationMs,
        createdAt: t.createdAt,
        submitTime: t.submitTime,
        startTime: t.startTime,
        endTime: t.endTime,
        extrasJson: t.extras ? JSON.stringify(t.extras) : null,
        exitCode: t.exitCode,
        signal: t.signal,
        reason,
        hostname: t.hostname,
        programString: t.programString,
        budget,
      });
    }
  }
  return { trials, outsideSpace, skipped };
}

/**
 * The budget columns of a carried trial. continue: its bracket, rung and the trials it refers
 * to (renumbered; a trial left out becomes null, a configuration's first trial the trial
 * itself), so successive halving goes on with the earlier brackets. load: the budget only (the
 * models learn which budget a value was measured at); the trial is in no bracket of the new
 * campaign. Either way a trial below the max budget never counts among the best.
 */
function carriedBudget(
  b: PriorBudget,
  mode: CarryMode,
  newIndex: ReadonlyMap<number, number>,
  self: number,
  top: { max: number },
): ImportedBudget {
  const mapped = (i: number | null): number | null =>
    i === null ? null : (newIndex.get(i) ?? null);
  const belowMaxBudget = b.budget < top.max;
  if (mode === "load")
    return {
      budget: b.budget,
      bracket: null,
      rung: null,
      parentIndex: null,
      configIndex: null,
      belowMaxBudget,
    };
  return {
    budget: b.budget,
    bracket: b.bracket,
    rung: b.rung,
    parentIndex: mapped(b.parentIndex),
    configIndex: mapped(b.configIndex) ?? self,
    belowMaxBudget,
  };
}

/** The strategy node of this name (OmniOpt2's generation_node), or -1: no node counts it. */
function nodePosition(campaign: Campaign, generationNode: string): number {
  const name = generationNode.toUpperCase();
  return campaign.strategy.findIndex((n) => n.label.toUpperCase() === name);
}

/** A results.csv must have a column for every free parameter and every objective. */
function checkColumns(run: PriorRun, campaign: Campaign, objectives: readonly string[]): void {
  const first = run.trials[0];
  if (!first?.cells) return;
  const columns = Object.keys(first.cells);
  const missing = [
    ...campaign.parameters.filter((p) => p.kind !== "fixed").map((p) => p.name),
    ...objectives,
  ].filter((n) => !columns.includes(n));
  if (missing.length > 0)
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${run.source} has no column for ${missing.map((m) => `"${m}"`).join(", ")} (its parameter and result columns: ${columns.join(", ") || "none"}); give a run with the same parameter and result names, or name them so with --parameter and --result_names`,
    );
}

function where(run: PriorRun, t: PriorTrial): string {
  return t.line === null
    ? `${run.source}, trial ${t.index}`
    : `${run.source} line ${t.line} (trial_index ${t.index})`;
}

/** The trial's point in the new campaign's terms (values typed as its parameters are). */
function pointOf(run: PriorRun, t: PriorTrial, parameters: readonly Parameter[]): Point {
  const point: Record<string, ParamValue> = {};
  for (const p of parameters) {
    const raw = t.cells ? t.cells[p.name] : t.parameters[p.name];
    if (raw === undefined || raw === "") {
      if (p.kind === "fixed") {
        point[p.name] = p.value;
        continue;
      }
      // An inactive parameter of a conditional space is left out of the point.
      if (p.activeIf !== undefined) continue;
      throw new InputError(
        "PRIOR_RUN_INVALID",
        `${where(run, t)} has no value for parameter "${p.name}"; the new campaign's parameters must all be in the earlier run (add "${p.name}" only to a new campaign, without --continue or --load_data_from_existing_jobs)`,
      );
    }
    point[p.name] = typed(run, t, p, raw);
  }
  return point;
}

function typed(run: PriorRun, t: PriorTrial, p: Parameter, raw: ParamValue): ParamValue {
  const numeric = p.kind === "range" || p.valueType !== "string";
  if (p.kind === "choice") {
    const known = p.values.find((c) => sameValue(c, raw));
    if (known !== undefined) return known;
  }
  if (!numeric || typeof raw === "number") return raw;
  const v = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(v))
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${where(run, t)}: parameter "${p.name}" is "${raw}", not a number; fix the value in that file or leave the trial out`,
    );
  return v;
}

/** Results (and SEMs) of the metrics the new campaign knows. */
function resultsOf(
  run: PriorRun,
  t: PriorTrial,
  metrics: readonly string[],
): { values: Record<string, number>; sems: Record<string, number> } {
  if (!t.cells) return { values: { ...t.values }, sems: { ...t.sems } };
  const values: Record<string, number> = {};
  const sems: Record<string, number> = {};
  for (const m of metrics) {
    const v = readNumber(run, t, m, t.cells[m]);
    if (v !== null) values[m] = v;
    const s = readNumber(run, t, `SEM-${m}`, t.cells[`SEM-${m}`]);
    if (s !== null) sems[m] = s;
  }
  return { values, sems };
}

function readNumber(
  run: PriorRun,
  t: PriorTrial,
  column: string,
  text: string | undefined,
): number | null {
  if (text === undefined) return null;
  const s = text.trim();
  // OmniOpt2 writes an empty cell (or nan) where a trial has no result.
  if (s === "" || s.toLowerCase() === "nan" || s === "None") return null;
  const v = Number(s);
  if (!Number.isFinite(v))
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${where(run, t)}: result ${column} is "${text}", not a number; fix the value in that file or leave the trial out`,
    );
  return v;
}
