import { describe, expect, it } from "vitest";
import { proposeWithRejection } from "../../../src/generators/rejectionSampling.js";
import type { Point } from "../../../src/space/parameters.js";
import { makeInput, range } from "./generatorInputs.js";

const PARAMS = [range("x", 0, 9, "int")];

function* counting(values: readonly number[], pulled: { n: number }): IterableIterator<Point> {
  for (const x of values) {
    pulled.n++;
    yield { x };
  }
}

describe("proposeWithRejection", () => {
  it("takes draws in order, skipping infeasible and tried ones, and stops when it has n", () => {
    const pulled = { n: 0 };
    const input = makeInput(PARAMS, ["x >= 2"], { completed: [{ x: 3 }], failed: [{ x: 5 }] });
    const out = proposeWithRejection(input, 3, {
      generator: "t",
      draws: counting([1, 3, 4, 4, 5, 6, 7, 8, 9], pulled),
      enumerate: null,
    });
    expect(out).toEqual([{ x: 4 }, { x: 6 }, { x: 7 }]);
    expect(pulled.n).toBe(7);
  });

  it("fills from the listing the points the draws missed, in listing order", () => {
    const out = proposeWithRejection(makeInput(PARAMS, ["x <= 4"]), 4, {
      generator: "t",
      draws: counting([2, 2, 2], { n: 0 }),
      enumerate: () => counting([0, 1, 2, 3, 4, 5], { n: 0 }),
    });
    expect(out).toEqual([{ x: 2 }, { x: 0 }, { x: 1 }, { x: 3 }]);
  });

  it("without a listing repeats the least-tried feasible draws, in drawing order", () => {
    const input = makeInput(PARAMS, [], { pending: [{ x: 7 }, { x: 7 }] });
    const out = proposeWithRejection(input, 5, {
      generator: "t",
      draws: counting([7, 3, 3, 8], { n: 0 }),
      enumerate: null,
    });
    expect(out).toEqual([{ x: 3 }, { x: 8 }, { x: 3 }, { x: 8 }, { x: 7 }]);
  });

  it("stops after maxDraws draws and names the constraint every draw violated", () => {
    const pulled = { n: 0 };
    const input = makeInput(PARAMS, ["x >= 100", "x <= 8"]);
    expect(() =>
      proposeWithRejection(input, 1, {
        generator: "t",
        draws: counting([1, 2, 9, 4, 5, 6], pulled),
        enumerate: null,
        maxDraws: 4,
      }),
    ).toThrow(/^t: none of 4 points .*every point violated "x >= 100", so this constraint looks/);
    expect(pulled.n).toBe(4);
  });

  it("refuses a negative or fractional count", () => {
    const opts = { generator: "t", draws: [], enumerate: null };
    expect(() => proposeWithRejection(makeInput(PARAMS), -1, opts)).toThrow(RangeError);
    expect(() => proposeWithRejection(makeInput(PARAMS), 1.5, opts)).toThrow(RangeError);
  });
});
