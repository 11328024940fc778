/**
 * What status needs of a campaign's trials, computed by SQLite (one pass in C, or an index)
 * instead of reading and parsing every row in JavaScript: `slurmopt status` on a 100,000-trial
 * campaign answers in a fraction of a second.
 */
import type { Db } from "./openStore.js";
import type { TrialRow, TrialState } from "./rowTypes.js";
import { sql } from "./statementCache.js";

/** A JSON path naming one key of results_json (any characters, quoted for SQLite's JSON path). */
function resultPath(name: string): string {
  return `$."${name.replace(/"/g, '""')}"`;
}

/** A bound on a printed metric (an outcome constraint): feasible trials satisfy every one. */
export interface MetricBound {
  readonly metric: string;
  readonly op: "<=" | ">=";
  readonly bound: number;
}

/**
 * The SQL condition that a trial's results satisfy every bound (a metric not printed, or not
 * a number, breaks its bound), with its parameters in order.
 */
function feasibleCondition(bounds: readonly MetricBound[]): { text: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const b of bounds) {
    parts.push(
      `(typeof(json_extract(results_json, ?)) IN ('integer', 'real') AND json_extract(results_json, ?) ${b.op} ?)`,
    );
    params.push(resultPath(b.metric), resultPath(b.metric), b.bound);
  }
  return { text: parts.length > 0 ? parts.join(" AND ") : "1", params };
}

/**
 * The completed trial with the best value of one objective among those satisfying every bound
 * (the first in trial order on ties). Trials below a campaign's max budget never count.
 */
export function bestCompletedTrial(
  db: Db,
  campaignId: number,
  objective: string,
  goal: "min" | "max",
  bounds: readonly MetricBound[] = [],
): TrialRow | undefined {
  // The value is extracted once per row (the JSON parse is the cost); only the winner's row
  // is read whole.
  const feasible = feasibleCondition(bounds);
  const best = sql(
    db,
    `SELECT id, v FROM (SELECT id, trial_index, json_extract(results_json, ?) AS v FROM trials
       WHERE campaign_id = ? AND state = 'COMPLETED' AND results_json IS NOT NULL
         AND below_max_budget = 0 AND ${feasible.text})
     WHERE typeof(v) IN ('integer', 'real')
     ORDER BY v ${goal === "min" ? "ASC" : "DESC"}, trial_index LIMIT 1`,
  ).get(resultPath(objective), campaignId, ...feasible.params) as { id: number } | undefined;
  if (!best) return undefined;
  return sql(db, `SELECT * FROM trials WHERE id = ?`).get(best.id) as TrialRow | undefined;
}

/**
 * id and results of every completed trial with results satisfying every bound, in trial order
 * (for a Pareto front); trials below a campaign's max budget are left out.
 */
export function completedResults(
  db: Db,
  campaignId: number,
  bounds: readonly MetricBound[] = [],
): { id: number; results_json: string }[] {
  const feasible = feasibleCondition(bounds);
  return sql(
    db,
    `SELECT id, results_json FROM trials WHERE campaign_id = ? AND state = 'COMPLETED'
       AND results_json IS NOT NULL AND below_max_budget = 0 AND ${feasible.text}
       ORDER BY trial_index`,
  ).all(campaignId, ...feasible.params) as { id: number; results_json: string }[];
}

/** Completed trials with results that break some bound (0 without bounds). */
export function countInfeasible(
  db: Db,
  campaignId: number,
  bounds: readonly MetricBound[],
): number {
  if (bounds.length === 0) return 0;
  const feasible = feasibleCondition(bounds);
  const r = sql(
    db,
    `SELECT COUNT(*) AS n FROM trials WHERE campaign_id = ? AND state = 'COMPLETED'
       AND results_json IS NOT NULL AND NOT (${feasible.text})`,
  ).get(campaignId, ...feasible.params) as { n: number };
  return r.n;
}

/** The last `n` failed or timed-out trials, in trial order. */
export function lastFailedTrials(db: Db, campaignId: number, n: number): TrialRow[] {
  return (
    sql(
      db,
      `SELECT * FROM trials WHERE campaign_id = ? AND state IN ('FAILED', 'TIMEOUT')
         ORDER BY trial_index DESC LIMIT ?`,
    ).all(campaignId, n) as TrialRow[]
  ).reverse();
}

/** Proposal times: sum and count per generation node, and the last trial's. */
export function generationTimes(
  db: Db,
  campaignId: number,
): { byNode: { node: string; sum: number; n: number }[]; last: number | null } {
  const byNode = sql(
    db,
    `SELECT generation_node AS node, SUM(generation_ms) AS sum, COUNT(generation_ms) AS n
       FROM trials WHERE campaign_id = ? AND generation_ms IS NOT NULL GROUP BY generation_node`,
  ).all(campaignId) as { node: string; sum: number; n: number }[];
  const last = sql(
    db,
    `SELECT generation_ms AS ms FROM trials WHERE campaign_id = ? AND generation_ms IS NOT NULL
       ORDER BY trial_index DESC LIMIT 1`,
  ).get(campaignId) as { ms: number } | undefined;
  return { byNode, last: last?.ms ?? null };
}

/** Number of trials per strategy node position and state. */
export function countByNodeAndState(
  db: Db,
  campaignId: number,
): { node: number; state: TrialState; n: number }[] {
  return sql(
    db,
    `SELECT node_position AS node, state, COUNT(*) AS n FROM trials WHERE campaign_id = ?
       GROUP BY node_position, state`,
  ).all(campaignId) as { node: number; state: TrialState; n: number }[];
}
