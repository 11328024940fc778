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
   * The generator that really made a point this one returned, when it is not this one (the
   * external generator hands what it could not propose to Sobol); undefined: this one.
   */
  sourceOf?(point: Point): string | undefined;
}
