import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { InputError } from "../errors/errors.js";
import type { TrialState } from "../store/rowTypes.js";
import type { PriorBudget, PriorTrial } from "./priorRun.js";

/**
 * Columns of an OmniOpt2 results.csv that are neither parameters nor results: OmniOpt2's own
 * list (its `special_col_names` and `IGNORABLE_COLUMNS`), and the ones only slurmopt's
 * results.csv has (a slurmopt results.csv reads the same way).
 */
const BOOKKEEPING = new Set([
  "trial_index",
  "arm_name",
  "trial_status",
  "generation_node",
  "generation_method",
  "idxs",
  "submit_time",
  "queue_time",
  "worker_generator_uuid",
  "start_time",
  "end_time",
  "run_time",
  "runtime",
  "program_string",
  "exit_code",
  "signal",
  "hostname",
  "metric_name",
  "mean",
  "sem",
  "status",
  // slurmopt's results.csv
  "generator",
  "generation_ms",
  "reason",
  "feasible",
  "hypervolume",
]);

/**
 * slurmopt's budget columns (src/report/resultsTable.ts), read into the trial's budget when the
 * file has all of them, as a campaign with budgets writes them. Otherwise a column of one of
 * these names is a parameter or result like any other (an OmniOpt2 run's parameter "budget").
 */
const BUDGET_COLUMNS: ReadonlySet<string> = new Set([
  "budget",
  "bracket",
  "rung",
  "parent_trial",
  "config_trial",
]);

/** Extra columns kept as extras: OmniOpt2's OO-Info lines, slurmopt's printed metrics. */
const EXTRA = /^(OO_Info_|printed_)/;

/** Ax's trial states as OmniOpt2 writes them (trial_status), in slurmopt's words. */
const STATES: Readonly<Record<string, TrialState>> = {
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  ABANDONED: "CANCELLED",
  CANCELLED: "CANCELLED",
  EARLY_STOPPED: "EARLY_STOPPED",
  TIMEOUT: "TIMEOUT",
  RUNNING: "RUNNING",
  STAGED: "RUNNING",
  CANDIDATE: "PROPOSED",
  SUBMITTED: "SUBMITTED",
  PROPOSED: "PROPOSED",
};

/**
 * The rows of an OmniOpt2 results.csv (any version: columns are found by name, so the order
 * and the bookkeeping columns OmniOpt2 added over time do not matter). Parameter and result
 * cells stay text until the new campaign says which columns they are.
 */
export function readOmniopt2ResultsCsv(path: string): PriorTrial[] {
  let records: string[][];
  try {
    records = parse(readFileSync(path, "utf8"), {
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (e) {
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${path} cannot be read as CSV (${(e as Error).message}); give the results.csv OmniOpt2 (or slurmopt) wrote`,
      { cause: e },
    );
  }
  const header = records[0];
  if (!header || !header.includes("trial_index"))
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${path} has no trial_index column, so it is not a results.csv of OmniOpt2 or slurmopt; give the run's results.csv`,
    );
  const budgets = [...BUDGET_COLUMNS].every((c) => header.includes(c));
  return records.slice(1).map((cols, i) => priorTrial(path, header, cols, i + 2, budgets));
}

function priorTrial(
  path: string,
  header: string[],
  cols: string[],
  line: number,
  budgets: boolean,
): PriorTrial {
  const row: Record<string, string> = {};
  header.forEach((h, i) => (row[h] = cols[i] ?? ""));
  const cells: Record<string, string> = {};
  const extras: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (BOOKKEEPING.has(k) || (budgets && BUDGET_COLUMNS.has(k))) continue;
    if (EXTRA.test(k)) {
      if (v !== "") extras[k] = v;
    } else cells[k] = v;
  }
  const index = Number(row.trial_index);
  if (!Number.isInteger(index) || index < 0)
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${path} line ${line}: trial_index "${row.trial_index}" is not a whole number >= 0; fix or remove that line`,
    );
  const status = (row.trial_status ?? row.status ?? "").trim().toUpperCase();
  return {
    index,
    line,
    // Without a status column a row is judged by its results when it is carried over.
    state: STATES[status] ?? "COMPLETED",
    parameters: {},
    values: {},
    sems: {},
    cells,
    generationNode: (row.generation_node ?? row.generation_method ?? "") || "MANUAL",
    generator: row.generator || "imported",
    generationMs: numberOrNull(row.generation_ms),
    createdAt: epochMs(row.submit_time) ?? epochMs(row.start_time),
    submitTime: epochMs(row.submit_time),
    startTime: epochMs(row.start_time),
    endTime: epochMs(row.end_time),
    extras: Object.keys(extras).length > 0 ? extras : null,
    exitCode: integerOrNull(row.exit_code),
    signal: textOrNull(row.signal),
    reason: textOrNull(row.reason),
    hostname: textOrNull(row.hostname),
    programString: textOrNull(row.program_string),
    budget: budgets ? budgetOf(row) : null,
  };
}

/** slurmopt's budget columns of a row (a campaign with budgets wrote them); null without. */
function budgetOf(row: Readonly<Record<string, string>>): PriorBudget | null {
  const budget = numberOrNull(row.budget);
  if (budget === null) return null;
  return {
    budget,
    bracket: integerOrNull(row.bracket),
    rung: integerOrNull(row.rung),
    parentIndex: integerOrNull(row.parent_trial),
    configIndex: integerOrNull(row.config_trial),
  };
}

function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

function integerOrNull(text: string | undefined): number | null {
  const v = numberOrNull(text);
  return v !== null && Number.isInteger(v) ? v : null;
}

/** OmniOpt2 (and slurmopt) write times as Unix epoch seconds. */
function epochMs(text: string | undefined): number | null {
  const v = numberOrNull(text);
  return v === null ? null : Math.round(v * 1000);
}

/** OmniOpt2 writes Python's None for a missing signal. */
function textOrNull(text: string | undefined): string | null {
  if (text === undefined) return null;
  const t = text.trim();
  return t === "" || t === "None" || t === "nan" ? null : t;
}
