import { isFeasible, type OutcomeConstraint } from "../evaluate/outcomeConstraints.js";
import { metricNames, type Campaign } from "../spec/campaign.js";
import { RunningHypervolume, hypervolumeReference, minimizedRows } from "./campaignHypervolume.js";
import type { TrialRow } from "../store/rowTypes.js";
import { formatValue, type ParamValue } from "../space/parameters.js";

/**
 * The rows of results.csv, derived from the store (never a second source of truth).
 * Columns follow OmniOpt2 where it has a name for them: trial_index, arm_name, submit_time,
 * queue_time, start_time, end_time, run_time, program_string, exit_code, signal, hostname,
 * trial_status, generation_node; then slurmopt's generator, generation_ms and reason; then
 * OO_Info_* and printed_* columns; then one column per objective (with OCC: each result, then
 * OCC), one per metric (outcome-constraint and tracking metrics), `feasible` (true/false, when
 * the campaign has outcome constraints), with budgets (successive halving) budget, bracket, rung,
 * parent_trial (the trial whose configuration a promotion runs again) and config_trial (the
 * bottom-rung trial that first ran it) right after reason, `hypervolume` (2 or 3 objectives: after each trial,
 * in trial order), `SEM-NAME` for each objective or metric that has a
 * standard error in some trial; then one per parameter.
 * Times are Unix epoch seconds (integers); queue_time and run_time are seconds.
 */
export function resultsTable(campaign: Campaign, trials: readonly TrialRow[]): string[][] {
  const extraKeys = new Set<string>();
  const semKeys = new Set<string>();
  for (const t of trials) {
    if (t.extras_json)
      for (const k of Object.keys(JSON.parse(t.extras_json) as object)) extraKeys.add(k);
    if (t.sems_json) for (const k of Object.keys(JSON.parse(t.sems_json) as object)) semKeys.add(k);
  }
  const columns = resultsColumns(campaign, extraKeys, semKeys);
  const hv = runningHypervolume(campaign, trials);
  return [columns.header, ...trials.map((t) => resultsRow(columns, t, hv))];
}

/** The columns every results.csv starts with (parameter and result names may not repeat them). */
export const RESULTS_FIXED_COLUMNS: readonly string[] = [
  "trial_index",
  "arm_name",
  "submit_time",
  "queue_time",
  "start_time",
  "end_time",
  "run_time",
  "program_string",
  "exit_code",
  "signal",
  "hostname",
  "trial_status",
  "generation_node",
  "generator",
  "generation_ms",
  "reason",
];

/** The columns a campaign with budgets adds after `reason` (no parameter may use these names). */
export const BUDGET_COLUMNS: readonly string[] = [
  "budget",
  "bracket",
  "rung",
  "parent_trial",
  "config_trial",
];

/** results.csv's OO-Info columns start with this. */
export const OO_INFO_PREFIX = "OO_Info_";

/** The columns of results.csv for a campaign whose trials carry these OO_Info_* keys. */
export interface ResultsColumns {
  readonly header: string[];
  readonly extras: readonly string[];
  readonly resultNames: readonly string[];
  readonly semNames: readonly string[];
  readonly outcomeConstraints: readonly OutcomeConstraint[];
  /** 2 or 3 objectives: a `hypervolume` column (after each trial, in trial order). */
  readonly hypervolume: boolean;
  readonly parameterNames: readonly string[];
  /** Budget columns (a campaign with budgets). */
  readonly budget: boolean;
}

/** Whether results.csv has a hypervolume column (2 or 3 objectives). */
export function hasHypervolumeColumn(campaign: Campaign): boolean {
  return campaign.objectives.length >= 2 && campaign.objectives.length <= 3;
}

/**
 * The running hypervolume of these trials (in trial order) with the campaign's reference point
 * (objective thresholds, or the nadir of all feasible completed trials); null without the column.
 */
export function runningHypervolume(
  campaign: Campaign,
  trials: readonly TrialRow[],
): RunningHypervolume | null {
  if (!hasHypervolumeColumn(campaign)) return null;
  const values = trials.flatMap((t) => {
    const v = feasibleValues(t, campaign.outcomeConstraints);
    return v ? [v] : [];
  });
  const { reference } = hypervolumeReference(campaign, minimizedRows(values, campaign.objectives));
  return new RunningHypervolume(campaign.objectives, reference);
}

