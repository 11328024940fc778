/** A conditional search space shared by the conditional-space tests. */
import type { Parameter } from "../../../src/space/parameters.js";
import { choice, range } from "../generators/generatorInputs.js";

/** optimizer -> (sgd: momentum, nesterov) ; layers -> units_3 when layers >= 3. */
export const TREE: Parameter[] = [
  choice("optimizer", ["sgd", "adam", "rmsprop"]),
  { ...range("lr", 1e-4, 1e-1, "float", true) },
  { ...range("momentum", 0, 0.99), activeIf: "optimizer == 'sgd'" },
  { ...choice("nesterov", ["yes", "no"]), activeIf: "momentum > 0.5" },
  range("layers", 1, 4, "int"),
  { ...range("units_3", 8, 64, "int"), activeIf: "layers >= 3" },
];
