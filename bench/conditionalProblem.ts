/**
 * The conditional benchmark problem of bench:optimizers: a choice of three "optimizers", each
 * with its own 2-3 parameters (active only under that choice), and a weight decay shared by
 * all. The branches are known functions of their parameters' positions in their ranges:
 * Branin for adam (minimum 0, three optima), a curved Rosenbrock valley for sgd (floor 0.3),
 * Hartmann3 for rmsprop (floor 0.15); weight decay adds a small bowl. The minimum is 0. The same problem is also given flattened: every
 * parameter always active (the evaluation ignores the other branches' values), which is what
 * an optimizer without conditions has to search.
 */
import type { Parameter, Point } from "../src/space/parameters.js";
import type { TestProblem } from "./testFunctions.js";

function range(
  name: string,
  low: number,
  high: number,
  log: boolean,
  activeIf?: string,
): Parameter {
  return {
    kind: "range",
    name,
    valueType: "float",
    low,
    high,
    log,
    ...(activeIf !== undefined ? { activeIf } : {}),
  };
}

function num(p: Point, name: string): number {
  const v = p[name];
  if (typeof v !== "number")
    throw new Error(`parameter ${name} is not a number (branch ${String(p.opt)})`);
  return v;
}

const lg = Math.log10;

/** A parameter's position in its range, in [0, 1] (on the log scale for log ranges). */
function unit(p: Point, name: string, low: number, high: number, log = false): number {
  const v = num(p, name);
  return log ? (lg(v) - lg(low)) / (lg(high) - lg(low)) : (v - low) / (high - low);
}

/** Branin on [0,1]^2, shifted to minimum 0 and scaled by 1/10. */
function branin01(a: number, b: number): number {
  const x = 15 * a - 5;
  const y = 15 * b;
  const t = y - (5.1 / (4 * Math.PI ** 2)) * x * x + (5 / Math.PI) * x - 6;
  return (t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10 - 0.397887) / 10;
}

const H3_A = [
  [3, 10, 30],
  [0.1, 10, 35],
  [3, 10, 30],
  [0.1, 10, 35],
];
const H3_P = [
  [0.3689, 0.117, 0.2673],
  [0.4699, 0.4387, 0.747],
  [0.1091, 0.8732, 0.5547],
  [0.03815, 0.5743, 0.8828],
];
const H3_C = [1, 1.2, 3, 3.2];

/** Hartmann3 on [0,1]^3, shifted to minimum 0 (its minimum is -3.86278). */
function hartmann3(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 3; j++) e += H3_A[i]![j]! * (x[j]! - H3_P[i]![j]!) ** 2;
    s += H3_C[i]! * Math.exp(-e);
  }
  return 3.86278 - s;
}

/** A curved Rosenbrock valley on [0,1]^2, minimum 0 at (0.75, 0.5625). */
function valley(a: number, b: number): number {
  const x = 4 * a - 2;
  const y = 4 * b - 2;
  return (0.5 * (1 - x) ** 2 + 5 * (y - x * x) ** 2) / 10;
}

function evaluate(p: Point): number {
  const wd = 0.05 * (unit(p, "weight_decay", 1e-6, 1e-1, true) - 0.4) ** 2;
  switch (p.opt) {
    case "sgd":
      return 0.3 + valley(unit(p, "sgd_lr", 1e-4, 1, true), unit(p, "momentum", 0, 0.99)) + wd;
    case "adam":
      return branin01(unit(p, "adam_lr", 1e-5, 1e-1, true), unit(p, "beta1", 0.5, 0.999)) + wd;
    case "rmsprop":
      return (
        0.15 +
        hartmann3([
          unit(p, "rms_lr", 1e-5, 1e-1, true),
          unit(p, "rho", 0.5, 0.99),
          unit(p, "eps", 1e-10, 1e-4, true),
        ]) /
          4 +
        wd
      );
    default:
      throw new Error(`unknown optimizer ${String(p.opt)}`);
  }
}

function parameters(conditional: boolean): Parameter[] {
  const when = (opt: string): string | undefined => (conditional ? `opt == '${opt}'` : undefined);
  return [
    {
      kind: "choice",
      name: "opt",
      valueType: "string",
      values: ["sgd", "adam", "rmsprop"],
      ordered: false,
    },
    range("weight_decay", 1e-6, 1e-1, true),
    range("sgd_lr", 1e-4, 1, true, when("sgd")),
    range("momentum", 0, 0.99, false, when("sgd")),
    range("adam_lr", 1e-5, 1e-1, true, when("adam")),
    range("beta1", 0.5, 0.999, false, when("adam")),
    range("rms_lr", 1e-5, 1e-1, true, when("rmsprop")),
    range("rho", 0.5, 0.99, false, when("rmsprop")),
    range("eps", 1e-10, 1e-4, true, when("rmsprop")),
  ];
}

export const CONDITIONAL_PROBLEMS: readonly TestProblem[] = [
  {
    name: "Conditional (3 optimizers, 2-3 params each)",
    parameters: parameters(true),
    optimum: 0,
    evaluate,
  },
  {
    name: "Conditional, flattened (all 9 always active)",
    parameters: parameters(false),
    optimum: 0,
    evaluate,
  },
];
