import type { SubmitRecord } from "../executor/executor.js";
import { boundedOrNull } from "./boundedText.js";
import type { Db } from "./openStore.js";
import { sql } from "./statementCache.js";
import { zeroTrialCounts, type AttemptRow, type TrialRow, type TrialState } from "./rowTypes.js";

/** Where a trial of a campaign with budgets runs (successive halving; src/budgets). */
export interface TrialBudget {
  budget: number;
  bracket: number;
  rung: number;
  /** The promoted trial of the rung below; null for a new configuration. */
  parentIndex: number | null;
  /** The bottom-rung trial that first ran the configuration; null: the new trial itself. */
  configIndex: number | null;
  /** Below the campaign's max budget (never among the best trials). */
  belowMax: boolean;
}

/** The budget columns of a new trial, in the order of BUDGET_COLUMNS (all null without budgets). */
export function budgetValues(
  b: TrialBudget | undefined,
  index: number,
): [number | null, number | null, number | null, number | null, number | null, number] {
  if (b === undefined) return [null, null, null, null, null, 0];
  return [b.budget, b.bracket, b.rung, b.parentIndex, b.configIndex ?? index, b.belowMax ? 1 : 0];
}

export const BUDGET_COLUMNS = "budget, bracket, rung, parent_index, config_index, below_max_budget";

export interface NewTrial {
  /** Set in campaigns with budgets. */
  budget?: TrialBudget;
  paramsJson: string;
  generator: string;
  generationNode: string;
  nodePosition: number;
  generationMs: number;
  programString: string;
}

export interface NewAttempt {
  executor: string;
  jobName: string;
  dir: string;
  /** Slurm: the job ("123" or "123_4") this one is submitted to start after (submit-ahead). */
  afterJob?: string | null;
}

export interface TrialWithAttempt {
  trial: TrialRow;
  attempt: AttemptRow;
}

/** The outcome written when an attempt ends and its trial reaches a final state. */
export interface TrialOutcome {
  state: Exclude<TrialState, "PROPOSED" | "SUBMITTED" | "RUNNING">;
  resultsJson: string | null;
  semsJson: string | null;
  extrasJson: string | null;
  reason: string | null;
}

export interface AttemptEnd {
  endTime: number;
  startTime: number | null;
  exitCode: number | null;
  signal: string | null;
  fault: string | null;
  reason: string | null;
  hostname: string | null;
}

export function nextTrialIndex(db: Db, campaignId: number): number {
  const row = sql(
    db,
    `SELECT COALESCE(MAX(trial_index) + 1, 0) AS n FROM trials WHERE campaign_id = ?`,
  ).get(campaignId) as { n: number };
  return row.n;
}

/**
 * Writes new trials (PROPOSED) and their first attempts (CREATED, with job name and directory)
 * in ONE transaction, before anything is submitted.
 */
