import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import {
  conditionNames,
  evaluateCondition,
  MAX_DEPTH,
  parseCondition,
} from "../../../src/space/conditionParser.js";

const at =
  (values: Record<string, unknown>) =>
  (name: string): unknown =>
    values[name];

function refusal(text: string): string {
  try {
    parseCondition(text, 'parameter "m" active_if');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseCondition", () => {
  it("reads comparisons, in lists, and/or/not with precedence and parentheses", () => {
    const c = parseCondition(
      "optimizer == 'sgd' or optimizer in [\"adam\", 'rmsprop'] and layers >= 3",
      "w",
    );
    expect(c.type).toBe("or");
    expect([...conditionNames(c)].sort()).toEqual(["layers", "optimizer"]);
    expect(evaluateCondition(c, at({ optimizer: "sgd", layers: 1 }))).toBe(true);
    expect(evaluateCondition(c, at({ optimizer: "adam", layers: 1 }))).toBe(false);
    expect(evaluateCondition(c, at({ optimizer: "adam", layers: 3 }))).toBe(true);
    const p = parseCondition("(optimizer == 'sgd' or optimizer == 'adam') and not layers < 2", "w");
    expect(evaluateCondition(p, at({ optimizer: "adam", layers: 2 }))).toBe(true);
    expect(evaluateCondition(p, at({ optimizer: "adam", layers: 1 }))).toBe(false);
  });

  it("compares numbers, negative numbers, booleans, and text against numbers as text", () => {
    expect(evaluateCondition(parseCondition("x > -1.5e-1", "w"), at({ x: 0 }))).toBe(true);
    expect(evaluateCondition(parseCondition("x <= -1", "w"), at({ x: 0 }))).toBe(false);
    expect(evaluateCondition(parseCondition("flag == true", "w"), at({ flag: "true" }))).toBe(true);
    expect(evaluateCondition(parseCondition("n == 5", "w"), at({ n: "5" }))).toBe(true);
    expect(evaluateCondition(parseCondition("o not in ['a']", "w"), at({ o: "b" }))).toBe(true);
  });

  it("is false for a comparison whose parameter is absent (inactive)", () => {
    expect(evaluateCondition(parseCondition("m != 0", "w"), at({}))).toBe(false);
    expect(evaluateCondition(parseCondition("m in [1]", "w"), at({}))).toBe(false);
  });

  it("refuses bad input with the position and the fix, never evaluating code", () => {
    expect(refusal("optimizer = 'sgd'")).toMatch(/single "=".*use "=="/);
    expect(refusal("optimizer == sgd")).toMatch(/quote texts \('sgd'\)/);
    expect(refusal("a == 1 && b == 2")).toMatch(/write "and"/);
    expect(refusal("a == 'x")).toMatch(/no closing '/);
    expect(refusal("a in []")).toMatch(/at least one value/);
    expect(refusal("(a == 1")).toMatch(/unclosed parenthesis/);
    expect(refusal("a == 1 b == 2")).toMatch(/unexpected "b"/);
    expect(refusal("")).toMatch(/is empty/);
    expect(refusal("process.exit(1) == 1")).toMatch(/unexpected character "\."/);
    expect(refusal(`${"(".repeat(MAX_DEPTH + 1)}a == 1${")".repeat(MAX_DEPTH + 1)}`)).toMatch(
      /nested more than/,
    );
    expect(refusal(`${"not ".repeat(3000)}a == 1`)).toMatch(/nested more than/);
  });
});
