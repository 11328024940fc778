import { describe, expect, it } from "vitest";
import type { GeneratorInput, Observation } from "../../../src/generators/generator.js";
import { generatorFactory } from "../../../src/generators/generatorRegistry.js";
import { strategyNode } from "../../../src/generators/modelNames.js";
import { createRng } from "../../../src/generators/rng.js";
import {
  proposeRandomForest,
  type RandomForestOptions,
} from "../../../src/generators/rf/rfPropose.js";
import {
  MIN_DISTANCE_SHARE,
  minimumDistance,
  nearestDistance,
} from "../../../src/generators/rf/minDistance.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import type { Parameter, Point } from "../../../src/space/parameters.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import type { Campaign } from "../../../src/spec/campaign.js";
import { choice, range } from "../generators/generatorInputs.js";

const PARAMS: Parameter[] = [
  range("x", -2, 2),
  range("k", 1, 9, "int"),
  range("lr", 1e-4, 1, "float", true),
  choice("act", ["relu", "tanh", "gelu", "silu"]),
  choice("opt", ["sgd", "adam", "rmsprop"]),
];

function f(p: Point): number {
  return (
    ((p.x as number) - 0.7) ** 2 +
    0.1 * ((p.k as number) - 3) ** 2 +
    (Math.log10(p.lr as number) + 2) ** 2 +
    (p.act === "tanh" ? 0 : 1) +
    (p.opt === "adam" ? 0 : 0.5)
  );
}

function input(
  completed: Observation[],
  extra: Partial<GeneratorInput> = {},
  constraints: string[] = [],
): GeneratorInput {
  const space = new SearchSpace(PARAMS);
  return {
    space,
    constraints: new ConstraintSet(constraints, space),
    objectives: [{ name: "f", goal: "min" }],
    completed,
    failed: [],
    pending: [],
    seed: 11,
    proposedByNode: 0,
    campaignDir: "",
    ...extra,
  };
}

function observe(points: Point[]): Observation[] {
  return points.map((point) => ({ point, values: { f: f(point) }, sems: { f: null } }));
}

function randomPoints(n: number, seed: number): Point[] {
  const space = new SearchSpace(PARAMS);
  const rng = createRng(seed);
  return Array.from({ length: n }, () => space.decode(rng.uniformVector(space.dim)));
}

/**
 * The forest run sequentially on `space` from 8 random points (seeded), `steps` proposals with
 * `options` (no random interleaving); `seen` looks at each proposal with the points before it.
 */
function forestRun(
  space: SearchSpace,
  cost: (p: Point) => number,
  seed: number,
  steps: number,
  options: RandomForestOptions,
  seen: (p: Point, before: readonly Point[]) => void = () => undefined,
): Point[] {
  const rng = createRng(seed);
  const points = Array.from({ length: 8 }, () => space.decode(rng.uniformVector(space.dim)));
  for (let t = 0; t < steps; t++) {
    const completed = points.map((point) => ({
      point,
      values: { f: cost(point) },
      sems: { f: null },
    }));
    const base = {
      ...input(completed, { seed }),
      space,
      constraints: new ConstraintSet([], space),
    };
    const [p] = proposeRandomForest(base, 1, { randomProbability: 0, ...options });
    seen(p!, points);
    points.push(p!);
  }
  return points;
}

