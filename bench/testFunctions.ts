/**
 * Standard test functions for the optimizer benchmark, as search spaces with an objective to
 * minimize and its known optimum value (simple regret = best found - optimum).
 */
import type { Parameter, Point } from "../src/space/parameters.js";

export interface TestProblem {
  readonly name: string;
  readonly parameters: readonly Parameter[];
  readonly optimum: number;
  readonly evaluate: (p: Point) => number;
}

function range(name: string, low: number, high: number, log = false): Parameter {
  return { kind: "range", name, valueType: "float", low, high, log };
}

function num(p: Point, name: string): number {
  const v = p[name];
  if (typeof v !== "number") throw new Error(`parameter ${name} is not a number`);
  return v;
}

function vec(p: Point, d: number): number[] {
  return Array.from({ length: d }, (_, i) => num(p, `x${i + 1}`));
}

const branin: TestProblem = {
  name: "Branin (2-d)",
  parameters: [range("x1", -5, 10), range("x2", 0, 15)],
  optimum: 0.397887357729739,
  evaluate: (p) => {
    const x1 = num(p, "x1");
    const x2 = num(p, "x2");
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

const hartmann6: TestProblem = {
  name: "Hartmann6 (6-d)",
  parameters: Array.from({ length: 6 }, (_, i) => range(`x${i + 1}`, 0, 1)),
  optimum: -3.32236801141551,
  evaluate: (p) => {
    const x = vec(p, 6);
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H_A[i]![j]! * (x[j]! - H_P[i]![j]! * 1e-4) ** 2;
      s -= H_ALPHA[i]! * Math.exp(-inner);
    }
    return s;
  },
};

const rosenbrock4: TestProblem = {
  name: "Rosenbrock (4-d)",
  parameters: Array.from({ length: 4 }, (_, i) => range(`x${i + 1}`, -5, 10)),
  optimum: 0,
  evaluate: (p) => {
    const x = vec(p, 4);
    let s = 0;
    for (let i = 0; i < 3; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return s;
  },
};

const levy4: TestProblem = {
  name: "Levy (4-d)",
  parameters: Array.from({ length: 4 }, (_, i) => range(`x${i + 1}`, -10, 10)),
  optimum: 0,
  evaluate: (p) => {
    const w = vec(p, 4).map((v) => 1 + (v - 1) / 4);
    const d = w.length;
    let s = Math.sin(Math.PI * w[0]!) ** 2;
    for (let i = 0; i < d - 1; i++)
      s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
    s += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
    return s;
  },
};

const ackley5: TestProblem = {
  name: "Ackley (5-d)",
  parameters: Array.from({ length: 5 }, (_, i) => range(`x${i + 1}`, -32.768, 32.768)),
  optimum: 0,
  evaluate: (p) => {
    const x = vec(p, 5);
    const d = x.length;
    let s1 = 0;
    let s2 = 0;
    for (const v of x) {
      s1 += v * v;
      s2 += Math.cos(2 * Math.PI * v);
    }
    return -20 * Math.exp(-0.2 * Math.sqrt(s1 / d)) - Math.exp(s2 / d) + 20 + Math.E;
  },
};

/**
 * A training-run-like mixed problem: a log-scale learning rate, two integers and an unordered
 * choice whose best learning rate differs per optimizer. Minimum 0 at lr = 10^-2.5, layers = 4,
 * units = 96, optimizer = "adam".
 */
const OPT_SHIFT: Record<string, { lr: number; offset: number }> = {
  adam: { lr: -2.5, offset: 0 },
  sgd: { lr: -1.2, offset: 0.4 },
  rmsprop: { lr: -3.2, offset: 0.15 },
  adagrad: { lr: -1.8, offset: 0.8 },
};

const mixed: TestProblem = {
  name: "Mixed (log float, 2 ints, choice)",
  parameters: [
    range("lr", 1e-5, 1, true),
    { kind: "range", name: "layers", valueType: "int", low: 1, high: 10, log: false },
    { kind: "range", name: "units", valueType: "int", low: 8, high: 512, log: true },
    {
      kind: "choice",
      name: "optimizer",
      valueType: "string",
      values: ["sgd", "adam", "rmsprop", "adagrad"],
      ordered: false,
    },
  ],
  optimum: 0,
  evaluate: (p) => {
    const o = OPT_SHIFT[String(p.optimizer)]!;
    const lr = Math.log10(num(p, "lr"));
    const layers = num(p, "layers");
    const units = Math.log2(num(p, "units"));
    const u = units - Math.log2(96);
    return (
      (lr - o.lr) ** 2 + 0.08 * (layers - 4) ** 2 + 0.3 * u * u + 0.1 * u * (lr - o.lr) + o.offset
    );
  },
};

/**
 * A configuration-like problem dominated by unordered choices: six five-way choices with
 * per-choice penalties (two of them interacting: they should agree), a float whose best value
 * depends on the first choice, and a log-scale float. Minimum 0 at c1 = "c", c2 = c3 = "b",
 * c4 = "e", c5 = "a", c6 = "d", x = 0.6, lr = 1e-2.
 */
const LEVELS = ["a", "b", "c", "d", "e"];
const PENALTY: readonly (readonly number[])[] = [
  [0.9, 0.6, 0, 0.4, 1.2],
  [0.5, 0, 0.7, 1.0, 0.3],
  [0.8, 0, 0.2, 0.6, 0.9],
  [1.1, 0.7, 0.5, 0.3, 0],
  [0, 0.4, 0.8, 0.6, 1.0],
  [0.6, 0.9, 0.3, 0, 0.5],
];
const BEST_X = [0.2, 0.4, 0.6, 0.8, 0.5];

const categorical: TestProblem = {
  name: "Categorical (6 choices, 2 floats)",
  parameters: [
    ...PENALTY.map((_, j): Parameter => ({
      kind: "choice",
      name: `c${j + 1}`,
      valueType: "string",
      values: LEVELS,
      ordered: false,
    })),
    range("x", 0, 1),
    range("lr", 1e-4, 1, true),
  ],
  optimum: 0,
  evaluate: (p) => {
    const level = (j: number): number => LEVELS.indexOf(String(p[`c${j + 1}`]));
    let s = 0;
    PENALTY.forEach((pen, j) => (s += pen[level(j)]!));
    if (level(1) !== level(2)) s += 0.3;
    s += 3 * (num(p, "x") - BEST_X[level(0)]!) ** 2;
    s += 0.5 * (Math.log10(num(p, "lr")) + 2) ** 2;
    return s;
  },
};

export const TEST_PROBLEMS: readonly TestProblem[] = [
  branin,
  hartmann6,
  rosenbrock4,
  levy4,
  ackley5,
  mixed,
  categorical,
];
