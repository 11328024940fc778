import type { Objective, Observation } from "../generators/generator.js";
import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { Db } from "../store/openStore.js";
import {
  givesData,
  isActiveTrial,
  isFailedTrial,
  zeroTrialCounts,
  type TrialRow,
  type TrialState,
} from "../store/rowTypes.js";
import { iterateTrialsChangedSince } from "../store/trialScans.js";
import type { NodeCounts } from "./strategyState.js";

export interface CachedTrial {
  row: TrialRow;
  point: Point;
  /** results_json and sems_json parsed (empty when the trial has none). */
  values: Readonly<Record<string, number>>;
  sems: Readonly<Record<string, number>>;
}

/** What a runner knows of its trials, kept up to date change by change (see TrialCache). */
export interface TrialView {
  /** Number of trials (any state). */
  readonly total: number;
  /** The highest trial index (-1 without trials). */
  readonly lastIndex: number;
  readonly counts: Readonly<Record<TrialState, number>>;
  /** Per strategy node position (a position past the strategy counts for its last node). */
  readonly nodes: readonly NodeCounts[];
  /** Trials no node generated (attached or imported, node_position < 0). */
  readonly outside: NodeCounts;
  /** How many counted trials (completed with values, failed, pending) lie at each point key. */
  readonly tried: ReadonlyMap<string, number>;
  /** Every trial's point key (any state): what a proposal must not repeat. */
  readonly keys: ReadonlySet<string>;
  /** Trials proposed, submitted or running, in trial order. */
  readonly pending: readonly CachedTrial[];
  /**
   * Completed trials with a value for every objective, and failed / timed-out trials, in trial
   * order: kept only when the cache keeps history (a model-based generator's training data).
   */
  readonly completed: readonly Observation[];
  /** The budget each entry of `completed` ran at (null without budgets), in the same order. */
  readonly completedBudgets: readonly (number | null)[];
  readonly failed: readonly Point[];
}

const NOT_GENERATED: ReadonlySet<TrialState> = new Set(["FAILED", "TIMEOUT", "CANCELLED"]);

/** The little a cache remembers of each trial to account for its next change. */
interface Slim {
  readonly index: number;
  readonly node: number;
  readonly key: string;
  state: TrialState;
  /** Counted in `tried` (completed with values, failed or pending). */
  tried: boolean;
  /**
   * Outside the search space (a trial of an earlier run, continued in a narrower space): kept
   * for reference, never data for the models or a node's count of results.
   */
  readonly reference: boolean;
  /** Its place in the history lists (kept history only). */
  history: "completed" | "failed" | null;
}

export interface TrialCacheOptions {
  readonly space: SearchSpace;
  readonly objectives: readonly Objective[];
  /** Number of strategy nodes (positions beyond count for the last one). */
  readonly nodes: number;
  /** Keep completed observations and failed points (false: a history-free strategy). */
  readonly keepHistory: boolean;
  /**
   * SMAC's crash_cost: a FAILED or TIMEOUT trial becomes an observation with these values
   * instead of a failed point (the stored trial is unchanged).
   */
  readonly crashCost?: Readonly<Record<string, number>> | undefined;
}

/**
 * The runner's view of its trials, refreshed from the store by revision: each refresh reads
 * only the rows that changed since the last one and updates counts, keys and lists by those
 * changes alone, so a proposal's cost and the memory held do not grow with the campaign: the
 * cache keeps the pending trials, a small record per trial (state, node, point key) and, only
 * for a strategy with a model-based generator, the completed observations and failed points.
 * The store stays the only truth.
 */
export class TrialCache {
  private readonly slim = new Map<number, Slim>();
  private readonly pendingById = new Map<number, CachedTrial>();
  private pendingList: CachedTrial[] | null = [];
  private readonly completedList: { index: number; obs: Observation; budget: number | null }[] = [];
  private readonly failedList: { index: number; point: Point }[] = [];
  private readonly counts = zeroTrialCounts();
  private readonly nodes: NodeCounts[];
  private readonly outside: NodeCounts = { generated: 0, withData: 0, pending: 0, proposed: 0 };
  private readonly tried = new Map<string, number>();
  private readonly keys = new Set<string>();
  private rev = -1;
  private lastIndex = -1;
  /** Rows read from the store by all refreshes so far (tests check it stays per change). */
  rowsRead = 0;

  constructor(
    private readonly db: Db,
    private readonly campaignId: number,
    private readonly options: TrialCacheOptions,
  ) {
    this.nodes = Array.from({ length: Math.max(1, options.nodes) }, () => ({
      generated: 0,
      withData: 0,
      pending: 0,
      proposed: 0,
    }));
  }

  /** Current as of now (do not modify what it returns). */
  refresh(): TrialView {
    // Streamed: the first refresh of a large campaign reads every row, one at a time.
    for (const row of iterateTrialsChangedSince(this.db, this.campaignId, this.rev)) {
      this.rowsRead++;
      this.apply(row);
      if (row.rev > this.rev) this.rev = row.rev;
    }
    return this.view();
  }

  private view(): TrialView {
    this.pendingList ??= [...this.pendingById.values()].sort(
      (a, b) => a.row.trial_index - b.row.trial_index,
    );
    return {
      total: this.slim.size,
      lastIndex: this.lastIndex,
      counts: this.counts,
      nodes: this.nodes,
      outside: this.outside,
      tried: this.tried,
      keys: this.keys,
      pending: this.pendingList,
      completed: this.completedList.map((c) => c.obs),
      completedBudgets: this.completedList.map((c) => c.budget),
      failed: this.failedList.map((f) => f.point),
    };
  }

