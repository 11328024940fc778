import { describe, expect, it } from "vitest";
import { defaultPriors, negLogPosterior } from "../../../src/generators/gp/likelihood.js";
import type { TrainingSet } from "../../../src/generators/gp/likelihood.js";
import { buildModel, predictWithGrad } from "../../../src/generators/gp/gpModel.js";
import { logEiWithGrad } from "../../../src/generators/gp/logEi.js";
import { crossKernel, inverseSquares, kernelMatrix } from "../../../src/generators/gp/matern.js";
import { createRng } from "../../../src/generators/rng.js";

function dataset(n: number, d: number, cat: number[], noise = 0): TrainingSet {
  const rng = createRng(7, n, d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) x[i] = rng.uniform();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++)
    y[i] = Math.sin(5 * x[i * d]!) + x[i * d + 1]! ** 2 + 0.1 * rng.normal();
  return { x, y, extraNoise: new Float64Array(n).fill(noise), n, d, cat: Int32Array.from(cat) };
}

function fdCheck(f: (t: Float64Array) => number, grad: Float64Array, theta: Float64Array): void {
  for (let k = 0; k < theta.length; k++) {
    const e = 1e-6;
    const tp = Float64Array.from(theta);
    const tm = Float64Array.from(theta);
    tp[k] = tp[k]! + e;
    tm[k] = tm[k]! - e;
    const fd = (f(tp) - f(tm)) / (2 * e);
    expect(Math.abs(grad[k]! - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
  }
}

describe("Matern-5/2 kernel", () => {
  it("has unit correlation at distance 0 and the closed-form value at r = 1", () => {
    const p = { lengthscales: Float64Array.from([2]), outputscale: 1.5 };
    const k = kernelMatrix(Float64Array.from([0.1, 2.1]), 2, 1, p, new Int32Array(1));
    expect(k[0]).toBe(1.5);
    const s5 = Math.sqrt(5);
    expect(k[1]).toBeCloseTo(1.5 * (1 + s5 + 5 / 3) * Math.exp(-s5), 14);
  });

  it("treats unordered categories as same/different, not by bin distance", () => {
    const p = { lengthscales: Float64Array.from([1]), outputscale: 1 };
    const cat = Int32Array.from([4]);
    // bins of 4 levels: 0.125 (level 0), 0.375 (level 1), 0.875 (level 3)
    const k = kernelMatrix(Float64Array.from([0.125, 0.375, 0.875]), 3, 1, p, cat);
    expect(k[1]).toBeCloseTo(k[2]!, 14);
  });

  it("input gradient matches finite differences", () => {
    const t = dataset(6, 3, [0, 0, 3]);
    const p = { lengthscales: Float64Array.from([0.3, 0.7, 0.5]), outputscale: 1.3 };
    const inv = inverseSquares(p.lengthscales);
    const q = Float64Array.from([0.2, 0.6, 0.4]);
    const g = new Float64Array(6 * 3);
    crossKernel(q, t.x, 6, 3, p, inv, t.cat, g);
    for (let k = 0; k < 2; k++) {
      const qp = Float64Array.from(q);
      const qm = Float64Array.from(q);
      qp[k] = qp[k]! + 1e-6;
      qm[k] = qm[k]! - 1e-6;
      const kp = crossKernel(qp, t.x, 6, 3, p, inv, t.cat);
      const km = crossKernel(qm, t.x, 6, 3, p, inv, t.cat);
      for (let j = 0; j < 6; j++) expect(g[j * 3 + k]).toBeCloseTo((kp[j]! - km[j]!) / 2e-6, 7);
    }
    for (let j = 0; j < 6; j++) expect(g[j * 3 + 2]).toBe(0);
  });
});

describe("log marginal likelihood", () => {
  it("analytic gradient matches finite differences (continuous and categorical inputs)", () => {
    const t = dataset(15, 3, [0, 0, 3], 0.01);
    const priors = defaultPriors();
    const theta = Float64Array.from([Math.log(0.3), Math.log(0.8), Math.log(0.5), 0.2, -3]);
    const r = negLogPosterior(t, theta, priors)!;
    fdCheck((th) => negLogPosterior(t, th, priors)!.value, r.grad, theta);
  });

  it("prefers the true lengthscale's neighbourhood over extreme ones", () => {
    const t = dataset(30, 2, [0, 0]);
    const priors = defaultPriors();
    const f = (l: number): number =>
      negLogPosterior(t, Float64Array.from([Math.log(l), Math.log(l), 0, -4]), priors)!.value;
    expect(f(0.4)).toBeLessThan(f(0.006));
    expect(f(0.4)).toBeLessThan(f(80));
  });
});

describe("posterior and log EI gradients", () => {
  it("match finite differences", () => {
    const t = dataset(12, 2, [0, 0]);
    const m = buildModel(t, Float64Array.from([Math.log(0.3), Math.log(0.5), 0, -5]))!;
    const q = Float64Array.from([0.37, 0.61]);
    const p = predictWithGrad(m, q);
    const a = logEiWithGrad(m, q, -1);
    for (let k = 0; k < 2; k++) {
      const qp = Float64Array.from(q);
      const qm = Float64Array.from(q);
      qp[k] = qp[k]! + 1e-6;
      qm[k] = qm[k]! - 1e-6;
      const pp = predictWithGrad(m, qp);
      const pm = predictWithGrad(m, qm);
      expect(p.dMean[k]).toBeCloseTo((pp.mean - pm.mean) / 2e-6, 6);
      expect(p.dVariance[k]).toBeCloseTo((pp.variance - pm.variance) / 2e-6, 6);
      const fd = (logEiWithGrad(m, qp, -1).value - logEiWithGrad(m, qm, -1).value) / 2e-6;
      expect(Math.abs(a.grad[k]! - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });
});
