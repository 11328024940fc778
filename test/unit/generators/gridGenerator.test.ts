import { describe, expect, it } from "vitest";
import { Grid, createGridGenerator, proposeGrid } from "../../../src/generators/gridGenerator.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import { choice, fixed, makeInput, range } from "./generatorInputs.js";

describe("grid generator", () => {
  it("enumerates the full factorial with the last parameter varying fastest", () => {
    const params = [choice("opt", ["sgd", "adam"]), fixed("e", 3), range("n", 1, 3, "int")];
    expect(proposeGrid(makeInput(params), 6)).toEqual([
      { opt: "sgd", e: 3, n: 1 },
      { opt: "sgd", e: 3, n: 2 },
      { opt: "sgd", e: 3, n: 3 },
      { opt: "adam", e: 3, n: 1 },
      { opt: "adam", e: 3, n: 2 },
      { opt: "adam", e: 3, n: 3 },
    ]);
  });

  it("gives float ranges evenly spaced levels including both bounds (log spaced for log)", () => {
    const params = [range("x", 0, 0.3), range("lr", 1e-3, 1e-1, "float", true)];
    const grid = new Grid(new SearchSpace(params), { floatLevels: 4 });
    const xs = Array.from({ length: 4 }, (_, i) => grid.axes[0]!.valueAt(i));
    expect(xs).toEqual([0, 0.1, 0.2, 0.3]);
    const g3 = new Grid(new SearchSpace(params), { floatLevels: 3 });
    expect([0, 1, 2].map((i) => g3.axes[1]!.valueAt(i))).toEqual([0.001, 0.01, 0.1]);
    const g1 = new Grid(new SearchSpace(params), { floatLevels: 1 });
    expect(g1.axes[0]!.valueAt(0)).toBe(0.15);
    expect(g1.axes[1]!.valueAt(0)).toBe(0.01);
    expect(grid.size).toBe(16);
  });

  it("uses 5 float levels by default and refuses fewer than 1", () => {
    expect(new Grid(new SearchSpace([range("x", 0, 1)])).size).toBe(5);
    expect(() => new Grid(new SearchSpace([range("x", 0, 1)]), { floatLevels: 0 })).toThrow(
      RangeError,
    );
  });

  it("continues from grid index proposedByNode, skipping tried points", () => {
    const params = [range("n", 1, 6, "int")];
    const first = proposeGrid(makeInput(params), 2);
    expect(first.map((p) => p.n)).toEqual([1, 2]);
    const next = proposeGrid(makeInput(params, [], { proposedByNode: 2, completed: first }), 2);
    expect(next.map((p) => p.n)).toEqual([3, 4]);
  });

  it("skips grid points that violate the constraints", () => {
    const params = [range("a", 0, 3, "int"), range("b", 0, 3, "int")];
    const points = proposeGrid(makeInput(params, ["a + b <= 2", "a != 1"]), 5);
    expect(points).toEqual([
      { a: 0, b: 0 },
      { a: 0, b: 1 },
      { a: 0, b: 2 },
      { a: 2, b: 0 },
      { a: 0, b: 0 },
    ]);
  });

  it("handles huge integer ranges without building them", () => {
    const params = [range("a", 0, 1e6, "int"), range("b", -1e6, 1e6, "int")];
    const grid = new Grid(new SearchSpace(params));
    expect(grid.size).toBe((1e6 + 1) * (2e6 + 1));
    expect(grid.pointAt(2e6 + 2)).toEqual({ a: 1, b: -1e6 + 1 });
    const points = proposeGrid(makeInput(params, [], { proposedByNode: 7 }), 3);
    expect(points.map((p) => p.b)).toEqual([-1e6 + 7, -1e6 + 8, -1e6 + 9]);
    const huge = new Grid(new SearchSpace([...params, range("c", 0, 1e9, "int")]));
    expect(huge.size).toBe(Infinity);
  });

  it("does not depend on the seed", async () => {
    const params = [range("x", 0, 1), choice("c", [1, 2])];
    const gen = createGridGenerator({ floatLevels: 3 });
    const a = await gen.propose(makeInput(params, [], { seed: 1 }), 4);
    const b = await gen.propose(makeInput(params, [], { seed: 2 }), 4);
    expect(b).toEqual(a);
  });
});
