import { describe, expect, it } from "vitest";
import { Rng, createRng } from "../../../src/generators/rng.js";

describe("Rng (xoshiro128**)", () => {
  it("matches the reference xoshiro128** outputs for state [1, 2, 3, 4]", () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 8 }, () => rng.nextUint32());
    expect(out).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
  });

  it("gives the same numbers for the same seed and stream", () => {
    const a = createRng(42, 7);
    const b = createRng(42, 7);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
  });

  it("gives different numbers for different seeds, streams and stream depths", () => {
    const first = (r: Rng): number[] => Array.from({ length: 4 }, () => r.nextUint32());
    const keys = [
      first(createRng(1)),
      first(createRng(2)),
      first(createRng(1, 0)),
      first(createRng(1, 1)),
      first(createRng(1, 0, 0)),
      first(createRng(-1)),
      first(createRng(0.5)),
    ];
    const texts = new Set(keys.map((k) => k.join(",")));
    expect(texts.size).toBe(keys.length);
  });

  it("treats -0 and 0 as the same seed and refuses non-finite seeds", () => {
    expect(createRng(-0).nextUint32()).toBe(createRng(0).nextUint32());
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });

  it("derive(i) equals createRng(seed, i)", () => {
    expect(createRng(3).derive(9).uniform()).toBe(createRng(3, 9).uniform());
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const rng = createRng(123);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("draws normals with mean 0, variance 1 and about 95% within 1.96", () => {
    const rng = createRng(5);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) < 1.959964) inside++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(inside / n - 0.95)).toBeLessThan(0.004);
  });

  it("draws every integer of a range equally often, and only those", () => {
    const rng = createRng(9);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.integerIn(3, 9);
      if (!(Number.isInteger(k) && k >= 3 && k <= 9)) outside++;
      else counts[k - 3]!++;
    }
    expect(outside).toBe(0);
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(400);
    const big = rng.integer(2 ** 40);
    expect(Number.isInteger(big) && big >= 0 && big < 2 ** 40).toBe(true);
    expect(() => rng.integer(0)).toThrow(RangeError);
  });

  it("shuffles into a permutation, reproducibly", () => {
    const a = createRng(1).shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = createRng(1).shuffle([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(a).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