  private apply(row: TrialRow): void {
    const old = this.slim.get(row.id);
    const pendingOld = this.pendingById.get(row.id);
    const point =
      pendingOld && pendingOld.row.params_json === row.params_json
        ? pendingOld.point
        : (JSON.parse(row.params_json) as Point);
    let s = old;
    if (!s) {
      s = {
        index: row.trial_index,
        // Attached and imported trials (node_position < 0) belong to no strategy node.
        node: row.node_position < 0 ? -1 : Math.min(row.node_position, this.nodes.length - 1),
        key: this.options.space.key(point),
        state: row.state,
        tried: false,
        history: null,
        reference: this.options.space.check(point) !== null,
      };
      this.slim.set(row.id, s);
      this.keys.add(s.key);
      this.countsOf(s).proposed++;
      if (row.trial_index > this.lastIndex) this.lastIndex = row.trial_index;
    } else {
      this.leave(s);
    }
    s.state = row.state;
    this.enter(s, row, point, pendingOld);
  }

  private countsOf(s: Slim): NodeCounts {
    return s.node < 0 ? this.outside : this.nodes[s.node]!;
  }

  /** Takes a trial's current state out of every tally. */
  private leave(s: Slim): void {
    this.counts[s.state]--;
    const n = this.countsOf(s);
    if (!NOT_GENERATED.has(s.state)) n.generated--;
    if (givesData(s.state) && !s.reference) n.withData--;
    if (isActiveTrial(s.state)) n.pending--;
    if (s.tried) {
      const c = (this.tried.get(s.key) ?? 1) - 1;
      if (c > 0) this.tried.set(s.key, c);
      else this.tried.delete(s.key);
      s.tried = false;
    }
    if (s.history !== null) {
      const list = s.history === "completed" ? this.completedList : this.failedList;
      const at = findIndex(list, s.index);
      if (at >= 0) list.splice(at, 1);
      s.history = null;
    }
  }

  /** Adds a trial's (new) state to every tally. */
  private enter(s: Slim, row: TrialRow, point: Point, pendingOld: CachedTrial | undefined): void {
    this.counts[s.state]++;
    const n = this.countsOf(s);
    if (!NOT_GENERATED.has(s.state)) n.generated++;
    if (givesData(s.state) && !s.reference) n.withData++;
    const pending = isActiveTrial(s.state);
    if (pending) n.pending++;
    const values = parseNumbers(row.results_json, pendingOld);
    const hasValues =
      givesData(s.state) &&
      row.results_json !== null &&
      this.options.objectives.every((o) => Number.isFinite(values[o.name]));
    const failed = isFailedTrial(s.state);
    if (s.reference) return;
    if (pending || hasValues || failed) {
      s.tried = true;
      this.tried.set(s.key, (this.tried.get(s.key) ?? 0) + 1);
    }
    if (pending) {
      const sems =
        row.sems_json === null ? NONE : (JSON.parse(row.sems_json) as Record<string, number>);
      this.pendingById.set(row.id, { row, point, values, sems });
      this.pendingList = null;
    } else if (pendingOld) {
      this.pendingById.delete(row.id);
      this.pendingList = null;
    }
    if (!this.options.keepHistory) return;
    const crash = this.options.crashCost;
    if (failed && crash !== undefined) {
      const values: Record<string, number> = {};
      const sems: Record<string, number | null> = {};
      for (const o of this.options.objectives) {
        values[o.name] = crash[o.name]!;
        sems[o.name] = null;
      }
      insertSorted(this.completedList, {
        index: s.index,
        obs: { point, values, sems },
        budget: row.budget,
      });
      s.history = "completed";
    } else if (hasValues) {
      const sems =
        row.sems_json === null ? NONE : (JSON.parse(row.sems_json) as Record<string, number>);
      const s2: Record<string, number | null> = {};
      for (const o of this.options.objectives) s2[o.name] = sems[o.name] ?? null;
      insertSorted(this.completedList, {
        index: s.index,
        obs: { point, values, sems: s2 },
        budget: row.budget,
      });
      s.history = "completed";
    } else if (failed) {
      insertSorted(this.failedList, { index: s.index, point });
      s.history = "failed";
    }
  }
}

const NONE: Readonly<Record<string, number>> = Object.freeze({});

function parseNumbers(
  json: string | null,
  old: CachedTrial | undefined,
): Readonly<Record<string, number>> {
  if (json === null) return NONE;
  if (old !== undefined && old.row.results_json === json) return old.values;
  return JSON.parse(json) as Record<string, number>;
}

/** Position of the entry with this trial index in a list sorted by index (-1: none). */
function findIndex(list: readonly { index: number }[], index: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!.index;
    if (v === index) return mid;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Inserts keeping trial order; trials mostly finish in order, so this is mostly a push. */
function insertSorted<T extends { index: number }>(list: T[], item: T): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.index > item.index) at--;
  list.splice(at, 0, item);
}

/** The view of a campaign without trials (a dry run's first batch). */
export const EMPTY_TRIAL_VIEW: TrialView = {
  total: 0,
  lastIndex: -1,
  counts: zeroTrialCounts(),
  nodes: [],
  outside: { generated: 0, withData: 0, pending: 0, proposed: 0 },
  tried: new Map(),
  keys: new Set(),
  pending: [],
  completed: [],
  completedBudgets: [],
  failed: [],
};
