import { describe, expect, it } from "vitest";
import { buildInputDocument } from "../../../src/generators/external/inputDocument.js";
import {
  FloatNumber,
  floatText,
  toPythonJson,
} from "../../../src/generators/external/pythonJson.js";
import type { GeneratorInput } from "../../../src/generators/generator.js";
import { choice, fixed, makeInput, range } from "../generators/generatorInputs.js";

/** The document as Python would see it: floats tagged, so an int 3 and a float 3.0 differ. */
function asPython(input: GeneratorInput, seed = 7, alsoPending = []): unknown {
  const text = toPythonJson(buildInputDocument(input, { seed, alsoPending }));
  // Re-read with every number that has "." or an exponent marked as a float.
  return JSON.parse(
    text.replace(/(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[,\s\]}])/g, (m) =>
      /[.eE]/.test(m) ? `{"float": "${m}"}` : m,
    ),
  );
}

describe("external generator input.json", () => {
  it("writes OmniOpt2's documented example exactly: types, ranges, constraints, seed, two parallel trial arrays, objectives", () => {
    const input = makeInput(
      [range("x", 123, 100000000, "int"), range("y", 1234, 4321), range("z", 111, 222, "int")],
      ["y <= x"],
      { completed: [{ x: 46164761, y: 2179.7038996219635, z: 221 }] },
    );
    const withResult: GeneratorInput = {
      ...input,
      objectives: [{ name: "RESULT", goal: "max" }],
      completed: [{ ...input.completed[0]!, values: { RESULT: 461647612179.7039 } }],
    };
    const text = toPythonJson(buildInputDocument(withResult, { seed: 1234, alsoPending: [] }));
    expect(text).toBe(`{
    "parameters": {
        "x": {
            "parameter_type": "RANGE",
            "type": "INT",
            "range": [
                123,
                100000000
            ]
        },
        "y": {
            "parameter_type": "RANGE",
            "type": "FLOAT",
            "range": [
                1234.0,
                4321.0
            ]
        },
        "z": {
            "parameter_type": "RANGE",
            "type": "INT",
            "range": [
                111,
                222
            ]
        }
    },
    "constraints": [
        "y <= x"
    ],
    "seed": 1234,
    "trials": [
        [
            {
                "x": 46164761,
                "y": 2179.7038996219635,
                "z": 221
            }
        ],
        [
            {
                "RESULT": 461647612179.7039
            }
        ]
    ],
    "objectives": {
        "RESULT": "max"
    },
    "pending": [],
    "failed": []
}`);
  });

  it("writes every value in its declared type: FLOAT as float even when integral, INT as int, STRING as string", () => {
    const input = makeInput(
      [
        range("f", 0, 10),
        range("i", 0, 10, "int"),
        choice("s", ["a", "b"]),
        choice("n", [32, 64], true),
        choice("r", [0.5, 1]),
        fixed("k", 3),
        fixed("t", "adam"),
      ],
      [],
      { completed: [{ f: 5, i: 5, s: "b", n: 64, r: 1, k: 3, t: "adam" }] },
    );
    const doc = asPython(input) as {
      parameters: Record<string, Record<string, unknown>>;
      trials: [Record<string, unknown>[], Record<string, unknown>[]];
    };
    expect(doc.parameters.f).toEqual({
      parameter_type: "RANGE",
      type: "FLOAT",
      range: [{ float: "0.0" }, { float: "10.0" }],
    });
    expect(doc.parameters.i).toEqual({ parameter_type: "RANGE", type: "INT", range: [0, 10] });
    expect(doc.parameters.s).toEqual({
      parameter_type: "CHOICE",
      type: "STRING",
      values: ["a", "b"],
    });
    expect(doc.parameters.n).toEqual({
      parameter_type: "CHOICE",
      type: "INT",
      values: [32, 64],
      is_ordered: true,
    });
    expect(doc.parameters.r).toEqual({
      parameter_type: "CHOICE",
      type: "FLOAT",
      values: [{ float: "0.5" }, { float: "1.0" }],
    });
    expect(doc.parameters.k).toEqual({ parameter_type: "FIXED", type: "INT", value: 3 });
    expect(doc.parameters.t).toEqual({ parameter_type: "FIXED", type: "STRING", value: "adam" });
    expect(doc.trials[0][0]).toEqual({
      f: { float: "5.0" },
      i: 5,
      s: "b",
      n: 64,
      r: { float: "1.0" },
      k: 3,
      t: "adam",
    });
    expect(doc.trials[1][0]).toEqual({ y: { float: "0.0" } });
  });

  it("marks log scales and lists pending (with the points of this round) and failed points", () => {
    const input = makeInput([range("lr", 1e-5, 0.1, "float", true), range("n", 1, 9, "int")], [], {
      pending: [{ lr: 0.01, n: 2 }],
      failed: [{ lr: 0.001, n: 3 }],
    });
    const doc = JSON.parse(
      toPythonJson(buildInputDocument(input, { seed: 3, alsoPending: [{ lr: 0.05, n: 4 }] })),
    ) as {
      parameters: { lr: unknown };
      pending: unknown[];
      failed: unknown[];
      trials: unknown[][];
      constraints: unknown[];
    };
    expect(doc.parameters.lr).toEqual({
      parameter_type: "RANGE",
      type: "FLOAT",
      range: [1e-5, 0.1],
      log_scale: true,
    });
    expect(doc.pending).toEqual([
      { lr: 0.01, n: 2 },
      { lr: 0.05, n: 4 },
    ]);
    expect(doc.failed).toEqual([{ lr: 0.001, n: 3 }]);
    expect(doc.trials).toEqual([[], []]);
    expect(doc.constraints).toEqual([]);
  });

  it("keeps constraint texts as written (valid Python expressions)", () => {
    const input = makeInput(
      [range("a", 0, 10), range("b", 0, 10)],
      ["a + 2*b <= 10", "a >= b", "a / 2 != 3"],
    );
    const doc = JSON.parse(
      toPythonJson(buildInputDocument(input, { seed: 0, alsoPending: [] })),
    ) as {
      constraints: string[];
    };
    expect(doc.constraints).toEqual(["a + 2*b <= 10", "a >= b", "a / 2 != 3"]);
  });
});

describe("Python-typed JSON text", () => {
  it("writes floats with a decimal point or exponent and integers without", () => {
    expect(floatText(1234)).toBe("1234.0");
    expect(floatText(-3)).toBe("-3.0");
    expect(floatText(0.1)).toBe("0.1");
    expect(floatText(1e21)).toBe("1e+21");
    expect(floatText(1e-7)).toBe("1e-7");
    expect(floatText(-0)).toBe("-0.0");
    expect(floatText(Number.NaN)).toBe("null");
    expect(toPythonJson([1, new FloatNumber(1), 1.5, 'x"y', true, null, {}, []], 0)).toBe(
      '[\n1,\n1.0,\n1.5,\n"x\\"y",\ntrue,\nnull,\n{},\n[]\n]',
    );
  });
});
