import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { checkConstraintsFeasible } from "../../../src/space/constraintFeasibility.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

const float = (name: string, low: number, high: number, log = false): Parameter => ({
  kind: "range",
  name,
  valueType: "float",
  low,
  high,
  log,
});
const int = (name: string, low: number, high: number): Parameter => ({
  kind: "range",
  name,
  valueType: "int",
  low,
  high,
  log: false,
});

function check(texts: string[], params: Parameter[]): void {
  const space = new SearchSpace(params);
  checkConstraintsFeasible(new ConstraintSet(texts, space).all, space);
}

function refusal(texts: string[], params: Parameter[]): string {
  try {
    check(texts, params);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe("CONSTRAINT_INVALID");
    return (e as InputError).message;
  }
  throw new Error("the constraints were accepted");
}

describe("checkConstraintsFeasible: an exact LP over the bounds", () => {
  it("refuses a single constraint that no point in the box meets, naming it, the bounds and the fix", () => {
    expect(refusal(["x + y <= -1"], [float("x", 0, 1), float("y", 0, 1)])).toBe(
      'constraint "x + y <= -1": no point within the parameters\' bounds satisfies them all (x in [0, 1], y in [0, 1]); widen the bounds or loosen the constraints',
    );
  });

  it("refuses constraints each feasible alone but not together", () => {
    const msg = refusal(["x - y >= 0.6", "y - x >= -0.5"], [float("x", 0, 1), float("y", 0, 1)]);
    expect(msg).toMatch(/^constraints "x - y >= 0.6", "y - x >= -0.5": no point/);
  });

  it("accepts a feasible set even when the feasible part is a sliver no sampler is likely to hit", () => {
    // x + y >= 1.9999 leaves a triangle of area 5e-9 of the unit square: feasible, accepted.
    expect(() => check(["x + y >= 1.9999"], [float("x", 0, 1), float("y", 0, 1)])).not.toThrow();
    // The boundary itself counts: x + y <= 0 holds at the corner (0, 0).
    expect(() => check(["x + y <= 0"], [float("x", 0, 1), float("y", 0, 1)])).not.toThrow();
  });

  it("works on negative, wide and log-scaled bounds", () => {
    expect(() =>
      check(["a + b <= -150"], [float("a", -100, 50), float("b", -80, 10)]),
    ).not.toThrow();
    expect(refusal(["a + b <= -181"], [float("a", -100, 50), float("b", -80, 10)])).toMatch(
      /no point/,
    );
    expect(() => check(["lr <= 1e-3"], [float("lr", 1e-5, 1, true)])).not.toThrow();
    expect(refusal(["lr >= 2"], [float("lr", 1e-5, 1, true)])).toMatch(/"lr >= 2"/);
    expect(() => check(["w >= 1e12"], [float("w", -1e15, 1e15)])).not.toThrow();
  });

  it("keeps integers integer: a relaxation-feasible set without an integer point is refused", () => {
    // 2n == 3 has the real solution 1.5 but no integer one.
    expect(refusal(["2*n == 3"], [int("n", 0, 5)])).toMatch(/"2\*n == 3": no point/);
    // 0.4 <= n <= 0.6 (as two constraints) has no integer in it either.
    expect(refusal(["n >= 0.4", "n <= 0.6"], [int("n", 0, 5)])).toMatch(/no point/);
    expect(() => check(["2*n + m == 7"], [int("n", 0, 5), int("m", -3, 0)])).not.toThrow();
  });

  it("folds fixed parameters in, and refuses a constraint on fixed values that is false", () => {
    const c: Parameter = { kind: "fixed", name: "c", valueType: "int", value: 3 };
    expect(() => check(["x + c <= 3.5"], [float("x", 0, 1), c])).not.toThrow();
    expect(refusal(["x + c <= 2"], [float("x", 0, 1), c])).toMatch(/no point/);
    expect(refusal(["c <= 2"], [float("x", 0, 1), c])).toBe(
      'constraint "c <= 2": it is false whatever the parameters; widen the bounds or loosen the constraints',
    );
  });

  it("leaves non-linear constraints to the per-point checks (undecided, not refused)", () => {
    expect(() => check(["x * y >= 5"], [float("x", 0, 1), float("y", 0, 1)])).not.toThrow();
    expect(() => check(["x != 0.5"], [float("x", 0.5, 0.5 + 1e-12)])).not.toThrow();
  });
});
