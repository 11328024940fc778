import type { Db } from "./openStore.js";
import { boundedOrNull } from "./boundedText.js";
import { sql } from "./statementCache.js";
import type { TrialRow, TrialState } from "./rowTypes.js";
import {
  BUDGET_COLUMNS,
  budgetValues,
  getTrial,
  nextTrialIndex,
  type NewTrial,
} from "./trialRows.js";

/**
 * Trials evaluated outside slurmopt's executors (ask/tell clients, attached trials): they have
 * no attempts, so no controller ever submits, polls or collects them.
 */

/** A new trial without attempts, in the given state (RUNNING while a client evaluates it). */
export interface NewServiceTrial extends Omit<NewTrial, "generationMs" | "programString"> {
  generationMs: number | null;
  programString: string | null;
  state: Extract<TrialState, "RUNNING" | "COMPLETED">;
  resultsJson: string | null;
  semsJson: string | null;
}

/** Inserts trials without attempts with the next free indices (the caller's transaction). */
export function insertServiceTrials(
  db: Db,
  campaignId: number,
  trials: readonly NewServiceTrial[],
  now = Date.now(),
): TrialRow[] {
  const insert = sql(
    db,
    `INSERT INTO trials (campaign_id, trial_index, state, params_json, generator, generation_node,
       node_position, generation_ms, created_at, program_string, start_time, end_time,
       results_json, sems_json, ${BUDGET_COLUMNS})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let index = nextTrialIndex(db, campaignId);
  return trials.map((t) => {
    const at = index++;
    const info = insert.run(
      campaignId,
      at,
      t.state,
      t.paramsJson,
      t.generator,
      t.generationNode,
      t.nodePosition,
      t.generationMs,
      now,
      t.programString,
      now,
      t.state === "COMPLETED" ? now : null,
      t.resultsJson,
      t.semsJson,
      ...budgetValues(t.budget, at),
    );
    return getTrial(db, Number(info.lastInsertRowid))!;
  });
}

export function getTrialByIndex(db: Db, campaignId: number, index: number): TrialRow | undefined {
  return sql(db, `SELECT * FROM trials WHERE campaign_id = ? AND trial_index = ?`).get(
    campaignId,
    index,
  ) as TrialRow | undefined;
}

export function attemptCount(db: Db, trialId: number): number {
  return (
    sql(db, `SELECT COUNT(*) AS n FROM attempts WHERE trial_id = ?`).get(trialId) as { n: number }
  ).n;
}

/** The final state of a service trial told by its client (the caller's transaction). */
export function finishServiceTrial(
  db: Db,
  trialId: number,
  outcome: {
    state: Extract<TrialState, "COMPLETED" | "EARLY_STOPPED" | "FAILED" | "CANCELLED">;
    resultsJson: string | null;
    semsJson: string | null;
    reason: string | null;
  },
  now = Date.now(),
): void {
  sql(
    db,
    `UPDATE trials SET state = ?, results_json = ?, sems_json = ?, reason = ?, end_time = ?
     WHERE id = ?`,
  ).run(
    outcome.state,
    outcome.resultsJson,
    outcome.semsJson,
    boundedOrNull(outcome.reason),
    now,
    trialId,
  );
}

/** Highest trial index of a campaign (-1 without trials): a change means someone added trials. */
export function lastTrialIndex(db: Db, campaignId: number): number {
  return nextTrialIndex(db, campaignId) - 1;
}
