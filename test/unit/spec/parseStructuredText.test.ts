import { describe, expect, it } from "vitest";
import { parseStructuredText } from "../../../src/spec/parseStructuredText.js";

function problem(text: string, format: "JSON" | "YAML" | "TOML"): string {
  try {
    parseStructuredText(text, format);
  } catch (e) {
    expect(e).toBeInstanceOf(SyntaxError);
    expect((e as Error).cause).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error("parsed");
}

describe("parseStructuredText", () => {
  it("parses the three formats", () => {
    expect(parseStructuredText('{"a": 1}', "JSON")).toEqual({ a: 1 });
    expect(parseStructuredText("a: 1\n", "YAML")).toEqual({ a: 1 });
    expect(parseStructuredText("a = 1\n", "TOML")).toEqual({ a: 1 });
  });

  it("says where and what on one line, without the parsers' excerpts of the file", () => {
    // V8's wording varies ("Expected ':' after property name", "Unexpected number"); its place not.
    expect(problem('{\n  "a": 1,\n  "b" 2\n}', "JSON")).toMatch(/^line 3, column 7: \w[^\n]*$/);
    // Node 20 names an unexpected token without its place: found by slurmopt.
    expect(problem('{"a": 1,\n "x": }\n', "JSON")).toBe("line 2, column 7: Unexpected token '}'");
    expect(problem('max_eval: 2\nrun_program: "echo\n  bad: [\n', "YAML")).toBe(
      'line 4, column 1: Missing closing "quote',
    );
    expect(problem('max_eval = 2\nrun_program = "a\n', "TOML")).toBe(
      "line 2, column 17: control characters are not allowed in strings",
    );
  });

  it("places an unexpected token in JSON: a trailing comma, an unquoted word, a stray character", () => {
    expect(problem('{\n  "a": [1, 2,],\n  "b": 3\n}', "JSON")).toBe(
      "line 2, column 14: Unexpected token ']'",
    );
    expect(problem('{\n  "program": "echo",\n  "max_eval": ten\n}', "JSON")).toMatch(
      /^line 3, column 16: Unexpected token 'e'$/,
    );
    // A token that also stands earlier, inside a string, is placed where the parse stops.
    expect(problem('{"a": "}}",\n "b": }', "JSON")).toBe("line 2, column 7: Unexpected token '}'");
    expect(problem("[1, 2] x", "JSON")).toMatch(/^line 1, column 8: /);
  });
});
