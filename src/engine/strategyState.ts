import type { StrategyNode } from "../spec/campaign.js";
import { givesData, isActiveTrial, type TrialRow, type TrialState } from "../store/rowTypes.js";

export interface NodeChoice {
  position: number;
  node: StrategyNode;
  /** Points this node proposed before (any state): sequence generators continue from here. */
  proposedByNode: number;
}

/** What the free slots get now: `count` points from `choice`, or nothing and why. */
export interface ProposalPlan {
  choice: NodeChoice;
  count: number;
  /** Why slots stay free (a node waits for data or its max_parallelism), for status and the progress line. */
  waiting: string | null;
}

export interface NodeCounts {
  /** Trials it generated that count (not FAILED, TIMEOUT or CANCELLED: Ax's not_in_statuses). */
  generated: number;
  withData: number;
  pending: number;
  /** Every trial it proposed, any state. */
  proposed: number;
}

const NOT_COUNTED: ReadonlySet<TrialState> = new Set(["FAILED", "TIMEOUT", "CANCELLED"]);

function countByNode(strategy: readonly StrategyNode[], trials: readonly TrialRow[]): NodeCounts[] {
  const counts = strategy.map(() => ({ generated: 0, withData: 0, pending: 0, proposed: 0 }));
  for (const t of trials) {
    // Attached and imported trials belong to no node (see outsideData).
    if (t.node_position < 0) continue;
    // A trial of a node a resumed campaign's changed strategy no longer has counts for the last.
    const c = counts[Math.min(t.node_position, counts.length - 1)]!;
    c.proposed++;
    if (!NOT_COUNTED.has(t.state)) c.generated++;
    if (givesData(t.state)) c.withData++;
    if (isActiveTrial(t.state)) c.pending++;
  }
  return counts;
}

/**
 * Results of trials no node generated (attached by the user, brought in from earlier runs):
 * they count as observed data for min_trials_observed, and towards no node's count.
 */
function outsideData(trials: readonly TrialRow[]): number {
  let n = 0;
  for (const t of trials) if (t.node_position < 0 && givesData(t.state)) n++;
  return n;
}

/** Whether every transition criterion of the node holds (a node without any never hands over). */
function handsOver(node: StrategyNode, c: NodeCounts, singleObjective: boolean): boolean {
  if (node.skipIfSingleObjective && singleObjective) return true;
  if (node.trials === null && node.trialsWithData === null && !node.autoTransition) return false;
  return (
    (node.trials === null || c.generated >= node.trials) &&
    (node.trialsWithData === null || c.withData >= node.trialsWithData) &&
    (!node.autoTransition || c.proposed > 0)
  );
}

/**
 * Which node proposes for `free` slots and how many points, with Ax's semantics: a node's
 * `trials` counts the trials it generated (failed and cancelled ones do not count); the next
 * node waits until `min_trials_observed` of the earlier nodes' trials have results, and while it
 * waits free slots stay free unless it says `fill: true` or the node before says
 * `enforce: false` (then they get the earlier node's points); `max_parallelism` caps a node's
 * pending trials. When nothing is pending, waiting could never end: the earlier node fills.
 */
export function planProposal(
  strategy: readonly StrategyNode[],
  trials: readonly TrialRow[],
  free: number,
  singleObjective: boolean,
): ProposalPlan {
  return planFromCounts(
    strategy,
    countByNode(strategy, trials),
    free,
    singleObjective,
    outsideData(trials),
  );
}

/**
 * planProposal from per-node counts kept as trials change (a runner's TrialCache);
 * `outsideWithData` counts completed trials no node generated (attached or imported).
 */
export function planFromCounts(
  strategy: readonly StrategyNode[],
  counts: readonly NodeCounts[],
  free: number,
  singleObjective: boolean,
  outsideWithData = 0,
): ProposalPlan {
  let position = 0;
  let previous = -1;
  // Transitions go forward only (as Ax's): once a later node has proposed, an earlier one whose
  // count drops again (a trial of it failed) does not take over again.
  const latestStarted = counts.reduce((at, c, i) => (c.proposed > 0 ? i : at), -1);
  while (position < strategy.length - 1) {
    const node = strategy[position]!;
    if (position >= latestStarted && !handsOver(node, counts[position]!, singleObjective)) break;
    if (!(node.skipIfSingleObjective && singleObjective)) previous = position;
    position++;
  }
  const choice = (p: number): NodeChoice => ({
    position: p,
    node: strategy[p]!,
    proposedByNode: counts[p]!.proposed,
  });
  const node = strategy[position]!;
  const observed = counts.slice(0, position).reduce((a, c) => a + c.withData, 0) + outsideWithData;
  const anyPending = counts.some((c) => c.pending > 0);
  if (observed < node.minTrialsObserved && previous >= 0) {
    const before = strategy[previous]!;
    const why = `${node.label} waits for ${node.minTrialsObserved - observed} more result(s) of earlier trials (min_trials_observed ${node.minTrialsObserved})`;
    if (!node.fill && before.enforce && anyPending)
      return { choice: choice(position), count: 0, waiting: why };
    return capped(choice(previous), counts[previous]!, free, null);
  }
  const c = counts[position]!;
  if (node.trials !== null && node.enforce && c.generated >= node.trials) {
    // Generated its count, but a with-data criterion still holds it: wait for its results.
    const why = `${node.label} generated its ${node.trials} trials and waits for their results`;
    if (anyPending) return { choice: choice(position), count: 0, waiting: why };
    return capped(choice(position), c, free, null);
  }
  const limit = node.trials !== null && node.enforce ? node.trials - c.generated : free;
  return capped(choice(position), c, Math.min(free, limit), null);
}

function capped(
  choice: NodeChoice,
  c: NodeCounts,
  n: number,
  waiting: string | null,
): ProposalPlan {
  const max = choice.node.maxParallelism;
  if (max === null || c.pending + n <= max) return { choice, count: n, waiting };
  const count = Math.max(0, max - c.pending);
  return {
    choice,
    count,
    waiting:
      count === 0
        ? `${choice.node.label} has ${c.pending} trials pending, its max_parallelism`
        : waiting,
  };
}

/** The node that proposes next (as planProposal for one free slot). */
export function currentNode(
  strategy: readonly StrategyNode[],
  trials: readonly TrialRow[],
  singleObjective = true,
): NodeChoice {
  return planProposal(strategy, trials, 1, singleObjective).choice;
}
