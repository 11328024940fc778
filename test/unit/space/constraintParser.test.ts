import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import type { Expr } from "../../../src/space/constraintParser.js";
import {
  evaluateExpr,
  linearize,
  parseConstraint,
  variablesOf,
} from "../../../src/space/constraintParser.js";

/** Evaluates both sides of a parsed constraint at a point. */
function sides(text: string, values: Record<string, number>): [number, number] {
  const c = parseConstraint(text);
  const v = (n: string): number => {
    const x = values[n];
    if (x === undefined) throw new Error(`no value for ${n}`);
    return x;
  };
  return [evaluateExpr(c.left, v), evaluateExpr(c.right, v)];
}

function linearOf(e: Expr): { coeffs: Record<string, number>; constant: number } | null {
  const f = linearize(e);
  return f && { coeffs: Object.fromEntries(f.coeffs), constant: f.constant };
}

/** The error a constraint text raises (fails the test when it parses). */
function parseError(text: string): InputError {
  try {
    parseConstraint(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error(`"${text}" parsed, but should have been refused`);
}

describe("parseConstraint: valid forms", () => {
  it("reads x >= y as a comparison of two names", () => {
    const c = parseConstraint("x >= y");
    expect(c.op).toBe(">=");
    expect(c.left).toEqual({ type: "var", name: "x" });
    expect(c.right).toEqual({ type: "var", name: "y" });
    expect(c.text).toBe("x >= y");
  });

  it("reads x + 2*y <= 10 with * binding tighter than +", () => {
    const c = parseConstraint("x + 2*y <= 10");
    expect(c.op).toBe("<=");
    expect(c.left).toEqual({
      type: "bin",
      op: "+",
      left: { type: "var", name: "x" },
      right: {
        type: "bin",
        op: "*",
        left: { type: "num", value: 2 },
        right: { type: "var", name: "y" },
      },
    });
    expect(sides("x + 2*y <= 10", { x: 1, y: 3 })).toEqual([7, 10]);
  });

  it("reads 2*a - b >= 3.5 with a decimal right-hand side", () => {
    expect(parseConstraint("2*a - b >= 3.5").right).toEqual({ type: "num", value: 3.5 });
    expect(sides("2*a - b >= 3.5", { a: 4, b: 1 })).toEqual([7, 3.5]);
  });

  it("reads a*b != 4 and a == b (checked after generation)", () => {
    expect(parseConstraint("a*b != 4").op).toBe("!=");
    expect(parseConstraint("a == b").op).toBe("==");
    expect(sides("a*b != 4", { a: 2, b: 3 })).toEqual([6, 4]);
  });

  it("honours parentheses: 2*(x - y) differs from 2*x - y", () => {
    expect(sides("2*(x - y) <= 1", { x: 5, y: 3 })).toEqual([4, 1]);
    expect(sides("2*x - y <= 1", { x: 5, y: 3 })).toEqual([7, 1]);
    expect(sides("((x)) <= (1)", { x: 5 })).toEqual([5, 1]);
  });

  it("reads unary minus and plus, also repeated and before parentheses", () => {
    expect(sides("-x <= -3", { x: 5 })).toEqual([-5, -3]);
    expect(sides("- -x >= +2", { x: 5 })).toEqual([5, 2]);
    expect(sides("-(x + y) <= 0", { x: 1, y: 2 })).toEqual([-3, 0]);
    expect(sides("x * -2 >= -10", { x: 3 })).toEqual([-6, -10]);
  });

  it("reads numbers with exponents, leading dots and trailing dots", () => {
    expect(sides("1e-3*x >= 2E+2", { x: 1 })).toEqual([0.001, 200]);
    expect(sides("1.5e3 <= x", { x: 0 })).toEqual([1500, 0]);
    expect(sides(".5*x <= 5.", { x: 4 })).toEqual([2, 5]);
  });

  it("evaluates left to right: a - b - c and a / b / c", () => {
    expect(sides("a - b - c >= 0", { a: 10, b: 3, c: 2 })).toEqual([5, 0]);
    expect(sides("a / b / c >= 0", { a: 12, b: 3, c: 2 })).toEqual([2, 0]);
  });

  it("needs no spaces and ignores surrounding whitespace", () => {
    expect(sides("  x+2*y<=10\t", { x: 1, y: 1 })).toEqual([3, 10]);
    expect(parseConstraint("  x+2*y<=10\t").text).toBe("x+2*y<=10");
  });

  it("accepts names with underscores and digits", () => {
    expect(sides("_lr2 + learning_rate_1 <= 1", { _lr2: 0.25, learning_rate_1: 0.5 })).toEqual([
      0.75, 1,
    ]);
  });

  it("lists the names a constraint uses", () => {
    const c = parseConstraint("x + 2*(y - x) >= -z");
    const names = new Set([...variablesOf(c.left), ...variablesOf(c.right)]);
    expect([...names].sort()).toEqual(["x", "y", "z"]);
  });
});

describe("parseConstraint: refused forms name the constraint and say why", () => {
  it.each([
    ["x < y", /strict "<" is not supported.*use "<=" instead/],
    ["x > y", /strict ">" is not supported.*use ">=" instead/],
    ["x<y", /strict "<"/],
  ])("refuses the strict comparison in %j", (text, why) => {
    const e = parseError(text);
    expect(e.code).toBe("CONSTRAINT_INVALID");
    expect(e.message).toContain(`constraint "${text}"`);
    expect(e.message).toMatch(why);
  });

  it('refuses a single "=" and suggests == or <= / >=', () => {
    const e = parseError("x = y");
    expect(e.message).toContain('constraint "x = y"');
    expect(e.message).toMatch(/single "=" at position 3; use "==" for equality or "<=" \/ ">="/);
  });

  it("refuses two comparisons in one constraint", () => {
    expect(parseError("0 <= x <= 1").message).toMatch(
      /constraint "0 <= x <= 1": has more than one comparison; write one constraint per comparison/,
    );
    expect(parseError("x == y == z").message).toMatch(/more than one comparison/);
  });

  it("refuses a text without a comparison", () => {
    expect(parseError("x + y").message).toMatch(
      /constraint "x \+ y": needs exactly one comparison: <=, >=, == or !=/,
    );
  });

  it("refuses an empty or blank constraint", () => {
    expect(parseError("").message).toMatch(/constraint "": is empty/);
    expect(parseError("   ").message).toMatch(/is empty/);
  });

  it("refuses unbalanced parentheses either way", () => {
    expect(parseError("(x + y <= 3").message).toMatch(
      /constraint "\(x \+ y <= 3": has an unclosed parenthesis/,
    );
    expect(parseError("x + y) <= 3").message).toMatch(
      /constraint "x \+ y\) <= 3": has a "\)" without a matching "\(" at position 6/,
    );
    expect(parseError("x <= (3").message).toMatch(/unclosed parenthesis/);
    expect(parseError("x <= 3)").message).toMatch(/without a matching/);
  });

  it("refuses Python code such as __import__('os') without evaluating anything", () => {
    const text = "__import__('os').system('rm -rf ~') >= 0";
    const e = parseError(text);
    expect(e.message).toContain(`constraint "${text}"`);
    expect(e.message).toMatch(/unexpected character "'"/);
  });

  it("refuses function calls and says so", () => {
    expect(parseError("abs(x) >= 1").message).toMatch(
      /constraint "abs\(x\) >= 1": calls "abs\(\.\.\.\)" at position 4; function calls are not allowed/,
    );
    expect(parseError("x <= sqrt(y)").message).toMatch(/calls "sqrt\(\.\.\.\)"/);
    // the tokenizer stops at the first character no constraint can hold
    expect(parseError("x <= max(y, 2)").message).toMatch(/unexpected character ","/);
  });

  it("refuses attribute access, indexing, powers and other operators", () => {
    expect(parseError("os.system >= 1").message).toMatch(/unexpected/);
    expect(parseError("x[0] >= 1").message).toMatch(/unexpected character "\["/);
    expect(parseError("x ** 2 <= 4").message).toMatch(/expected a number or a parameter name/);
    expect(parseError("x ^ 2 <= 4").message).toMatch(/unexpected character "\^"/);
    expect(parseError("x % 2 == 0").message).toMatch(/unexpected character "%"/);
    expect(parseError("x >= 1 and y >= 1").message).toMatch(/unexpected "and"/);
  });

  it("refuses a missing operator between a number and a name", () => {
    expect(parseError("2x >= 1").message).toMatch(
      /unexpected "x" at position 2; an operator \(\+ - \* \/\) or a comparison/,
    );
  });

  it("refuses a missing operand", () => {
    expect(parseError("x >=").message).toMatch(/ends too early; an operand is missing/);
    expect(parseError("x + <= 1").message).toMatch(/expected a number or a parameter name/);
    expect(parseError("() <= 1").message).toMatch(/expected a number or a parameter name/);
  });
});

describe("linearize", () => {
  const lin = (text: string): ReturnType<typeof linearOf> => {
    const c = parseConstraint(text);
    return linearOf({ type: "bin", op: "-", left: c.left, right: c.right });
  };

  it("collects coefficients and the constant of left - right", () => {
    expect(lin("x + 2*y <= 10")).toEqual({ coeffs: { x: 1, y: 2 }, constant: -10 });
    expect(lin("2*a - b >= 3.5")).toEqual({ coeffs: { a: 2, b: -1 }, constant: -3.5 });
    expect(lin("x >= y")).toEqual({ coeffs: { x: 1, y: -1 }, constant: 0 });
  });

  it("expands constants times parentheses, division by a constant and unary minus", () => {
    expect(lin("3*(x - 2*y) + 1 <= 0")).toEqual({ coeffs: { x: 3, y: -6 }, constant: 1 });
    expect(lin("x / 4 <= 1")).toEqual({ coeffs: { x: 0.25 }, constant: -1 });
    expect(lin("-(x + 1) >= 0")).toEqual({ coeffs: { x: -1 }, constant: -1 });
    expect(lin("(2 + 3) * x <= 1")).toEqual({ coeffs: { x: 5 }, constant: -1 });
  });

  it("drops terms that cancel", () => {
    expect(lin("x + y - x <= 1")).toEqual({ coeffs: { y: 1 }, constant: -1 });
    expect(lin("0*x + y <= 1")).toEqual({ coeffs: { y: 1 }, constant: -1 });
  });

  it("returns null for products and quotients of parameters and for division by zero", () => {
    expect(lin("a*b != 4")).toBeNull();
    expect(lin("x / y <= 1")).toBeNull();
    expect(lin("x / 0 <= 1")).toBeNull();
    expect(lin("x * (y + 1) <= 1")).toBeNull();
  });
});
