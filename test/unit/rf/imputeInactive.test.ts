import { describe, expect, it } from "vitest";
import { makeImputer } from "../../../src/generators/rf/imputeInactive.js";
import { SMAC_FOREST, fitForest, predictForest } from "../../../src/generators/rf/randomForest.js";
import { levelOf } from "../../../src/generators/rf/regressionTree.js";
import { createRng } from "../../../src/generators/rng.js";

describe("imputeInactive (the forest's view of inactive coordinates)", () => {
  it("maps NaN to -1 on numeric features and to an extra level on conditional categories, keeping active values", () => {
    // f0 numeric conditional, f1 categorical (3 levels) conditional, f2 categorical always active.
    const imp = makeImputer([true, true, false], Int32Array.from([0, 3, 2]));
    expect([...imp.cat]).toEqual([0, 4, 2]);
    const active = imp.apply(Float64Array.from([0.25, 0.5, 0.9]));
    expect(active[0]).toBe(0.25);
    expect(levelOf(active[1]!, 4)).toBe(1); // level 1 of 3 stays level 1
    expect(active[1]).toBeCloseTo(1.5 / 4, 12);
    expect(active[2]).toBe(0.9);
    const inactive = imp.apply(Float64Array.from([NaN, NaN, 0.1]));
    expect(inactive[0]).toBe(-1);
    expect(levelOf(inactive[1]!, 4)).toBe(3); // the extra "inactive" level
    for (const u of [0, 0.34, 0.67, 0.999])
      expect(levelOf(imp.apply(Float64Array.from([0, u, 0]))[1]!, 4)).toBe(levelOf(u, 3));
    // Nothing conditional: rows pass through unchanged (no copy).
    const flat = makeImputer([false, false], Int32Array.from([0, 2]));
    const row = Float64Array.from([0.3, 0.6]);
    expect(flat.apply(row)).toBe(row);
  });

  it("lets a forest tell inactive trials apart: a cost of 10 when inactive, the value when active", () => {
    const imp = makeImputer([true, false], Int32Array.from([0, 0]));
    const rng = createRng(3);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 60; i++) {
      const on = i % 2 === 0;
      const v = rng.uniform();
      const row = imp.apply(Float64Array.from([on ? v : NaN, rng.uniform()]));
      x.push(...row);
      y.push(on ? v : 10);
    }
    const forest = fitForest(
      { x: Float64Array.from(x), y: Float64Array.from(y), n: 60, d: 2, cat: imp.cat },
      { ...SMAC_FOREST, logY: false },
      createRng(1),
    );
    const off = predictForest(forest, imp.apply(Float64Array.from([NaN, 0.5]))).mean;
    const on = predictForest(forest, imp.apply(Float64Array.from([0.1, 0.5]))).mean;
    expect(off).toBeGreaterThan(9);
    expect(on).toBeLessThan(0.5);
  });
});
