/**
 * The GP generator's worker thread as shipped: built by tsc into dist/ and run from there
 * (worker path resolution next to the compiled module), compared with the in-process result.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Generator, GeneratorInput } from "../../src/generators/generator.js";
import { proposeGp } from "../../src/generators/gp/gpPropose.js";
import { ConstraintSet } from "../../src/space/constraints.js";
import type { Parameter } from "../../src/space/parameters.js";
import { SearchSpace } from "../../src/space/searchSpace.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const distModule = `${root}dist/generators/gpGenerator.js`;

type DistModule = { createGpGenerator: (o?: object) => Generator & { close(): void } };

const PARAMS: Parameter[] = [
  { kind: "range", name: "a", valueType: "float", low: 0, high: 1, log: false },
  { kind: "range", name: "b", valueType: "int", low: 0, high: 5, log: false },
  { kind: "choice", name: "c", valueType: "string", values: ["p", "q"], ordered: false },
];

function input(extra: Partial<GeneratorInput> = {}): GeneratorInput {
  const space = new SearchSpace(PARAMS);
  const completed = [0.1, 0.4, 0.7, 0.9, 0.3, 0.55].map((a, i) => {
    const point = { a, b: i % 6, c: i % 2 ? "p" : "q" };
    return { point, values: { f: (a - 0.5) ** 2 + (i % 6) / 10 }, sems: { f: null } };
  });
  return {
    space,
    constraints: new ConstraintSet(["a + b <= 4"], space),
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 9,
    proposedByNode: 0,
    campaignDir: "",
    ...extra,
  };
}

describe("GP worker thread from dist", () => {
  let mod: DistModule;

  beforeAll(async () => {
    // dist/ is built once before the tests (test/globalSetup.ts, or scripts/test-all.sh):
    // rebuilding it here would rewrite files other test files' CLI processes are loading.
    expect(existsSync(distModule), `${distModule} is missing: run "npm run build"`).toBe(true);
    mod = (await import(pathToFileURL(distModule).href)) as DistModule;
  }, 300_000);

  it("proposes the same valid points as the in-process model", async () => {
    const gen = mod.createGpGenerator();
    try {
      const viaWorker = await gen.propose(input(), 2);
      expect(viaWorker).toEqual(proposeGp(input(), 2));
      const inp = input();
      for (const p of viaWorker) {
        expect(inp.space.check(p)).toBeNull();
        expect(inp.constraints.isSatisfied(p)).toBe(true);
      }
    } finally {
      gen.close();
    }
  });

  it("rejects with a GeneratorError when aborted, and works again afterwards", async () => {
    const gen = mod.createGpGenerator();
    try {
      const ctl = new AbortController();
      const pending = gen.propose(input({ signal: ctl.signal }), 1);
      ctl.abort(new Error("shutdown"));
      await expect(pending).rejects.toMatchObject({ code: "GENERATOR_ERROR" });
      const again = await gen.propose(input(), 1);
      expect(again).toHaveLength(1);
    } finally {
      gen.close();
    }
  });
});