describe("RANDOMFOREST proposals", () => {
  it("are valid, new, distinct within a batch and the same for the same seed and history", () => {
    const history = observe(randomPoints(25, 1));
    const a = proposeRandomForest(input(history), 4);
    const b = proposeRandomForest(input(history), 4);
    expect(a).toEqual(b);
    const space = new SearchSpace(PARAMS);
    const keys = new Set(history.map((o) => space.key(o.point)));
    for (const p of a) {
      expect(space.check(p)).toBeNull();
      expect(keys.has(space.key(p))).toBe(false);
      keys.add(space.key(p));
    }
    expect(proposeRandomForest(input(history, { seed: 12 }), 4)).not.toEqual(a);
  });

  it("do not repeat pending points and keep to the constraints", () => {
    const history = observe(randomPoints(20, 2));
    const pending = proposeRandomForest(input(history), 2, { randomProbability: 0 });
    const next = proposeRandomForest(input(history, { pending }), 3, { randomProbability: 0 });
    const space = new SearchSpace(PARAMS);
    for (const p of next) expect(pending.map((q) => space.key(q))).not.toContain(space.key(p));
    const constrained = proposeRandomForest(input(history, {}, ["x + k <= 3"]), 5);
    for (const p of constrained)
      expect((p.x as number) + (p.k as number)).toBeLessThanOrEqual(3 + 1e-9);
  });

  it("find clearly better points than random search on a mixed space within 32 trials", () => {
    const bestRf: number[] = [];
    const bestRandom: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const history = observe(randomPoints(8, 100 + seed));
      for (let t = 0; t < 24; t++) {
        const [p] = proposeRandomForest(input(history, { seed }), 1);
        history.push(...observe([p!]));
      }
      bestRf.push(Math.min(...history.map((o) => o.values.f!)));
      bestRandom.push(Math.min(...randomPoints(32, 200 + seed).map(f)));
    }
    const sum = (v: number[]): number => v.reduce((s, x) => s + x, 0);
    expect(sum(bestRf)).toBeLessThan(0.5 * sum(bestRandom));
  });

  it("propose random points until two trials have data, and treat failed trials as the worst", () => {
    const space = new SearchSpace(PARAMS);
    const one = proposeRandomForest(input(observe(randomPoints(1, 3))), 2);
    for (const p of one) expect(space.check(p)).toBeNull();
    const history = observe(randomPoints(15, 4));
    const failed = randomPoints(5, 5);
    const withFailed = proposeRandomForest(input(history, { failed }), 2, { randomProbability: 0 });
    for (const p of withFailed) expect(failed.map((q) => space.key(q))).not.toContain(space.key(p));
  });

  it("maximizes an objective whose goal is max", () => {
    const history = observe(randomPoints(30, 6)).map((o) => ({
      ...o,
      values: { f: -o.values.f! },
    }));
    const base = input(history, { objectives: [{ name: "f", goal: "max" }] });
    const picks = proposeRandomForest(base, 3, { randomProbability: 0 });
    const median = [...history.map((o) => -o.values.f)].sort((a, b) => a - b)[15]!;
    expect(picks.filter((p) => f(p) < median).length).toBeGreaterThanOrEqual(2);
  });

  it("is the generator of a RANDOMFOREST strategy node, with the campaign's number of trees", async () => {
    const node = strategyNode("randomforest", "RANDOMFOREST");
    const campaign = { strategy: [node], randomForestTrees: 3 } as unknown as Campaign;
    const gen = generatorFactory(campaign)(node);
    expect(gen.name).toBe("randomforest");
    const history = observe(randomPoints(10, 7));
    const points = await gen.propose(input(history), 2);
    expect(points).toHaveLength(2);
    expect(points).toEqual(proposeRandomForest(input(history), 2, { trees: 3 }));
  });

  it("do not walk through near-copies of the incumbent on a mixed problem, as SMAC's forest does", () => {
    // Mixed-like: a log-scale learning rate whose best value depends on the optimizer, two
    // integers (one log-scale, 505 values) and the optimizer; 8 random points, then 25 proposals.
    const params: Parameter[] = [
      range("lr", 1e-5, 1, "float", true),
      range("layers", 1, 10, "int"),
      range("units", 8, 512, "int", true),
      choice("opt", ["sgd", "adam", "rmsprop"]),
    ];
    const shift: Record<string, number> = { sgd: -1.2, adam: -2.5, rmsprop: -3.2 };
    const cost = (p: Point): number => {
      const d = Math.log10(p.lr as number) - shift[p.opt as string]!;
      const u = Math.log2((p.units as number) / 96);
      return (
        d * d + 0.08 * ((p.layers as number) - 4) ** 2 + 0.3 * u * u + (p.opt === "adam" ? 0 : 0.3)
      );
    };
    const space = new SearchSpace(params);
    const levels = Int32Array.from(space.dimensions, (dim) =>
      dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
    );
    const run = (seed: number, share?: number): { nearCopies: number; best: number } => {
      let nearCopies = 0;
      const points = forestRun(
        space,
        cost,
        seed,
        25,
        share === undefined ? {} : { minDistanceShare: share },
        (p, before) => {
          const tried = before.map((q) => space.encode(q));
          const r = minimumDistance(MIN_DISTANCE_SHARE, tried.length, space.dim);
          if (nearestDistance(space.encode(p), tried, levels) < r) nearCopies++;
        },
      );
      return { nearCopies, best: Math.min(...points.map(cost)) };
    };
    let bestSmac = 0;
    let bestOurs = 0;
    for (const seed of [1, 2, 5]) {
      const smac = run(seed, 0);
      const ours = run(seed);
      expect(smac.nearCopies).toBeGreaterThanOrEqual(4);
      expect(ours.nearCopies).toBe(0);
      bestSmac += smac.best;
      bestOurs += ours.best;
    }
    expect(bestOurs).toBeLessThan(bestSmac);
  });

  it("propose as SMAC's forest does in a continuous space (no minimum distance there)", () => {
    const params = [range("a", 0, 1), range("b", -1, 1)];
    const space = new SearchSpace(params);
    const rng = createRng(9);
    const history = Array.from({ length: 20 }, () => {
      const point = space.decode(rng.uniformVector(2));
      return {
        point,
        values: { f: ((point.a as number) - 0.3) ** 2 + (point.b as number) ** 2 },
        sems: { f: null },
      };
    });
    const base = { ...input(history), space, constraints: new ConstraintSet([], space) };
    expect(proposeRandomForest(base, 3)).toEqual(
      proposeRandomForest(base, 3, { minDistanceShare: 0 }),
    );
    expect(proposeRandomForest(base, 3, { minDistanceShare: 0.5 })).not.toEqual(
      proposeRandomForest(base, 3, { minDistanceShare: 0 }),
    );
  });

  it("keep searching a branch whose random points looked bad, in a conditional space", () => {
    const params: Parameter[] = [
      choice("opt", ["sgd", "adam"]),
      { ...range("momentum", 0, 1), activeIf: "opt == 'sgd'" },
      { ...range("beta", 0, 1), activeIf: "opt == 'adam'" },
    ];
    // sgd: a floor of 1 at momentum 0.5; adam: minimum 0 at beta 0.2, steep around it.
    const cost = (p: Point): number =>
      p.opt === "sgd"
        ? 1 + ((p.momentum as number) - 0.5) ** 2
        : 30 * ((p.beta as number) - 0.2) ** 2;
    const space = new SearchSpace(params);
    // Seed 2: its 8 random points' best is sgd's (1.00), adam's are worse.
    const run = (branchSearchProbability?: number): Point[] =>
      forestRun(
        space,
        cost,
        2,
        16,
        branchSearchProbability === undefined ? {} : { branchSearchProbability },
      );
    const smac = run(0);
    expect(Math.min(...smac.map(cost))).toBeGreaterThan(0.99);
    expect(smac.slice(8).every((p) => p.opt === "sgd")).toBe(true);
    const ours = run();
    for (const p of ours) expect(space.check(p)).toBeNull();
    expect(Math.min(...ours.map(cost))).toBeLessThan(0.01);
    expect(ours.slice(8).filter((p) => p.opt === "adam").length).toBeGreaterThanOrEqual(4);
    expect(ours.slice(8).filter((p) => p.opt === "sgd").length).toBeGreaterThanOrEqual(2);
  });
});
