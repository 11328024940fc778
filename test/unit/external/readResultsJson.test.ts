import { describe, expect, it } from "vitest";
import {
  readResultsJson,
  type ReadResult,
} from "../../../src/generators/external/readResultsJson.js";
import { choice, fixed, makeInput, range } from "../generators/generatorInputs.js";

const input = makeInput(
  [
    range("x", 123, 100000000, "int"),
    range("y", 1234, 4321),
    choice("act", ["relu", "tanh"]),
    choice("width", [32, 64]),
    fixed("z", "111"),
  ],
  ["x >= y"],
);

function read(json: unknown): ReadResult {
  return readResultsJson(
    typeof json === "string" ? json : JSON.stringify(json),
    input.space,
    input.constraints,
  );
}

function problems(json: unknown): string {
  const r = read(json);
  if (r.ok) throw new Error(`expected problems, got the point ${JSON.stringify(r.point)}`);
  return r.problems.join("\n");
}

const good = { x: 5000, y: 1234.5, act: "tanh", width: 64, z: "111" };

describe("results.json validation", () => {
  it("accepts a valid proposal and returns it in canonical types", () => {
    const r = read({ parameters: good, comment: "other keys are ignored" });
    expect(r).toEqual({
      ok: true,
      point: { x: 5000, y: 1234.5, act: "tanh", width: 64, z: "111" },
    });
  });

  it("accepts OmniOpt2's documented form: numbers as strings, choices given as numbers or strings", () => {
    const r = read({ parameters: { x: "5431", y: "4321", act: "relu", width: "32", z: 111 } });
    expect(r).toEqual({ ok: true, point: { x: 5431, y: 4321, act: "relu", width: 32, z: "111" } });
  });

  it("accepts an integer written as a float (3.0) for an INT parameter", () => {
    expect(
      read('{"parameters": {"x": 5000.0, "y": 1234, "act": "relu", "width": 32, "z": "111"}}'),
    ).toEqual({
      ok: true,
      point: { x: 5000, y: 1234, act: "relu", width: 32, z: "111" },
    });
  });

  it("explains a missing file, an empty file and invalid JSON (with a hint for Python's NaN)", () => {
    expect(readResultsJson(null, input.space, input.constraints)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/results\.json was not written/)],
    });
    expect(problems("  \n")).toMatch(/results\.json is empty/);
    expect(problems('{"parameters": {"x": 1')).toMatch(/results\.json is not valid JSON/);
    expect(problems('{"parameters": {"x": NaN}}')).toMatch(/NaN or Infinity.*finite/);
  });

  it("explains a wrong shape: not an object, no parameters key, parameters not an object", () => {
    expect(problems([1, 2])).toMatch(
      /must hold an object \{"parameters": \{\.\.\.\}\}, got a list/,
    );
    expect(problems({ params: good })).toMatch(/no "parameters" key/);
    expect(problems({ parameters: [good] })).toMatch(
      /"parameters" must be an object of name: value, got a list/,
    );
  });

  it("names every missing and every unknown parameter", () => {
    const text = problems({ parameters: { x: 5000, act: "relu", width: 32, extra: 1, other: 2 } });
    expect(text).toMatch(/parameters\.y: missing \(a number in \[1234, 4321\]\)/);
    expect(text).toMatch(/parameters\.z: missing \(the fixed value "111"\)/);
    expect(text).toMatch(
      /parameters\.extra: unknown parameter; the parameters are x, y, act, width, z/,
    );
    expect(text).toMatch(/parameters\.other: unknown parameter/);
  });

  it("refuses wrong types: a fraction for INT, text, booleans, null, lists and objects", () => {
    expect(problems({ parameters: { ...good, x: 5000.5 } })).toMatch(
      /parameters\.x: must be an integer \(the parameter is INT\), got 5000\.5/,
    );
    expect(problems({ parameters: { ...good, x: "12.5" } })).toMatch(
      /parameters\.x: must be an integer/,
    );
    expect(problems({ parameters: { ...good, y: "abc" } })).toMatch(
      /parameters\.y: must be a number in \[1234, 4321\], got "abc"/,
    );
    expect(problems({ parameters: { ...good, y: true } })).toMatch(
      /parameters\.y: must be a number .*got the boolean true/,
    );
    expect(problems({ parameters: { ...good, x: null } })).toMatch(
      /parameters\.x: must be an integer in .*got null/,
    );
    expect(problems({ parameters: { ...good, act: ["relu"] } })).toMatch(
      /parameters\.act: must be one of "relu", "tanh", got a list/,
    );
    expect(problems({ parameters: { ...good, width: { v: 32 } } })).toMatch(
      /parameters\.width: must be one of 32, 64, got an object/,
    );
  });

  it("refuses values outside the bounds, at either end", () => {
    expect(problems({ parameters: { ...good, x: 100000001 } })).toMatch(
      /parameters\.x: 100000001 is outside the range \[123, 100000000\]/,
    );
    expect(problems({ parameters: { ...good, x: 122, y: 1 } })).toMatch(
      /parameters\.x: 122 is outside[\s\S]*parameters\.y: 1 is outside the range \[1234, 4321\]/,
    );
    expect(read({ parameters: { ...good, x: 100000000, y: 4321 } }).ok).toBe(true);
  });

  it("refuses choices and fixed values that are not allowed", () => {
    expect(problems({ parameters: { ...good, act: "gelu" } })).toMatch(
      /parameters\.act: "gelu" is not one of "relu", "tanh"/,
    );
    expect(problems({ parameters: { ...good, width: 48 } })).toMatch(
      /parameters\.width: 48 is not one of 32, 64/,
    );
    expect(problems({ parameters: { ...good, z: "112" } })).toMatch(
      /parameters\.z: "112" is not the fixed value "111"/,
    );
  });

  it("refuses a point that violates a constraint, naming it", () => {
    expect(problems({ parameters: { ...good, x: 1300, y: 1400 } })).toMatch(
      /the point \{x: 1300, y: 1400, act: tanh, width: 64, z: 111\} violates the constraint "x >= y"/,
    );
  });
});
