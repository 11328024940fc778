import type { OutcomeConstraint } from "../evaluate/outcomeConstraints.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";

export interface Objective {
  readonly name: string;
  readonly goal: "min" | "max";
}

/** A trial with data: its point, its objective values and their standard errors (null: unknown). */
export interface Observation {
  readonly point: Point;
  readonly values: Readonly<Record<string, number>>;
  readonly sems: Readonly<Record<string, number | null>>;
}

export interface GeneratorInput {
  readonly space: SearchSpace;
  readonly constraints: ConstraintSet;
  readonly objectives: readonly Objective[];
  /** Constraints on printed metrics (their values are in each observation's values). */
  readonly outcomeConstraints?: readonly OutcomeConstraint[];
  /** Trials with data (COMPLETED), in trial order. */
  readonly completed: readonly Observation[];
  /** Trials that failed (crashed, timed out, out of memory): regions to keep away from. */
  readonly failed: readonly Point[];
  /** Trials proposed or running, without data yet: parallel slots must get other points. */
  readonly pending: readonly Point[];
  /** The campaign seed. */
  readonly seed: number;
  /**
   * How many points this generation node has proposed before in this campaign. Sequence
   * generators (Sobol) continue from here, so a resumed campaign continues the same sequence.
   */
  readonly proposedByNode: number;
  /** The campaign directory (external generators create their work folders below it). */
  readonly campaignDir: string;
  readonly signal?: AbortSignal;
  /**
   * How many completed, failed and pending trials lie at each point (by space.key), when the
   * caller keeps that count as trials come (a large campaign's runner does): generators read
   * it instead of walking the history, and it stays right when `completed` and `failed` are
   * left empty for a generator that does not need them (see Generator.historyFree).
   */
  readonly triedCounts?: ReadonlyMap<string, number>;
}

/**
 * Proposes points. Generators are stateless between calls: everything they need is in the
 * input (so the same seed and history give the same points, and resumes need no saved state).
 * Every returned point must be valid for the space and satisfy the constraints; the caller
 * checks again and refuses invalid ones.
 */
export interface Generator {
  readonly name: string;
  propose(input: GeneratorInput, n: number): Promise<Point[]>;
  /**
   * True when the generator needs only proposedByNode, pending and triedCounts: the caller may
   * then pass `completed` and `failed` empty (given triedCounts), so a campaign of any length
   * keeps no trial history in memory for it (sobol, random, grid).
   */
  readonly historyFree?: boolean;
  /**
   * The generator that really made a point this one returned, when it is not this one (the
   * external generator hands what it could not propose to Sobol); undefined: this one.
   */
  sourceOf?(point: Point): string | undefined;
}
