import type { Db } from "./openStore.js";
import { sql } from "./statementCache.js";
import type { TrialState } from "./rowTypes.js";

/**
 * A trial brought from an earlier run (continue, load): stored as it ended there, with its
 * times, exit code and output columns, and without attempts, so no controller ever submits,
 * polls or collects it.
 */
export interface ImportedTrial {
  state: TrialState;
  paramsJson: string;
  resultsJson: string | null;
  semsJson: string | null;
  generationNode: string;
  /** The strategy node that counts it, or -1 for none. */
  nodePosition: number;
  generator: string;
  generationMs: number | null;
  createdAt: number | null;
  submitTime: number | null;
  startTime: number | null;
  endTime: number | null;
  extrasJson: string | null;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  hostname: string | null;
  programString: string | null;
  /** The budget it ran at (successive halving); absent or null: none. */
  budget?: ImportedBudget | null;
}

/**
 * A carried trial's budget columns, its indices those of the new campaign. A loaded trial keeps
 * its budget only (bracket, rung and the indices null): it is data, not part of a bracket.
 */
export interface ImportedBudget {
  budget: number;
  bracket: number | null;
  rung: number | null;
  parentIndex: number | null;
  configIndex: number | null;
  /** Below the campaign's max budget: never among the best trials. */
  belowMaxBudget: boolean;
}

/** Inserts the trials with indices 0, 1, ... into a campaign that has none (the caller's transaction). */
export function insertImportedTrials(
  db: Db,
  campaignId: number,
  trials: readonly ImportedTrial[],
  now = Date.now(),
): void {
  const insert = sql(
    db,
    `INSERT INTO trials (campaign_id, trial_index, state, params_json, generator, generation_node,
       node_position, generation_ms, created_at, submit_time, start_time, end_time, results_json,
       sems_json, extras_json, exit_code, signal, reason, hostname, program_string, budget,
       bracket, rung, parent_index, config_index, below_max_budget)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  trials.forEach((t, index) =>
    insert.run(
      campaignId,
      index,
      t.state,
      t.paramsJson,
      t.generator,
      t.generationNode,
      t.nodePosition,
      t.generationMs,
      t.createdAt ?? now,
      t.submitTime,
      t.startTime,
      t.endTime,
      t.resultsJson,
      t.semsJson,
      t.extrasJson,
      t.exitCode,
      t.signal,
      t.reason,
      t.hostname,
      t.programString,
      t.budget?.budget ?? null,
      t.budget?.bracket ?? null,
      t.budget?.rung ?? null,
      t.budget?.parentIndex ?? null,
      t.budget?.configIndex ?? null,
      t.budget?.belowMaxBudget === true ? 1 : 0,
    ),
  );
}
