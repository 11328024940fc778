import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  SOBOL_MAX_DIM,
  SobolSequence,
  sobolPoints,
} from "../../../src/generators/sobol/sobolSequence.js";

const FIXTURES = new URL("../../fixtures/sobol/", import.meta.url);

interface PointsFixture {
  d: number;
  n: number;
  points: number[][];
}
interface ColumnsFixture {
  d: number;
  n: number;
  columns: number[];
  values: number[][];
}

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
}

/** How many of the points fall into each of the 2^k intervals [j/2^k, (j+1)/2^k) of column d. */
function intervalCounts(points: Float64Array[], d: number, k: number): number[] {
  const counts = new Array<number>(2 ** k).fill(0);
  for (const p of points) counts[Math.floor(p[d]! * 2 ** k)]!++;
  return counts;
}

describe("unscrambled Sobol sequence", () => {
  it.each([1, 2, 6, 20])("equals scipy's qmc.Sobol(%i, scramble=False) points exactly", (d) => {
    const fx = readFixture(`unscrambled-d${d}.json`) as PointsFixture;
    const pts = new SobolSequence(d, { scramble: false }).take(fx.n);
    expect(pts.map((p) => Array.from(p))).toEqual(fx.points);
  });

  it("equals scipy in high dimensions (columns of d = 1111)", () => {
    const fx = readFixture("unscrambled-d1111-columns.json") as ColumnsFixture;
    expect(SOBOL_MAX_DIM).toBeGreaterThanOrEqual(1111);
    const pts = new SobolSequence(fx.d, { scramble: false }).take(fx.n);
    fx.columns.forEach((c, k) => {
      expect(pts.map((p) => p[c])).toEqual(fx.values[k]);
    });
  });

  it("starts with the point 0 like scipy", () => {
    expect(Array.from(new SobolSequence(3, { scramble: false }).next())).toEqual([0, 0, 0]);
  });

  it("skipTo(i) gives the same points as stepping i times", () => {
    const all = new SobolSequence(7, { seed: 11 }).take(300);
    for (const i of [0, 1, 2, 63, 64, 65, 127, 200]) {
      const seq = new SobolSequence(7, { seed: 11 }).skipTo(i);
      expect(seq.index).toBe(i);
      expect(seq.take(50)).toEqual(all.slice(i, i + 50));
    }
  });

  it("reaches points far along the sequence and refuses indices past 2^32", () => {
    const seq = new SobolSequence(2, { scramble: false }).skipTo(2 ** 32 - 1);
    const p = seq.next();
    expect(p[0]! >= 0 && p[0]! < 1).toBe(true);
    expect(() => seq.next()).toThrow(RangeError);
    expect(() => new SobolSequence(2, { scramble: false }).skipTo(2 ** 32)).toThrow(RangeError);
  });

  it("refuses more dimensions than the direction-number table has", () => {
    expect(() => new SobolSequence(SOBOL_MAX_DIM + 1, { seed: 1 })).toThrow(/dimensions/);
  });

  it("takeFlat lays the same points out row by row", () => {
    const rows = new SobolSequence(3, { seed: 2 }).take(5);
    const flat = new SobolSequence(3, { seed: 2 }).takeFlat(5);
    expect(Array.from(flat)).toEqual(rows.flatMap((r) => Array.from(r)));
  });
});

describe("scrambled Sobol sequence (LMS + digital shift)", () => {
  it("is balanced: each of 2^k intervals per dimension holds n / 2^k of n = 2^m points", () => {
    const m = 10;
    const n = 2 ** m;
    for (const seed of [0, 1, 12345]) {
      const pts = sobolPoints(20, n, { seed });
      for (let d = 0; d < 20; d++) {
        for (const k of [1, 3, 5, m]) {
          expect(intervalCounts(pts, d, k)).toEqual(new Array<number>(2 ** k).fill(n / 2 ** k));
        }
      }
    }
  });

  it("keeps balance on every later block of 2^m points", () => {
    const pts = sobolPoints(5, 64, { seed: 3, skip: 128 });
    for (let d = 0; d < 5; d++) {
      expect(intervalCounts(pts, d, 6)).toEqual(new Array<number>(64).fill(1));
    }
  });

  it("keeps the (0, m, 2)-net property of the first two dimensions", () => {
    const m = 8;
    const pts = sobolPoints(2, 2 ** m, { seed: 77 });
    for (let a = 0; a <= m; a++) {
      const cells = new Map<string, number>();
      for (const p of pts) {
        const key = `${Math.floor(p[0]! * 2 ** a)},${Math.floor(p[1]! * 2 ** (m - a))}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
      }
      expect(cells.size).toBe(2 ** m);
    }
  });

  it("is deterministic by seed and different for different seeds or streams", () => {
    const a = sobolPoints(4, 32, { seed: 99 });
    expect(sobolPoints(4, 32, { seed: 99 })).toEqual(a);
    expect(sobolPoints(4, 32, { seed: 100 })).not.toEqual(a);
    expect(sobolPoints(4, 32, { seed: 99, stream: 1 })).not.toEqual(a);
  });

  it("does not start at 0 and stays inside [0, 1)", () => {
    const pts = sobolPoints(6, 256, { seed: 5 });
    expect(Array.from(pts[0]!).every((v) => v === 0)).toBe(false);
    for (const p of pts) for (const v of p) expect(v >= 0 && v < 1).toBe(true);
  });

  it("scrambles the first dimensions the same whatever the total dimension", () => {
    const small = sobolPoints(3, 16, { seed: 8 });
    const big = sobolPoints(10, 16, { seed: 8 });
    expect(big.map((p) => Array.from(p.subarray(0, 3)))).toEqual(small.map((p) => Array.from(p)));
  });

  it("has a mean close to 1/2 in every dimension (unbiased design)", () => {
    const pts = sobolPoints(8, 512, { seed: 21 });
    for (let d = 0; d < 8; d++) {
      const mean = pts.reduce((s, p) => s + p[d]!, 0) / pts.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.002);
    }
  });
});
