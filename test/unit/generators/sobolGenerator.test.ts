import { describe, expect, it } from "vitest";
import { GeneratorError } from "../../../src/errors/errors.js";
import { SOBOL_MAX_DIM, SobolSequence } from "../../../src/generators/sobol/sobolSequence.js";
import { createSobolGenerator, proposeSobol } from "../../../src/generators/sobolGenerator.js";
import type { Parameter } from "../../../src/space/parameters.js";
import { MIXED, fixed, makeInput, range } from "./generatorInputs.js";

describe("sobol generator", () => {
  it("proposes the decoded scrambled Sobol points of the campaign seed, in order", () => {
    const input = makeInput(MIXED, [], { seed: 31 });
    const expected = new SobolSequence(input.space.dim, { seed: 31 })
      .take(8)
      .map((u) => input.space.decode(u));
    expect(proposeSobol(input, 8)).toEqual(expected);
  });

  it("continues the sequence at index proposedByNode", () => {
    const input = makeInput([range("x", 0, 1), range("y", -5, 5)], [], {
      seed: 4,
      proposedByNode: 100,
    });
    const expected = new SobolSequence(2, { seed: 4 })
      .skipTo(100)
      .take(3)
      .map((u) => input.space.decode(u));
    expect(proposeSobol(input, 3)).toEqual(expected);
  });

  it("gives 64 proposals that stratify every dimension into 64 equal intervals", () => {
    const params = [range("a", 0, 1), range("b", 0, 1), range("c", 0, 1)];
    const points = proposeSobol(makeInput(params, [], { seed: 9 }), 64);
    for (const name of ["a", "b", "c"]) {
      const cells = new Set(points.map((p) => Math.floor((p[name] as number) * 64)));
      expect(cells.size).toBe(64);
    }
  });

  it("proposes distinct points in a discrete space too large to list", () => {
    const params = [range("i", 0, 99, "int"), range("j", 0, 99, "int"), range("k", 0, 99, "int")];
    const input = makeInput(params, ["i + j + k <= 150"]);
    const points = proposeSobol(input, 50);
    expect(new Set(points.map((p) => input.space.key(p))).size).toBe(50);
    for (const p of points) expect(input.constraints.isSatisfied(p)).toBe(true);
  });

  it("repeats the only point of a space without free parameters", () => {
    const params = [fixed("a", 1), fixed("b", "x")];
    expect(proposeSobol(makeInput(params), 3)).toEqual([
      { a: 1, b: "x" },
      { a: 1, b: "x" },
      { a: 1, b: "x" },
    ]);
  });

  it("refuses spaces with more free parameters than the direction numbers cover", async () => {
    const params: Parameter[] = Array.from({ length: SOBOL_MAX_DIM + 1 }, (_, i) =>
      range(`p${i}`, 0, 1),
    );
    const error: unknown = await createSobolGenerator()
      .propose(makeInput(params), 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeneratorError);
    expect((error as GeneratorError).code).toBe("GENERATOR_ERROR");
    expect((error as GeneratorError).message).toMatch(/RANDOM/);
  });

  it("gives up after maxDraws draws when nothing is feasible", () => {
    const input = makeInput([range("x", 0, 1)], ["x >= 5"]);
    expect(() => proposeSobol(input, 1, { maxDraws: 37 })).toThrow(/none of 37 points/);
  });
});
