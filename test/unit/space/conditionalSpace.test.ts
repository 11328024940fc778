import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter } from "../../../src/space/parameters.js";
import { choice, range } from "../generators/generatorInputs.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import { TREE } from "./conditionalTree.js";

function refusal(params: Parameter[]): string {
  try {
    new SearchSpace(params);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("accepted");
}

describe("conditional search space", () => {
  const space = new SearchSpace(TREE);

  it("decodes only the active parameters, following the tree (child of an inactive parent is inactive)", () => {
    expect(space.conditional).toBe(true);
    let sawSgd = false;
    let sawOther = false;
    for (let i = 0; i < 500; i++) {
      const u = Array.from({ length: space.dim }, (_, k) => ((i * 7919 + k * 104729) % 997) / 997);
      const p = space.decode(u);
      expect(space.check(p)).toBeNull();
      if (p.optimizer === "sgd") {
        sawSgd = true;
        expect(p.momentum).toBeTypeOf("number");
        expect("nesterov" in p).toBe((p.momentum as number) > 0.5);
      } else {
        sawOther = true;
        expect("momentum" in p).toBe(false);
        expect("nesterov" in p).toBe(false);
      }
      expect("units_3" in p).toBe((p.layers as number) >= 3);
    }
    expect(sawSgd && sawOther).toBe(true);
  });

  it("check refuses an inactive value given and an active value missing", () => {
    const base = { optimizer: "adam", lr: 0.01, layers: 2 };
    expect(space.check(base)).toBeNull();
    expect(space.check({ ...base, momentum: 0.3 })).toMatch(
      /"momentum" is inactive .*optimizer == 'sgd'.* left out/,
    );
    expect(space.check({ ...base, optimizer: "sgd" })).toMatch(/"momentum" is missing/);
    expect(space.check({ ...base, layers: 3 })).toMatch(/"units_3" is missing/);
  });

  it("encodes inactive coordinates as NaN and keys equal points equally", () => {
    const p = { optimizer: "adam", lr: 0.01, layers: 2 };
    const u = space.encode(p);
    const names = space.dimensions.map((d) => d.name);
    expect(Number.isNaN(u[names.indexOf("momentum")]!)).toBe(true);
    expect(Number.isNaN(u[names.indexOf("units_3")]!)).toBe(true);
    expect(Number.isNaN(u[names.indexOf("lr")]!)).toBe(false);
    const back = space.decode(u);
    expect(Object.keys(back).sort()).toEqual(["layers", "lr", "optimizer"]);
    expect(back.lr).toBeCloseTo(0.01, 12);
    expect(space.key({ ...p })).toBe(space.key(p));
  });

  it("refuses unknown names, self references, cycles and values a parent never takes", () => {
    expect(refusal([range("a", 0, 1), { ...range("b", 0, 1), activeIf: "c > 0" }])).toMatch(
      /active_if "c > 0": unknown parameter "c"/,
    );
    expect(refusal([{ ...range("a", 0, 1), activeIf: "a > 0" }])).toMatch(/depend on itself/);
    expect(
      refusal([
        { ...range("a", 0, 1), activeIf: "b > 0.5" },
        { ...range("b", 0, 1), activeIf: "c > 0.5" },
        { ...range("c", 0, 1), activeIf: "a > 0.5" },
      ]),
    ).toMatch(/cycle: a -> b -> c -> a/);
    expect(
      refusal([choice("o", ["sgd", "adam"]), { ...range("m", 0, 1), activeIf: "o == 'sdg'" }]),
    ).toMatch(/never takes the value "sdg"; its values are sgd, adam/);
    expect(
      refusal([choice("o", ["sgd", "adam"]), { ...range("m", 0, 1), activeIf: "o > 1" }]),
    ).toMatch(/choice of texts; compare it with ==/);
    expect(refusal([range("x", 0, 1), { ...range("m", 0, 1), activeIf: "x == 'a'" }])).toMatch(
      /number range; compare it with a number/,
    );
  });

  it("forbidden clauses refuse points; comparisons of inactive parameters do not apply", () => {
    const c = new ConstraintSet([], space, ["optimizer == 'adam' and lr > 0.01", "momentum > 0.9"]);
    expect(c.isSatisfied({ optimizer: "adam", lr: 0.001, layers: 1 })).toBe(true);
    expect(c.violations({ optimizer: "adam", lr: 0.05, layers: 1 })).toEqual([
      "forbidden: optimizer == 'adam' and lr > 0.01",
    ]);
    expect(
      c.isSatisfied({ optimizer: "sgd", lr: 0.05, momentum: 0.95, nesterov: "no", layers: 1 }),
    ).toBe(false);
    expect(() => new ConstraintSet([], space, ["optimiser == 'adam'"])).toThrow(
      /forbidden clause "optimiser == 'adam'": unknown parameter "optimiser"/,
    );
  });

  it("refuses a constraint on a conditional parameter and points to forbidden clauses", () => {
    expect(() => new ConstraintSet(["momentum <= 0.5"], space)).toThrow(
      /"momentum" is conditional .* write a forbidden clause instead/,
    );
  });
});
