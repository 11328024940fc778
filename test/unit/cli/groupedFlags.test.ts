import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import {
  extractGroupedFlags,
  objectivesFromWords,
  parameterFromWords,
} from "../../../src/cli/groupedFlags.js";

function flagError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe("FLAG_INVALID");
    return e as InputError;
  }
  throw new Error("accepted");
}

const words = (text: string): string[] => text.split(" ");

describe("extractGroupedFlags", () => {
  it("keeps each --parameter's words together and passes other flags on", () => {
    const g = extractGroupedFlags([
      "spec.yaml",
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "--max_eval",
      "5",
      "--parameter",
      "y",
      "choice",
      "a,b",
      "--result_names",
      "RESULT=max",
      "LOSS=min",
      "--seed",
      "1",
    ]);
    expect(g.parameters).toEqual([words("x range 0 1"), words("y choice a,b")]);
    expect(g.resultNames).toEqual(["RESULT=max", "LOSS=min"]);
    expect(g.rest).toEqual(["spec.yaml", "--max_eval", "5", "--seed", "1"]);
  });

  it("keeps negative bounds as words of the parameter", () => {
    expect(extractGroupedFlags(words("--parameter x range -5 -1 --seed 1")).parameters).toEqual([
      words("x range -5 -1"),
    ]);
  });

  it("splits a parameter written as one quoted word, as OmniOpt2's own tests write it", () => {
    const g = extractGroupedFlags([
      "--parameter",
      "x range 123 1000 int false",
      "--parameter",
      " y  choice 5431,1234 ",
      "--parameter=z fixed 111",
      "--parameter",
      "w",
      "fixed",
      "a b",
    ]);
    expect(g.parameters).toEqual([
      words("x range 123 1000 int false"),
      words("y choice 5431,1234"),
      words("z fixed 111"),
      ["w", "fixed", "a b"],
    ]);
  });

  it("reads the --flag=value form", () => {
    const g = extractGroupedFlags([
      "--parameter=x",
      "fixed",
      "3",
      "--result_names=RESULT=max",
      "--name=demo",
    ]);
    expect(g.parameters).toEqual([["x", "fixed", "3"]]);
    expect(g.resultNames).toEqual(["RESULT=max"]);
    expect(g.rest).toEqual(["--name=demo"]);
  });

  it("collects repeated --result_names", () => {
    expect(
      extractGroupedFlags(words("--result_names A=max --seed 1 --result_names B=min")).resultNames,
    ).toEqual(["A=max", "B=min"]);
  });

  it("refuses --parameter without words, showing the three forms", () => {
    expect(
      flagError(() => extractGroupedFlags(["--parameter", "--max_eval", "3"])).message,
    ).toMatch(
      /--parameter needs words: NAME range LO HI \[int\|float\] \[true\|false\], NAME choice a,b,c or NAME fixed VALUE/,
    );
  });

  it("does not take flags that only start like the grouped ones", () => {
    const g = extractGroupedFlags(["--parameters", "x", "--result_names_x", "y"]);
    expect(g.parameters).toEqual([]);
    expect(g.rest).toEqual(["--parameters", "x", "--result_names_x", "y"]);
  });
});

describe("parameterFromWords: OmniOpt2's --parameter forms", () => {
  it.each([
    ["x range 0 1", { bounds: [0, 1], value_type: "float", log_scale: false }],
    ["x range -5 5 float", { bounds: [-5, 5], value_type: "float", log_scale: false }],
    ["x range 1 100 int", { bounds: [1, 100], value_type: "int", log_scale: false }],
    ["x range 1 100 int true", { bounds: [1, 100], value_type: "int", log_scale: true }],
    ["x range 1e-5 0.1 float true", { bounds: [1e-5, 0.1], value_type: "float", log_scale: true }],
    ["x RANGE 0 1 INT False", { bounds: [0, 1], value_type: "int", log_scale: false }],
    ["x range 5 1", { bounds: [5, 1], value_type: "float", log_scale: false }],
  ])("reads %j", (text, expected) => {
    expect(parameterFromWords(words(text))).toEqual({ name: "x", type: "range", ...expected });
  });

  it("reads choice values split on commas, as strings (as OmniOpt2 does)", () => {
    expect(parameterFromWords(words("opt choice adam,sgd,rmsprop"))).toEqual({
      name: "opt",
      type: "choice",
      values: ["adam", "sgd", "rmsprop"],
    });
    expect(parameterFromWords(words("b choice 16,32,,64,"))).toEqual({
      name: "b",
      type: "choice",
      values: ["16", "32", "64"],
    });
  });

  it("reads fixed values as numbers when they are decimal numbers, else as text", () => {
    expect(parameterFromWords(words("z fixed 3"))).toEqual({ name: "z", type: "fixed", value: 3 });
    expect(parameterFromWords(words("z fixed -2.5e-3")).value).toBe(-0.0025);
    expect(parameterFromWords(words("z fixed adam")).value).toBe("adam");
    expect(parameterFromWords(words("z fixed 0x1F")).value).toBe("0x1F");
    expect(parameterFromWords(words("z fixed Infinity")).value).toBe("Infinity");
    expect(parameterFromWords(["z", "fixed", ""]).value).toBe("");
  });

  it.each([
    ["x", /needs a name and a type \(range, choice or fixed\)/],
    ["x range 0", /write NAME range LO HI \[int\|float\] \[true\|false\]/],
    ["x range 0 1 int true extra", /write NAME range LO HI/],
    ["x range a 1", /bounds "a" and "1" must be decimal numbers/],
    ["x range 0x10 20", /bounds "0x10" and "20" must be decimal numbers/],
    ["x range 0 1 double", /the type is "double"; use int or float/],
    ["x range 0 1 int yes", /the log-scale word is "yes"; use true or false/],
    ["x choice", /write NAME choice a,b,c/],
    ["x choice a, b", /write NAME choice a,b,c \(values separated by commas, no spaces\)/],
    ["x choice ,,", /has no values/],
    ["x fixed", /write NAME fixed VALUE/],
    ["x fixed 1 2", /write NAME fixed VALUE/],
    ["x grid 0 1", /unknown type "grid"; use range, choice or fixed/],
  ])("refuses %j, quoting the flag and saying how to write it", (text, why) => {
    const e = flagError(() => parameterFromWords(words(text)));
    expect(e.message.startsWith(`--parameter ${text}: `)).toBe(true);
    expect(e.message).toMatch(why);
  });

  it("refuses an empty bound instead of reading it as 0", () => {
    expect(flagError(() => parameterFromWords(["x", "range", "", "1"])).message).toMatch(
      /must be decimal numbers/,
    );
  });
});

describe("objectivesFromWords: --result_names", () => {
  it("reads NAME=max / NAME=min in order; a bare name means min", () => {
    expect(objectivesFromWords(["RESULT=max", "LOSS=min", "TIME", "acc_2=MAX"])).toEqual([
      { name: "RESULT", goal: "max" },
      { name: "LOSS", goal: "min" },
      { name: "TIME", goal: "min" },
      { name: "acc_2", goal: "max" },
    ]);
  });

  it.each(["MY-RESULT=min", "RESULT=maximize", "=min", "RESULT=", "RESULT=max=min", "a b=min"])(
    "refuses %j and shows the form",
    (word) => {
      expect(flagError(() => objectivesFromWords([word])).message).toBe(
        `--result_names: cannot read "${word}"; write NAME=min or NAME=max, e.g. RESULT=min`,
      );
    },
  );
});
