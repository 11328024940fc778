import { describe, expect, it } from "vitest";
import { GeneratorError } from "../../../src/errors/errors.js";
import type { Generator } from "../../../src/generators/generator.js";
import { createGridGenerator } from "../../../src/generators/gridGenerator.js";
import { createRandomGenerator } from "../../../src/generators/randomGenerator.js";
import { createSobolGenerator } from "../../../src/generators/sobolGenerator.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { MIXED, choice, makeInput, range } from "./generatorInputs.js";

/** Behaviour every sampling generator (sobol, random, grid) must have. */
const GENERATORS: [string, () => Generator][] = [
  ["sobol", () => createSobolGenerator()],
  ["random", () => createRandomGenerator()],
  ["grid", () => createGridGenerator({ floatLevels: 4 })],
];

const CONSTRAINED: Parameter[] = [range("a", 0, 10), range("b", 0, 10, "int"), range("c", 1, 5)];
const CONSTRAINTS = ["a + b <= 12", "a >= b", "a * c >= 2"];

/** Proposes in batches of the given sizes, each batch seeing the earlier ones as pending. */
async function proposeInBatches(
  gen: Generator,
  parameters: readonly Parameter[],
  constraints: readonly string[],
  sizes: readonly number[],
  seed = 1,
): Promise<Point[]> {
  const all: Point[] = [];
  for (const n of sizes) {
    const input = makeInput(parameters, constraints, {
      seed,
      proposedByNode: all.length,
      pending: [...all],
    });
    all.push(...(await gen.propose(input, n)));
  }
  return all;
}

describe.each(GENERATORS)("%s generator", (name, make) => {
  it("has its model name", () => {
    expect(make().name).toBe(name);
  });

  it("proposes points valid for the space: bounds, integers, choices, fixed values", async () => {
    const input = makeInput(MIXED);
    const points = await make().propose(input, 60);
    expect(points).toHaveLength(60);
    for (const p of points) expect(input.space.check(p)).toBeNull();
  });

  it("proposes only points that satisfy the constraints", async () => {
    const input = makeInput(CONSTRAINED, CONSTRAINTS);
    const points = await make().propose(input, 40);
    expect(points).toHaveLength(40);
    for (const p of points) {
      expect(input.constraints.violations(p)).toEqual([]);
      expect(input.space.check(p)).toBeNull();
    }
  });

  it("never repeats a completed, failed, pending or just-proposed point", async () => {
    const first = await make().propose(makeInput(MIXED), 12);
    const input = makeInput(MIXED, [], {
      completed: first.slice(0, 4),
      failed: first.slice(4, 8),
      pending: first.slice(8),
    });
    const next = await make().propose(input, 30);
    const keys = new Set(first.map((p) => input.space.key(p)));
    for (const p of next) {
      const key = input.space.key(p);
      expect(keys.has(key)).toBe(false);
      keys.add(key);
    }
  });

  it("is reproducible: the same seed and history give the same points", async () => {
    const history = {
      seed: 7,
      proposedByNode: 3,
      completed: [{ x: 0.5, lr: 0.01, layers: 2, batch: 64, act: "relu", width: 64, epochs: 10 }],
    };
    const a = await make().propose(makeInput(MIXED, ["layers <= 6"], history), 15);
    const b = await make().propose(makeInput(MIXED, ["layers <= 6"], history), 15);
    expect(b).toEqual(a);
  });

  it("is resumable: proposing 5 and then 5 gives the same points as proposing 10", async () => {
    const gen = make();
    const once = await proposeInBatches(gen, CONSTRAINED, CONSTRAINTS, [10]);
    expect(await proposeInBatches(gen, CONSTRAINED, CONSTRAINTS, [5, 5])).toEqual(once);
    expect(await proposeInBatches(gen, CONSTRAINED, CONSTRAINTS, [3, 1, 6])).toEqual(once);
    const mixed = await proposeInBatches(gen, MIXED, [], [10]);
    expect(await proposeInBatches(gen, MIXED, [], [5, 5])).toEqual(mixed);
  });

  it("raises SPACE_INFEASIBLE naming the constraint no point can satisfy", async () => {
    const input = makeInput([range("x", 0, 1), range("y", 0, 1)], ["x + y >= 3", "x <= 0.5"]);
    const error = await make()
      .propose(input, 2)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GeneratorError);
    expect((error as GeneratorError).code).toBe("SPACE_INFEASIBLE");
    expect((error as GeneratorError).message).toMatch(/"x \+ y >= 3"/);
    expect((error as GeneratorError).message).not.toMatch(/"x <= 0.5" looks/);
    expect((error as GeneratorError).message).toMatch(/x in \[0, 1\]/);
  });

  it("says when a listable discrete space has no feasible point at all", async () => {
    const input = makeInput([range("n", 1, 3, "int"), choice("c", ["u", "v"])], ["n >= 10"]);
    await expect(make().propose(input, 1)).rejects.toThrow(
      /none of the 6 points of the (search space|grid) .*"n >= 10".*\(n in \[1, 3\]\)/,
    );
  });

  it("says when constraints are only infeasible together", async () => {
    const input = makeInput([range("x", 0, 1)], ["x <= 0.3", "x >= 0.7"]);
    await expect(make().propose(input, 1)).rejects.toThrow(/together look infeasible/);
  });

  it("repeats points only once every distinct feasible point was tried, round-robin", async () => {
    const params = [choice("k", ["a", "b", "c"]), range("m", 1, 3, "int")];
    const constraints = ["m <= 2"]; // 6 feasible points
    const gen = make();
    const ten = await proposeInBatches(gen, params, constraints, [10]);
    const keys = ten.map((p) => `${p.k}${p.m}`);
    expect(new Set(keys.slice(0, 6)).size).toBe(6);
    // Repeats go round-robin in listing order (itertools.product order).
    expect(keys.slice(6)).toEqual(["a1", "a2", "b1", "b2"]);
    for (const p of ten) expect(p.m).toBeLessThanOrEqual(2);
    expect(await proposeInBatches(gen, params, constraints, [4, 4, 2])).toEqual(ten);
  });

  it("proposes nothing for n = 0", async () => {
    expect(await make().propose(makeInput(MIXED), 0)).toEqual([]);
  });
});

describe.each(GENERATORS.slice(0, 2))("%s generator seeding", (_name, make) => {
  it("gives different points for different seeds", async () => {
    const a = await make().propose(makeInput(MIXED, [], { seed: 1 }), 5);
    const b = await make().propose(makeInput(MIXED, [], { seed: 2 }), 5);
    expect(b).not.toEqual(a);
  });

  it("finds the rare feasible points of a narrow constraint", async () => {
    // Feasible fraction 0.2%: still found within the draw budget.
    const input = makeInput([range("x", 0, 1), range("y", 0, 1)], ["x + y <= 0.0632"]);
    const points = await make().propose(input, 3);
    for (const p of points) expect((p.x as number) + (p.y as number)).toBeLessThanOrEqual(0.0632);
  });
});
