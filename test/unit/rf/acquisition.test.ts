import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/generators/rng.js";
import { climb, maximizeAcquisition, SMAC_SEARCH } from "../../../src/generators/rf/localSearch.js";
import { logNormalEiDirect, logNormalLogEi } from "../../../src/generators/rf/logNormalEi.js";
import {
  fitLogScale,
  logScaleCosts,
  percentile,
} from "../../../src/generators/rf/logScaledCosts.js";
import {
  buildNeighbourhood,
  SMAC_NEIGHBOURHOOD,
} from "../../../src/generators/rf/neighbourhood.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import { choice, range } from "../generators/generatorInputs.js";

/** E[max(0, e^f - e^Y)], Y ~ N(m, s^2), by the trapezoid rule over +-12 s. */
function eiByQuadrature(m: number, s: number, f: number): number {
  const steps = 200000;
  const lo = m - 12 * s;
  const h = (24 * s) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const y = lo + i * h;
    const pdf = Math.exp(-0.5 * ((y - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    const w = i === 0 || i === steps ? 0.5 : 1;
    sum += w * Math.max(0, Math.exp(f) - Math.exp(y)) * pdf;
  }
  return sum * h;
}

describe("log-scaled costs (SMAC's RunHistoryLogScaledEncoder)", () => {
  it("takes numpy's linear-interpolation percentile", () => {
    expect(percentile([1, 2, 3, 4, 5], 5)).toBeCloseTo(1.2, 14);
    expect(percentile([10, 1, 3], 5)).toBeCloseTo(1.2, 14);
    expect(percentile([7], 5)).toBe(7);
  });

  it("scales into (0, 1] below the 5th percentile's gap and takes the log", () => {
    const y = logScaleCosts([1, 2, 3, 4, 5]);
    const lower = 0.8 - 1e-10;
    expect(y[4]).toBe(0);
    expect(y[0]).toBeCloseTo(Math.log((1 - lower) / (5 - lower)), 12);
    expect(y[2]).toBeCloseTo(Math.log((3 - lower) / (5 - lower)), 12);
    expect(fitLogScale([1, 2, 3, 4, 5]).upper).toBe(5);
  });

  it("stays finite when every cost is equal or negative", () => {
    for (const costs of [
      [3, 3, 3],
      [-5, -1, -2],
      [0, 0],
    ]) {
      for (const v of logScaleCosts(costs)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe("expected improvement of a log-normal cost (SMAC's EI with log=True)", () => {
  it.each([
    [0, 1, 0],
    [-0.5, 0.3, -1],
    [-2, 0.8, -1.5],
    [1, 2, -1],
  ])("equals the closed form and the integral at m=%d s=%d f=%d", (m, s, f) => {
    const direct = logNormalEiDirect(m, s, f);
    expect(logNormalLogEi(m, s, f)).toBeCloseTo(Math.log(direct), 9);
    expect(Math.log(eiByQuadrature(m, s, f))).toBeCloseTo(Math.log(direct), 5);
  });

  it("stays finite and ordered far below the incumbent, where the closed form cancels to 0", () => {
    expect(logNormalEiDirect(10, 0.2, 0)).toBe(0);
    const far = logNormalLogEi(10, 0.2, 0);
    const farther = logNormalLogEi(12, 0.2, 0);
    expect(Number.isFinite(far)).toBe(true);
    expect(farther).toBeLessThan(far);
    // More spread is worth more at the same mean.
    expect(logNormalLogEi(10, 0.4, 0)).toBeGreaterThan(far);
  });

  it("is about e^f - e^m for a sure improvement", () => {
    expect(Math.exp(logNormalLogEi(-3, 1e-5, 0))).toBeCloseTo(1 - Math.exp(-3), 6);
  });
});

describe("one-exchange neighbourhood", () => {
  const space = new SearchSpace([
    range("x", 0, 1),
    range("k", 1, 9, "int"),
    range("b", 16, 1024, "int", true),
    choice("act", ["relu", "tanh", "gelu", "silu"]),
    choice("w", [32, 64, 128], true),
  ]);
  const nb = buildNeighbourhood(space);
  const start = space.encode({ x: 0.5, k: 5, b: 128, act: "tanh", w: 64 });

  it("changes exactly one parameter to another valid value", () => {
    const ns = nb.neighbours(start, createRng(1));
    expect(ns.length).toBeGreaterThan(8);
    for (const n of ns) {
      const changed = Array.from(n).filter((v, i) => v !== start[i]);
      expect(changed).toHaveLength(1);
      expect(Array.from(space.snap(n))).toEqual(Array.from(n));
    }
  });

  it("offers every other unordered choice, the adjacent ordered ones and both adjacent integers", () => {
    const points = nb.neighbours(start, createRng(2)).map((n) => space.decode(n));
    const acts = points
      .filter((p) => p.act !== "tanh")
      .map((p) => p.act)
      .sort();
    expect(acts).toEqual(["gelu", "relu", "silu"]);
    const widths = points
      .filter((p) => p.w !== 64)
      .map((p) => p.w)
      .sort();
    expect(widths).toEqual([128, 32]);
    const ks = points.filter((p) => p.k !== 5).map((p) => p.k);
    expect(ks).toEqual(expect.arrayContaining([4, 6]));
    const bs = points.filter((p) => p.b !== 128).map((p) => p.b as number);
    expect(bs.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...bs.map((b) => Math.abs(b - 128)))).toBeLessThan(20);
    expect(points.filter((p) => p.x !== 0.5)).toHaveLength(4);
  });

  it("draws numNeighbours continuous neighbours with the given standard deviation (SMAC's 8 at 0.05)", () => {
    const smac = buildNeighbourhood(space, SMAC_NEIGHBOURHOOD);
    const rng = createRng(3);
    const steps: number[] = [];
    for (let t = 0; t < 200; t++) {
      const xs = smac
        .neighbours(start, rng)
        .map((n) => space.decode(n))
        .filter((p) => p.x !== 0.5)
        .map((p) => (p.x as number) - 0.5);
      expect(xs).toHaveLength(8);
      steps.push(...xs);
    }
    const sd = Math.sqrt(steps.reduce((a, b) => a + b * b, 0) / steps.length);
    expect(sd).toBeGreaterThan(0.045);
    expect(sd).toBeLessThan(0.055);
    expect(Math.max(...steps.map(Math.abs))).toBeLessThan(0.3);
  });
});

describe("local search", () => {
  const space = new SearchSpace([range("x", 0, 1), choice("c", ["a", "b", "c", "d", "e"])]);
  const nb = buildNeighbourhood(space);
  const score = (u: Float64Array): number => {
    const p = space.decode(u);
    return -(((p.x as number) - 0.3) ** 2) - (p.c === "d" ? 0 : 1);
  };

  it("climbs to the optimum of a smooth acquisition from a far start", () => {
    const start = space.encode({ x: 0.95, c: "a" });
    const end = climb(
      { u: start, value: score(start) },
      { neighbourhood: nb, score, incumbents: [], rng: createRng(3) },
      SMAC_SEARCH,
    );
    const p = space.decode(end.u);
    expect(p.c).toBe("d");
    expect(Math.abs((p.x as number) - 0.3)).toBeLessThan(0.05);
  });

  it("walks a plateau at most plateauSteps times", () => {
    let calls = 0;
    const flat = (): number => {
      calls++;
      return 1;
    };
    const start = space.encode({ x: 0.5, c: "a" });
    climb(
      { u: start, value: 1 },
      { neighbourhood: nb, score: flat, incumbents: [], rng: createRng(4) },
      { ...SMAC_SEARCH, plateauSteps: 3 },
    );
    // 4 neighbourhoods looked at (8 neighbours each): the start and 3 plateau moves.
    expect(calls).toBe(4 * 8);
  });

  it("returns the best candidates first and respects feasibility", () => {
    const feasible = (u: Float64Array): boolean => space.decode(u).c !== "d";
    const ranked = maximizeAcquisition(
      {
        neighbourhood: nb,
        score,
        feasible,
        incumbents: [space.encode({ x: 0.9, c: "b" })],
        rng: createRng(5),
      },
      { ...SMAC_SEARCH, randomCandidates: 500 },
    );
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i]!.value).toBeLessThanOrEqual(ranked[i - 1]!.value);
    expect(ranked.every((r) => feasible(r.u))).toBe(true);
    expect(Math.abs((space.decode(ranked[0]!.u).x as number) - 0.3)).toBeLessThan(0.05);
  });
});

describe("the one-exchange neighbourhood in a conditional space", () => {
  it("never moves an inactive coordinate, and a move that activates a parameter gives it a value", () => {
    const space = new SearchSpace([
      choice("opt", ["sgd", "adam"]),
      { ...range("momentum", 0, 1), activeIf: "opt == 'sgd'" },
      { ...range("beta", 0, 1), activeIf: "opt == 'adam'" },
    ]);
    const nb = buildNeighbourhood(space);
    const u = space.encode({ opt: "sgd", momentum: 0.3 });
    expect(Number.isNaN(u[2]!)).toBe(true);
    const all = nb.neighbours(u, createRng(4));
    expect(all.length).toBeGreaterThan(0);
    for (const n of all) {
      const p = space.decode(n);
      expect(space.check(p)).toBeNull();
      if (p.opt === "adam") {
        // The switch activates beta (drawn) and leaves momentum out.
        expect(Number.isFinite(n[2]!)).toBe(true);
        expect(Number.isNaN(n[1]!)).toBe(true);
      } else {
        expect(Number.isNaN(n[2]!)).toBe(true);
        expect(p.momentum).not.toBe(0.3);
      }
    }
    expect(all.some((n) => space.decode(n).opt === "adam")).toBe(true);
  });
});

describe("random candidates of the acquisition search in a conditional space", () => {
  it("have their inactive coordinates NaN, as the forest's training rows do", () => {
    const space = new SearchSpace([
      choice("opt", ["sgd", "adam"]),
      { ...range("momentum", 0, 1), activeIf: "opt == 'sgd'" },
      { ...range("beta", 0, 1), activeIf: "opt == 'adam'" },
    ]);
    const nb = buildNeighbourhood(space);
    const seen: string[] = [];
    const ranked = maximizeAcquisition(
      {
        neighbourhood: nb,
        score: (u) => {
          // Exactly one branch parameter is set: the other is inactive.
          expect(Number.isNaN(u[1]!) !== Number.isNaN(u[2]!)).toBe(true);
          seen.push(space.decode(u).opt as string);
          return 0;
        },
        incumbents: [],
        rng: createRng(8),
      },
      { ...SMAC_SEARCH, randomCandidates: 200, randomStarts: 0 },
    );
    expect(ranked.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(["sgd", "adam"]));
  });
});
