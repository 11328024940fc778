/** Search spaces and generator inputs shared by the generator tests. */
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

export function range(
  name: string,
  low: number,
  high: number,
  valueType: "int" | "float" = "float",
  log = false,
): Parameter {
  return { kind: "range", name, valueType, low, high, log };
}

export function choice(name: string, values: (string | number)[], ordered = false): Parameter {
  const valueType = values.some((v) => typeof v === "string")
    ? "string"
    : values.every((v) => Number.isInteger(v))
      ? "int"
      : "float";
  return { kind: "choice", name, valueType, values, ordered };
}

export function fixed(name: string, value: string | number): Parameter {
  return {
    kind: "fixed",
    name,
    valueType: typeof value === "string" ? "string" : Number.isInteger(value) ? "int" : "float",
    value,
  };
}

/** Every parameter type: float, log float, int, log int, string choice, number choice, fixed. */
export const MIXED: Parameter[] = [
  range("x", 0, 1),
  range("lr", 1e-5, 1e-1, "float", true),
  range("layers", 1, 8, "int"),
  range("batch", 16, 1024, "int", true),
  choice("act", ["relu", "tanh", "gelu"]),
  choice("width", [32, 64, 128], true),
  fixed("epochs", 10),
];

export interface History {
  readonly seed?: number;
  readonly proposedByNode?: number;
  readonly completed?: readonly Point[];
  readonly failed?: readonly Point[];
  readonly pending?: readonly Point[];
}

export function makeInput(
  parameters: readonly Parameter[],
  constraints: readonly string[] = [],
  history: History = {},
): GeneratorInput {
  const space = new SearchSpace(parameters);
  const completed: Observation[] = (history.completed ?? []).map((point) => ({
    point,
    values: { y: 0 },
    sems: { y: null },
  }));
  return {
    space,
    constraints: new ConstraintSet(constraints, space),
    objectives: [{ name: "y", goal: "min" }],
    completed,
    failed: history.failed ?? [],
    pending: history.pending ?? [],
    seed: history.seed ?? 1,
    proposedByNode: history.proposedByNode ?? 0,
    campaignDir: "/nonexistent",
  };
}
