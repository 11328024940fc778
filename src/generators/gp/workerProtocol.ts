/**
 * The messages between the GP generator and its worker thread: plain, structured-clonable
 * data (the search space and constraints travel as their definitions and are rebuilt there).
 */
import type { OutcomeConstraint } from "../../evaluate/outcomeConstraints.js";
import type { GeneratorInput, Objective, Observation } from "../generator.js";
import type { Parameter, Point } from "../../space/parameters.js";
import { ConstraintSet } from "../../space/constraints.js";
import { SearchSpace } from "../../space/searchSpace.js";
import type { GpOptions } from "./gpPropose.js";

export interface GpRequest {
  readonly id: number;
  readonly parameters: readonly Parameter[];
  readonly constraints: readonly string[];
  readonly forbidden: readonly string[];
  readonly objectives: readonly Objective[];
  readonly outcomeConstraints: readonly OutcomeConstraint[];
  readonly completed: readonly Observation[];
  readonly failed: readonly Point[];
  readonly pending: readonly Point[];
  readonly seed: number;
  readonly proposedByNode: number;
  readonly campaignDir: string;
  readonly count: number;
  readonly options: GpOptions;
}

export type GpResponse =
  | { readonly id: number; readonly ok: true; readonly points: Point[] }
  | {
      readonly id: number;
      readonly ok: false;
      readonly message: string;
      readonly code: string | null;
    };

export function toRequest(
  id: number,
  input: GeneratorInput,
  count: number,
  options: GpOptions,
): GpRequest {
  return {
    id,
    parameters: input.space.parameters,
    constraints: input.constraints.all.map((c) => c.text),
    forbidden: input.constraints.forbidden.map((f) => f.text),
    objectives: input.objectives,
    outcomeConstraints: input.outcomeConstraints ?? [],
    completed: input.completed,
    failed: input.failed,
    pending: input.pending,
    seed: input.seed,
    proposedByNode: input.proposedByNode,
    campaignDir: input.campaignDir,
    count,
    options,
  };
}

export function fromRequest(r: GpRequest): GeneratorInput {
  const space = new SearchSpace(r.parameters);
  return {
    space,
    constraints: new ConstraintSet(r.constraints, space, r.forbidden),
    objectives: r.objectives,
    outcomeConstraints: r.outcomeConstraints,
    completed: r.completed,
    failed: r.failed,
    pending: r.pending,
    seed: r.seed,
    proposedByNode: r.proposedByNode,
    campaignDir: r.campaignDir,
  };
}
