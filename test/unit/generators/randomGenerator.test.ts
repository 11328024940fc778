import { describe, expect, it } from "vitest";
import { proposeRandom, randomUnitPoint } from "../../../src/generators/randomGenerator.js";
import { MIXED, makeInput, range } from "./generatorInputs.js";

describe("random generator", () => {
  it("proposes draw k from its own stream (seed, k), starting at proposedByNode", () => {
    const input = makeInput(MIXED, [], { seed: 12, proposedByNode: 40 });
    const expected = [40, 41, 42, 43].map((k) =>
      input.space.decode(randomUnitPoint(12, k, input.space.dim)),
    );
    expect(proposeRandom(input, 4)).toEqual(expected);
  });

  it("draws independent of batch sizes: 3 + 4 + 3 points equal 10 points", () => {
    const params = [range("x", 0, 1), range("y", 0, 1)];
    const ten = proposeRandom(makeInput(params, [], { seed: 5 }), 10);
    const batched = [];
    for (const n of [3, 4, 3]) {
      const input = makeInput(params, [], {
        seed: 5,
        proposedByNode: batched.length,
        completed: [...batched],
      });
      batched.push(...proposeRandom(input, n));
    }
    expect(batched).toEqual(ten);
  });

  it("spreads points uniformly over the range", () => {
    const points = proposeRandom(makeInput([range("x", -1, 3)], [], { seed: 2 }), 4000);
    const xs = points.map((p) => p.x as number);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.06);
    const quarter = xs.filter((x) => x < 0).length / xs.length;
    expect(Math.abs(quarter - 0.25)).toBeLessThan(0.03);
  });

  it("samples a log-scale range uniformly in log space", () => {
    const points = proposeRandom(
      makeInput([range("lr", 1e-6, 1, "float", true)], [], { seed: 3 }),
      3000,
    );
    const below = points.filter((p) => (p.lr as number) < 1e-3).length / points.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.04);
  });
});
