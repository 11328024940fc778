import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { createRng } from "../../../src/generators/rng.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

const x: Parameter = { kind: "range", name: "x", valueType: "float", low: 0, high: 10, log: false };
const y: Parameter = { kind: "range", name: "y", valueType: "float", low: -5, high: 5, log: false };
const n: Parameter = { kind: "range", name: "n", valueType: "int", low: 0, high: 10, log: false };
const m: Parameter = { kind: "range", name: "m", valueType: "int", low: -3, high: 4, log: false };
const lr: Parameter = {
  kind: "range",
  name: "lr",
  valueType: "float",
  low: 1e-4,
  high: 1,
  log: true,
};
const opt: Parameter = {
  kind: "choice",
  name: "opt",
  valueType: "string",
  values: ["adam", "sgd"],
  ordered: false,
};
const c3: Parameter = { kind: "fixed", name: "c", valueType: "int", value: 3 };
const tag: Parameter = { kind: "fixed", name: "tag", valueType: "string", value: "v1" };

function set(texts: string[], params: Parameter[]): ConstraintSet {
  return new ConstraintSet(texts, new SearchSpace(params));
}

function constraintError(texts: string[], params: Parameter[]): InputError {
  try {
    set(texts, params);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe("CONSTRAINT_INVALID");
    return e as InputError;
  }
  throw new Error("the constraints were accepted");
}

describe("ConstraintSet: checks constraints against the space", () => {
  it("refuses an unknown name, naming the constraint and the known parameters", () => {
    const e = constraintError(["x + z <= 1"], [x, y]);
    expect(e.message).toBe(
      'constraint "x + z <= 1": unknown parameter "z"; known parameters: x, y',
    );
  });

  it("refuses a choice parameter in a constraint", () => {
    const e = constraintError(["opt >= 1"], [x, opt]);
    expect(e.message).toMatch(
      /constraint "opt >= 1": "opt" is a choice parameter; constraints may only use range/,
    );
  });

  it("refuses a fixed parameter that is not a number", () => {
    expect(constraintError(["x >= tag"], [x, tag]).message).toMatch(
      /constraint "x >= tag": fixed parameter "tag" is not a number/,
    );
  });

  it("passes grammar errors through with the constraint's text", () => {
    expect(constraintError(["x < 1"], [x]).message).toMatch(/constraint "x < 1": strict "<"/);
  });

  it("is empty without constraints", () => {
    const s = set([], [x]);
    expect(s.isEmpty).toBe(true);
    expect(s.violations({ x: 1 })).toEqual([]);
    expect(s.unitCubeFeasible([0.3])).toBe(true);
  });
});

describe("ConstraintSet: linear forms", () => {
  it("turns <= and >= into sum(coeffs * value) <= rhs", () => {
    const s = set(["x + 2*y <= 10", "2*x - y >= 3.5", "x >= y"], [x, y]);
    expect(s.linear.map((l) => [l.text, Object.fromEntries(l.coeffs), l.rhs])).toEqual([
      ["x + 2*y <= 10", { x: 1, y: 2 }, 10],
      ["2*x - y >= 3.5", { x: -2, y: 1 }, -3.5],
      ["x >= y", { x: -1, y: 1 }, 0],
    ]);
  });

  it("moves a numeric fixed parameter into the right-hand side", () => {
    const s = set(["x + c <= 5"], [x, c3]);
    expect(Object.fromEntries(s.linear[0]!.coeffs)).toEqual({ x: 1 });
    expect(s.linear[0]!.rhs).toBe(2);
  });

  it("gives generators no row for == / != / non-linear / constant-only constraints, but checks them", () => {
    const s = set(
      ["a*b != 4", "a == b", "c >= 1", "a / b <= 2"],
      [{ ...n, name: "a" }, { ...n, name: "b", low: 1 }, c3],
    );
    expect(s.linear).toEqual([]);
    expect(s.unitCube).toEqual([]);
    expect(s.all).toHaveLength(4);
    expect(s.violations({ a: 2, b: 2, c: 3 })).toEqual(["a*b != 4"]);
    expect(s.violations({ a: 8, b: 2, c: 3 })).toEqual(["a == b", "a / b <= 2"]);
    expect(s.isSatisfied({ a: 1, b: 2, c: 3 })).toBe(false);
    expect(s.isSatisfied({ a: 3, b: 3, c: 3 })).toBe(true);
  });

  it("keeps a linear row but no unit-cube row for log-scale parameters", () => {
    const s = set(["lr + x <= 2"], [lr, x]);
    expect(s.linear).toHaveLength(1);
    expect(s.unitCube).toEqual([]);
    expect(s.violations({ lr: 0.5, x: 1.6 })).toEqual(["lr + x <= 2"]);
  });

  it("a division by zero (or any non-finite side) makes the point infeasible, for every operator", () => {
    const k: Parameter = { ...x, name: "k", low: 0, high: 3 };
    const s = set(["x / k <= 0.1", "x / k >= 0.1", "x / k != 5"], [x, k]);
    expect(s.violations({ x: 0.05, k: 0 })).toEqual(["x / k <= 0.1", "x / k >= 0.1", "x / k != 5"]);
    expect(s.isSatisfied({ x: 0.05, k: 0 })).toBe(false);
    expect(s.violations({ x: 0, k: 0 })).toContain("x / k <= 0.1"); // 0/0 is NaN
    // An overflow to Infinity on both sides: Infinity <= Infinity + tol would hold.
    const big = set(["1e308 * x * x <= 1e308 * x * x - 1"], [x, k]);
    expect(big.isSatisfied({ x: 10, k: 1 })).toBe(false);
    expect(set(["x / k <= 0.1"], [x, k]).isSatisfied({ x: 0.2, k: 2 })).toBe(true);
  });

  it("allows a relative tolerance at the boundary (0.1 + 0.2 <= 0.3 holds)", () => {
    const s = set(["x + y <= 0.3", "x + y >= 0.3", "0.1 * n + 0.2 * m == 0.3"], [x, y, n, m]);
    expect(s.violations({ x: 0.1, y: 0.2, n: 1, m: 1 })).toEqual([]);
    expect(s.violations({ x: 0.1, y: 0.2001, n: 1, m: 2 })).toEqual([
      "x + y <= 0.3",
      "0.1 * n + 0.2 * m == 0.3",
    ]);
  });

  it("refuses == on a continuous parameter, saying to substitute a variable", () => {
    const e = constraintError(["x + y == 1"], [x, y]);
    expect(e.message).toContain('"==" on the continuous parameters "x", "y"');
    expect(e.message).toContain('remove "y" from the parameters and compute it in the program');
    expect(constraintError(["2 * x == n"], [x, n]).message).toContain(
      'continuous parameter "x" holds',
    );
    // integers alone can meet an equality
    expect(set(["n == m + 1"], [n, m]).isSatisfied({ n: 3, m: 2 })).toBe(true);
  });
});

