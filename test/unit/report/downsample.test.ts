import { describe, expect, it } from "vitest";
import { evenSample } from "../../../src/report/downsample.js";

describe("evenSample", () => {
  it("keeps everything up to the cap", () => {
    expect(evenSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps the required positions and fills the cap with evenly spaced others", () => {
    const s = evenSample(1000, 100, new Set([999, 500, 3]));
    expect(s.length).toBeLessThanOrEqual(100);
    expect(s.length).toBeGreaterThan(95);
    for (const k of [3, 500, 999]) expect(s).toContain(k);
    expect([...s].sort((a, b) => a - b)).toEqual(s);
    // Evenly spaced: no gap much wider than 1000/97.
    for (let i = 1; i < s.length; i++) expect(s[i]! - s[i - 1]!).toBeLessThanOrEqual(11);
  });
});
