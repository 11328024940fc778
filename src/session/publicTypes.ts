import type { ShownValue } from "../space/shownParameters.js";
import type { TrialState } from "../store/rowTypes.js";

/**
 * A parameter set: every parameter of the campaign in spec order, name to value (numbers for
 * ranges, the value for choices); a conditional parameter that is inactive at the point is
 * null (its `active_if` does not hold there, so the program does not get it).
 */
export type Parameters = Readonly<Record<string, ShownValue>>;

/** A trial handed out by ask(): evaluate `parameters`, then tell(index, ...) or fail(index). */
export interface AskedTrial {
  readonly index: number;
  readonly parameters: Parameters;
  /** The strategy node that proposed it (SOBOL, BOTORCH_MODULAR, TPE, ...); PROMOTED for a promotion. */
  readonly generationNode: string;
  /**
   * Campaigns with budgets (successive halving): the budget to evaluate the trial at (epochs,
   * iterations, data...); tell() records its result at that budget. Absent without budgets.
   */
  readonly budget?: number;
}

/**
 * What an evaluation measured: a mean for every objective (extra metrics may come along) and,
 * where known, the standard error of the mean of each.
 */
export interface TrialResults {
  readonly values: Readonly<Record<string, number>>;
  readonly sems?: Readonly<Record<string, number>>;
}

/** One trial as stored (the fields of a results.csv row that a program needs). */
export interface TrialRecord {
  readonly index: number;
  readonly state: TrialState;
  readonly parameters: Parameters;
  readonly values: Readonly<Record<string, number>>;
  readonly sems: Readonly<Record<string, number>>;
  readonly generationNode: string;
  readonly generator: string;
  readonly reason: string | null;
  /** Campaigns with budgets: the budget the trial ran at, and its bracket and rung (0 = bottom). */
  readonly budget?: { readonly budget: number; readonly bracket: number; readonly rung: number };
}

/** best(): the best observed trial, and the model's prediction where a GP is fitted. */
export interface BestTrial {
  readonly trial: TrialRecord;
  /** The fitted model's predicted mean at the best point (null without a fitted model). */
  readonly predicted: Readonly<Record<string, number>> | null;
}

/** maxParallelism(): like Ax, per strategy node: (trials of the node, trials at once). */
export interface NodeParallelism {
  readonly node: string;
  /** Trials with data the node produces before the next takes over; null = until the end. */
  readonly trials: number | null;
  readonly maxParallelism: number;
}
