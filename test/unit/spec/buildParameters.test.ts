import { describe, expect, it } from "vitest";
import { buildParameters, normalizeParameterList } from "../../../src/spec/buildParameters.js";
import type { RawParameter } from "../../../src/spec/specSchema.js";

const quiet = { warn: (): void => undefined };

describe("buildParameters", () => {
  it("builds range parameters with float and linear scale by default", () => {
    expect(buildParameters([{ name: "x", type: "range", bounds: [0, 1] }], quiet)).toEqual([
      { kind: "range", name: "x", valueType: "float", low: 0, high: 1, log: false },
    ]);
    expect(
      buildParameters(
        [{ name: "n", type: "range", bounds: [1, 64], value_type: "int", log_scale: true }],
        quiet,
      ),
    ).toEqual([{ kind: "range", name: "n", valueType: "int", low: 1, high: 64, log: true }]);
  });

  it("types choices by their values and leaves them unordered unless asked", () => {
    const raw: RawParameter[] = [
      { name: "a", type: "choice", values: ["x", 1] },
      { name: "b", type: "choice", values: [16, 32], is_ordered: true },
      { name: "c", type: "choice", values: [0.1, 1] },
    ];
    expect(buildParameters(raw, quiet)).toEqual([
      { kind: "choice", name: "a", values: ["x", 1], ordered: false, valueType: "string" },
      { kind: "choice", name: "b", values: [16, 32], ordered: true, valueType: "int" },
      { kind: "choice", name: "c", values: [0.1, 1], ordered: false, valueType: "float" },
    ]);
  });

  it("types fixed values", () => {
    expect(
      buildParameters(
        [
          { name: "s", type: "fixed", value: "adam" },
          { name: "i", type: "fixed", value: 3 },
          { name: "f", type: "fixed", value: 0.5 },
        ],
        quiet,
      ).map((p) => p.valueType),
    ).toEqual(["string", "int", "float"]);
  });

  it("warns once per swapped range and keeps going", () => {
    const warnings: string[] = [];
    const params = buildParameters(
      [
        { name: "a", type: "range", bounds: [3, -3] },
        { name: "b", type: "range", bounds: [0, 1] },
      ],
      { warn: (m) => warnings.push(m) },
    );
    expect(params[0]).toMatchObject({ low: -3, high: 3 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^parameters\[0\] "a": lower bound 3 > upper bound -3; swapped/);
  });

  it("allows a log-scale int range starting at 1 and suggests 1 when it starts at 0", () => {
    expect(() =>
      buildParameters(
        [{ name: "n", type: "range", bounds: [0, 8], value_type: "int", log_scale: true }],
        quiet,
      ),
    ).toThrow(/log scale needs bounds > 0, got 0\.\.8; use a lower bound such as 1$/);
  });
});

describe("normalizeParameterList", () => {
  it("turns the mapping form into the list form, in key order", () => {
    expect(
      normalizeParameterList({
        lr: { type: "range", bounds: [1e-4, 1], log_scale: true },
        opt: { type: "choice", values: ["adam", "sgd"] },
      }),
    ).toEqual([
      { name: "lr", type: "range", bounds: [1e-4, 1], log_scale: true },
      { name: "opt", type: "choice", values: ["adam", "sgd"] },
    ]);
  });

  it("names the parameter whose mapping entry is wrong", () => {
    expect(() => normalizeParameterList({ lr: { type: "range", bounds: [0] } })).toThrow(
      /^field "parameters\.lr\.bounds": /,
    );
    expect(() => normalizeParameterList({ lr: "range 0 1" })).toThrow(
      /^field "parameters\.lr\.type": /,
    );
  });
});