export function insertProposedTrials(
  db: Db,
  campaignId: number,
  trials: readonly NewTrial[],
  attemptFor: (trialIndex: number) => NewAttempt,
  now = Date.now(),
): TrialWithAttempt[] {
  const insertTrial = sql(
    db,
    `INSERT INTO trials (campaign_id, trial_index, state, params_json, generator, generation_node,
       node_position, generation_ms, created_at, program_string, ${BUDGET_COLUMNS})
     VALUES (?, ?, 'PROPOSED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db
    .transaction(() => {
      let index = nextTrialIndex(db, campaignId);
      return trials.map((t) => {
        const info = insertTrial.run(
          campaignId,
          index,
          t.paramsJson,
          t.generator,
          t.generationNode,
          t.nodePosition,
          t.generationMs,
          now,
          t.programString,
          ...budgetValues(t.budget, index),
        );
        const trialId = Number(info.lastInsertRowid);
        const attempt = insertAttempt(db, trialId, 1, attemptFor(index));
        index++;
        return { trial: getTrial(db, trialId)!, attempt };
      });
    })
    .immediate();
}

function insertAttempt(db: Db, trialId: number, attemptNo: number, a: NewAttempt): AttemptRow {
  const info = sql(
    db,
    `INSERT INTO attempts (trial_id, attempt_no, state, executor, job_name, dir, after_job)
       VALUES (?, ?, 'CREATED', ?, ?, ?, ?)`,
  ).run(trialId, attemptNo, a.executor, a.jobName, a.dir, a.afterJob ?? null);
  return getAttempt(db, Number(info.lastInsertRowid))!;
}

/**
 * Stores job ids / pids right after submission, together with the state change. The executor's
 * "started" (even "finished") event for an attempt may be stored before its submit() returns
 * (the local executor starts a batch one attempt after the other): then the ids and the submit
 * time are still recorded, and the later state is kept. Ids recorded before are kept.
 */
export function recordSubmitted(db: Db, records: readonly SubmitRecord[], now = Date.now()): void {
  const upAttempt = sql(
    db,
    `UPDATE attempts SET state = CASE state WHEN 'CREATED' THEN 'SUBMITTED' ELSE state END,
       job_id = COALESCE(job_id, ?), array_task_id = COALESCE(array_task_id, ?),
       pid = COALESCE(pid, ?), pid_start = COALESCE(pid_start, ?),
       submit_time = COALESCE(submit_time, ?) WHERE id = ?`,
  );
  const upTrial = sql(
    db,
    `UPDATE trials SET submit_time = COALESCE(submit_time, ?),
       state = CASE WHEN state = 'PROPOSED' AND (SELECT state FROM attempts WHERE id = ?) != 'FINISHED'
         THEN 'SUBMITTED' ELSE state END
     WHERE id = (SELECT trial_id FROM attempts WHERE id = ?)`,
  );
  db.transaction(() => {
    for (const r of records) {
      upAttempt.run(r.jobId, r.arrayTaskId, r.pid, r.pidStartTime, now, r.attemptId);
      upTrial.run(now, r.attemptId, r.attemptId);
      if (r.startedAt) markStarted(db, r.attemptId, r.startedAt.time, r.startedAt.hostname);
    }
  }).immediate();
}

export function recordStarted(
  db: Db,
  attemptId: number,
  time: number,
  hostname: string | null,
): void {
  db.transaction(() => markStarted(db, attemptId, time, hostname)).immediate();
}

function markStarted(db: Db, attemptId: number, time: number, hostname: string | null): void {
  sql(
    db,
    `UPDATE attempts SET state = 'RUNNING', start_time = COALESCE(start_time, ?),
       hostname = COALESCE(?, hostname) WHERE id = ? AND state IN ('CREATED', 'SUBMITTED')`,
  ).run(time, hostname, attemptId);
  sql(
    db,
    `UPDATE trials SET state = 'RUNNING', start_time = COALESCE(start_time, ?),
       hostname = COALESCE(?, hostname)
     WHERE id = (SELECT trial_id FROM attempts WHERE id = ?) AND state IN ('PROPOSED', 'SUBMITTED')`,
  ).run(time, hostname, attemptId);
}

/**
 * Ends an attempt. With an outcome, its trial reaches that final state; without one (a retry),
 * the trial goes back to PROPOSED with a new CREATED attempt. One transaction either way.
 * Returns the new attempt when one was created; null when the attempt had already ended.
 */
export function recordAttemptEnd(
  db: Db,
  attemptId: number,
  end: AttemptEnd,
  outcome: TrialOutcome | null,
  retry: NewAttempt | null,
): AttemptRow | null {
  return db
    .transaction(() => {
      const attempt = getAttempt(db, attemptId);
      if (!attempt || attempt.state === "FINISHED") return null;
      sql(
        db,
        `UPDATE attempts SET state = 'FINISHED', end_time = ?, start_time = COALESCE(start_time, ?),
           exit_code = ?, signal = ?, fault = ?, reason = ?, hostname = COALESCE(?, hostname)
         WHERE id = ?`,
      ).run(
        end.endTime,
        end.startTime,
        end.exitCode,
        end.signal,
        end.fault,
        boundedOrNull(end.reason),
        end.hostname,
        attemptId,
      );
      if (outcome) {
        sql(
          db,
          `UPDATE trials SET state = ?, end_time = ?, start_time = COALESCE(start_time, ?),
             results_json = ?, sems_json = ?, extras_json = ?, exit_code = ?, signal = ?, reason = ?,
             hostname = COALESCE(?, hostname)
           WHERE id = ?`,
        ).run(
          outcome.state,
          end.endTime,
          end.startTime,
          outcome.resultsJson,
          outcome.semsJson,
          outcome.extrasJson,
          end.exitCode,
          end.signal,
          boundedOrNull(outcome.reason),
          end.hostname,
          attempt.trial_id,
        );
        return null;
      }
      if (!retry) throw new Error("recordAttemptEnd needs an outcome or a retry");
      sql(db, `UPDATE trials SET state = 'PROPOSED', reason = ? WHERE id = ?`).run(
        boundedOrNull(end.reason),
        attempt.trial_id,
      );
      return insertAttempt(db, attempt.trial_id, attempt.attempt_no + 1, retry);
    })
    .immediate();
}

export function getTrial(db: Db, id: number): TrialRow | undefined {
  return sql(db, `SELECT * FROM trials WHERE id = ?`).get(id) as TrialRow | undefined;
}

export function getAttempt(db: Db, id: number): AttemptRow | undefined {
  return sql(db, `SELECT * FROM attempts WHERE id = ?`).get(id) as AttemptRow | undefined;
}

export function listTrials(db: Db, campaignId: number): TrialRow[] {
  return sql(db, `SELECT * FROM trials WHERE campaign_id = ? ORDER BY trial_index`).all(
    campaignId,
  ) as TrialRow[];
}

/**
 * Attempts not yet finished (or, with `createdOnly`, not yet submitted), with their trials
 * (for the loop, the submitter and resume).
 */
export function listOpenAttempts(
  db: Db,
  campaignId: number,
  createdOnly = false,
): TrialWithAttempt[] {
  // One query for the pairs: expand() nests each row's columns by table, as both tables have
  // an id and a state. CROSS JOIN keeps attempts as the outer loop: the state index finds the
  // few open ones instead of a walk over every trial of the campaign.
  const rows = sql(
    db,
    `SELECT a.*, t.* FROM attempts a CROSS JOIN trials t ON t.id = a.trial_id
       WHERE t.campaign_id = ? AND a.state IN (${createdOnly ? "'CREATED'" : "'CREATED', 'SUBMITTED', 'RUNNING'"})
       ORDER BY t.trial_index`,
  )
    .expand(true)
    .all(campaignId) as { attempts: AttemptRow; trials: TrialRow }[];
  return rows.map((r) => ({ trial: r.trials, attempt: r.attempts }));
}

export function listAttempts(db: Db, trialId: number): AttemptRow[] {
  return sql(db, `SELECT * FROM attempts WHERE trial_id = ? ORDER BY attempt_no`).all(
    trialId,
  ) as AttemptRow[];
}

export function countTrialsByState(db: Db, campaignId: number): Record<TrialState, number> {
  const counts = zeroTrialCounts();
  const rows = sql(
    db,
    `SELECT state, COUNT(*) AS n FROM trials WHERE campaign_id = ? GROUP BY state`,
  ).all(campaignId) as { state: TrialState; n: number }[];
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** Trials changed after revision `rev` (all trials for rev = -1). */
export function listTrialsChangedSince(db: Db, campaignId: number, rev: number): TrialRow[] {
  return sql(db, `SELECT * FROM trials WHERE campaign_id = ? AND rev > ? ORDER BY rev`).all(
    campaignId,
    rev,
  ) as TrialRow[];
}

/** Ids of the attempts sharing a job name, in submission order (array task index order). */
export function attemptIdsWithJobName(db: Db, jobName: string): number[] {
  return (
    sql(db, `SELECT id FROM attempts WHERE job_name = ? ORDER BY id`).all(jobName) as {
      id: number;
    }[]
  ).map((r) => r.id);
}

/** Ends a campaign's never-submitted (CREATED) attempts and their trials as CANCELLED. */
export function cancelCreatedAttempts(
  db: Db,
  campaignId: number,
  reason: string,
  now = Date.now(),
): void {
  for (const o of listOpenAttempts(db, campaignId).filter((x) => x.attempt.state === "CREATED"))
    recordAttemptEnd(
      db,
      o.attempt.id,
      {
        endTime: now,
        startTime: null,
        exitCode: null,
        signal: null,
        fault: "CANCELLED",
        reason: "cancelled before submission",
        hostname: null,
      },
      { state: "CANCELLED", resultsJson: null, semsJson: null, extrasJson: null, reason },
      null,
    );
}