/** A COMPLETED trial's results when it satisfies every outcome constraint, else null. */
export function feasibleValues(
  t: TrialRow,
  oc: readonly OutcomeConstraint[],
): Record<string, number> | null {
  if (t.state !== "COMPLETED" || !t.results_json) return null;
  const v = JSON.parse(t.results_json) as Record<string, number>;
  return isFeasible(v, oc) ? v : null;
}

export function resultsColumns(
  campaign: Campaign,
  extraKeys: Iterable<string>,
  semKeys: Iterable<string> = [],
): ResultsColumns {
  const extras = [...extraKeys].sort();
  // With OCC the stored values hold each printed result and their combination (the objective).
  const objectiveNames = [...(campaign.occ?.results ?? []), ...campaign.objectives].map(
    (o) => o.name,
  );
  const resultNames = [
    ...objectiveNames,
    ...metricNames(campaign).filter((m) => !objectiveNames.includes(m)),
  ];
  const withSem = new Set(semKeys);
  const semNames = resultNames.filter((n) => withSem.has(n));
  const outcomeConstraints = campaign.outcomeConstraints;
  const parameterNames = campaign.parameters.map((p) => p.name);
  const budget = campaign.budget != null;
  const header = [
    ...RESULTS_FIXED_COLUMNS,
    ...(budget ? BUDGET_COLUMNS : []),
    ...extras,
    ...resultNames,
    ...(outcomeConstraints.length > 0 ? ["feasible"] : []),
    ...(hasHypervolumeColumn(campaign) ? ["hypervolume"] : []),
    ...semNames.map((n) => `SEM-${n}`),
    ...parameterNames,
  ];
  return {
    header,
    extras,
    resultNames,
    semNames,
    outcomeConstraints,
    hypervolume: hasHypervolumeColumn(campaign),
    parameterNames,
    budget,
  };
}

/** One trial's row of results.csv (trials in trial order when there is a hypervolume column). */
export function resultsRow(
  c: ResultsColumns,
  t: TrialRow,
  hv: RunningHypervolume | null = null,
): string[] {
  const results = t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : {};
  const extra = t.extras_json ? (JSON.parse(t.extras_json) as Record<string, string>) : {};
  const sems = t.sems_json ? (JSON.parse(t.sems_json) as Record<string, number>) : {};
  const params = JSON.parse(t.params_json) as Record<string, ParamValue>;
  return [
    String(t.trial_index),
    `${t.trial_index}_0`,
    secs(t.submit_time),
    diff(t.submit_time, t.start_time),
    secs(t.start_time),
    secs(t.end_time),
    diff(t.start_time, t.end_time),
    t.program_string ?? "",
    t.exit_code === null ? "" : String(t.exit_code),
    t.signal ?? "",
    t.hostname ?? "",
    t.state,
    t.generation_node,
    t.generator,
    t.generation_ms === null ? "" : t.generation_ms.toFixed(1),
    t.reason ?? "",
    ...(c.budget
      ? [t.budget, t.bracket, t.rung, t.parent_index, t.config_index].map((v) =>
          v === null ? "" : String(v),
        )
      : []),
    ...c.extras.map((k) => extra[k] ?? ""),
    ...c.resultNames.map((name) => (results[name] === undefined ? "" : String(results[name]))),
    ...(c.outcomeConstraints.length === 0
      ? []
      : [t.state === "COMPLETED" ? String(isFeasible(results, c.outcomeConstraints)) : ""]),
    ...(c.hypervolume
      ? [hv ? String(Number(hv.add(feasibleValues(t, c.outcomeConstraints)).toPrecision(10))) : ""]
      : []),
    ...c.semNames.map((n) => (sems[n] === undefined ? "" : String(sems[n]))),
    ...c.parameterNames.map((name) =>
      params[name] === undefined ? "" : formatValue(params[name]),
    ),
  ];
}

function secs(ms: number | null): string {
  return ms === null ? "" : String(Math.round(ms / 1000));
}

function diff(a: number | null, b: number | null): string {
  if (a === null || b === null) return "";
  return String(Math.round((b - a) / 100) / 10);
}
