import { describe, expect, it } from "vitest";
import {
  appendCholesky,
  cholesky,
  inverseFromCholesky,
  logDet,
  solveCholesky,
} from "../../../src/generators/gp/cholesky.js";

const A = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);

describe("cholesky", () => {
  it("solves A x = b and gives log det and the inverse", () => {
    const f = cholesky(A, 3)!;
    expect(f.jitter).toBe(0);
    const x = solveCholesky(f, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j]! * x[j]!;
      expect(s).toBeCloseTo(i + 1, 12);
    }
    // det = 4*(15-1) - 2*(6-0.4) + 0.4*(2-2) = 56 - 11.2 = 44.8
    expect(logDet(f)).toBeCloseTo(Math.log(44.8), 12);
    const inv = inverseFromCholesky(f);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
  });

  it("adds jitter to a singular matrix instead of failing", () => {
    const s = Float64Array.from([1, 1, 1, 1]);
    const f = cholesky(s, 2);
    expect(f).not.toBeNull();
    expect(f!.jitter).toBeGreaterThan(0);
  });

  it("returns null for a clearly indefinite matrix", () => {
    expect(cholesky(Float64Array.from([1, 0, 0, -1]), 2)).toBeNull();
  });

  it("appending a row equals factorizing the bigger matrix", () => {
    const f2 = cholesky(Float64Array.from([4, 2, 2, 5]), 2)!;
    const f3 = appendCholesky(f2, [0.4, 1], 3)!;
    const direct = cholesky(A, 3)!;
    for (let i = 0; i < 9; i++) expect(f3.l[i]).toBeCloseTo(direct.l[i]!, 12);
  });
});