describe("ConstraintSet: unit-cube rows agree with the value-space constraints", () => {
  const texts = ["x + 2*y <= 6", "2*x - y >= 3.5", "x >= y"];

  it("writes the row of x + 2*y <= 6 over x in [0, 10], y in [-5, 5]", () => {
    const row = set(["x + 2*y <= 6"], [x, y]).unitCube[0]!;
    // x = 10 u0, y = -5 + 10 u1: 10 u0 + 20 u1 - 10 <= 6
    expect([...row.a]).toEqual([10, 20]);
    expect(row.b).toBe(16);
  });

  it("a unit-cube point satisfying the rows decodes to a point satisfying the constraints (floats)", () => {
    const s = set(texts, [x, y]);
    const space = new SearchSpace([x, y]);
    const rng = createRng(7);
    let feasible = 0;
    let infeasible = 0;
    for (let i = 0; i < 5000; i++) {
      const u = rng.uniformVector(2);
      const point = space.decode(u);
      if (s.unitCubeFeasible(u)) {
        feasible++;
        expect(s.violations(point)).toEqual([]);
      } else {
        infeasible++;
        expect(s.isSatisfied(point)).toBe(false);
      }
    }
    // both sides were exercised
    expect(feasible).toBeGreaterThan(100);
    expect(infeasible).toBeGreaterThan(100);
  });

  it("the row skips fixed and choice dimensions and orders coefficients like space.dimensions", () => {
    const space = new SearchSpace([c3, opt, y, x]);
    const row = new ConstraintSet(["x - y + c <= 4"], space).unitCube[0]!;
    // dimensions: opt (0), y (1), x (2); x - y <= 1 with x = 10 u2, y = -5 + 10 u1
    expect([...row.a]).toEqual([0, -10, 10]);
    expect(row.b).toBe(-4);
  });

  it("the encoding of every valid integer point that satisfies the constraint satisfies its row", () => {
    const cs = set(["n <= 2", "n + m >= 3", "2*n - m <= 7"], [n, m]);
    const space = new SearchSpace([n, m]);
    let satisfied = 0;
    for (let a = n.low; a <= n.high; a++) {
      for (let b = m.low; b <= m.high; b++) {
        const p: Point = { n: a, m: b };
        const u = space.encode(p);
        for (let k = 0; k < cs.all.length; k++) {
          const ok = set([cs.all[k]!.text], [n, m]);
          if (ok.isSatisfied(p)) {
            satisfied++;
            expect(ok.unitCubeFeasible(u, 1e-9), `${cs.all[k]!.text} at n=${a}, m=${b}`).toBe(true);
          } else {
            expect(ok.unitCubeFeasible(u, 1e-9), `${cs.all[k]!.text} at n=${a}, m=${b}`).toBe(
              false,
            );
          }
        }
      }
    }
    expect(satisfied).toBeGreaterThan(50);
  });

  it("a snapped integer at the boundary stays feasible (n = 2 for n <= 2)", () => {
    const cs = set(["n <= 2"], [n]);
    const space = new SearchSpace([n]);
    const u = space.snap([0.2]);
    expect(space.decode(u)).toEqual({ n: 2 });
    expect(cs.unitCubeFeasible(u, 1e-9)).toBe(true);
    expect(cs.unitCubeFeasible(space.encode({ n: 3 }), 1e-9)).toBe(false);
  });

  it("applies the slack of unitCubeFeasible", () => {
    const cs = set(["x <= 5"], [x]);
    expect(cs.unitCubeFeasible([0.5])).toBe(true);
    expect(cs.unitCubeFeasible([0.5001])).toBe(false);
    expect(cs.unitCubeFeasible([0.5001], 0.01)).toBe(true);
  });
});
