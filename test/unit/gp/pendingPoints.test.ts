import { describe, expect, it } from "vitest";
import type { GpModel } from "../../../src/generators/gp/gpModel.js";
import { buildModel } from "../../../src/generators/gp/gpModel.js";
import { logEiValue } from "../../../src/generators/gp/logEi.js";
import { expectedImprovementUnit } from "../../../src/generators/gp/normal.js";
import {
  believe,
  fantasize,
  fantasyLogEi,
  fantasyLogEiWithGrad,
  jointPosterior,
  logMeanExp,
} from "../../../src/generators/gp/pendingPoints.js";
import { createRng } from "../../../src/generators/rng.js";

/** A GP with fixed hyperparameters (lengthscale 0.3, output scale 1, noise 1e-6). */
function model(xs: number[][], ys: number[]): GpModel {
  const d = xs[0]!.length;
  const theta = Float64Array.from([...xs[0]!.map(() => Math.log(0.3)), 0, Math.log(1e-6)]);
  const m = buildModel(
    {
      x: Float64Array.from(xs.flat()),
      y: Float64Array.from(ys),
      extraNoise: new Float64Array(ys.length),
      n: ys.length,
      d,
      cat: new Int32Array(d),
    },
    theta,
  );
  if (!m) throw new Error("model did not factor");
  return m;
}

const M1 = model([[0.1], [0.35], [0.6], [0.9]], [0.8, -0.4, 0.1, 1.2]);
const BEST = -0.4;

describe("logMeanExp", () => {
  it("is log of the mean of the exponentials, also far below exp's range", () => {
    expect(logMeanExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2), 12);
    expect(logMeanExp([-1000, -1000 + Math.log(3)])).toBeCloseTo(-1000 + Math.log(2), 9);
  });
});

describe("Kriging believers", () => {
  const p = Float64Array.of(0.4); // predicted below the best observed value
  const near = Float64Array.of(0.41);

  it("lower the incumbent to a believed mean below it, so the point's neighbours offer little", () => {
    const predicted = jointPosterior(M1, [p]).mean[0]!;
    expect(predicted).toBeLessThan(BEST);
    const b = believe(M1, [p], BEST, true);
    expect(b.best).toBeCloseTo(predicted, 12);
    expect(b.model.n).toBe(M1.n + 1);
    expect(logEiValue(b.model, near, b.best)).toBeLessThan(logEiValue(M1, near, BEST) - 3);
  });

  it("keep the pending point's own improvement next to it when the incumbent is kept", () => {
    const b = believe(M1, [p], BEST, false);
    expect(b.best).toBe(BEST);
    // Most of it is still there (the crowding of the old behaviour); far more than when lowered.
    const kept = logEiValue(b.model, near, b.best);
    expect(kept).toBeGreaterThan(logEiValue(M1, near, BEST) - 1);
    const lowered = believe(M1, [p], BEST, true);
    expect(kept).toBeGreaterThan(logEiValue(lowered.model, near, lowered.best) + 2);
  });

  it("leave the incumbent alone when the believed mean is above it", () => {
    expect(believe(M1, [Float64Array.of(0.95)], BEST, true).best).toBe(BEST);
  });
});

describe("fantasies of pending outcomes", () => {
  it("reduce to log EI when nothing is pending", () => {
    const f = fantasize(M1, [], BEST, 64, createRng(1));
    for (const x of [0.05, 0.3, 0.47, 0.75]) {
      const q = Float64Array.of(x);
      expect(fantasyLogEi(f, q)).toBeCloseTo(logEiValue(M1, q, BEST), 10);
    }
  });

  it("estimate E[max(min(best, f(p)) - f(x), 0)], qEI of x with X_pending less a constant", () => {
    const p = Float64Array.of(0.45);
    const f = fantasize(M1, [p], BEST, 20000, createRng(2));
    for (const x of [0.25, 0.5, 0.7]) {
      const q = Float64Array.of(x);
      // Independent reference: the bivariate posterior of (f(q), f(p)); integrate over f(p) on a
      // grid, with f(q) | f(p) Gaussian and the improvement below min(best, f(p)) in closed form.
      const { mean, cov } = jointPosterior(M1, [q, p]);
      const [mq, mp] = [mean[0]!, mean[1]!];
      const [vq, cqp, vp] = [cov[0]!, cov[1]!, cov[3]!];
      const sp = Math.sqrt(vp);
      const condSd = Math.sqrt(Math.max(vq - (cqp * cqp) / vp, 1e-300));
      let joint = 0;
      const steps = 4000;
      for (let i = 0; i < steps; i++) {
        const z = -8 + (16 * (i + 0.5)) / steps;
        const w = (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * (16 / steps);
        const fp = mp + sp * z;
        const inc = Math.min(BEST, fp);
        const condMean = mq + (cqp / vp) * (fp - mp);
        joint += w * condSd * expectedImprovementUnit((inc - condMean) / condSd);
      }
      const want = joint;
      expect(Math.exp(fantasyLogEi(f, q)) / want).toBeGreaterThan(0.97);
      expect(Math.exp(fantasyLogEi(f, q)) / want).toBeLessThan(1.03);
    }
  });

  it("have the gradient of their value (2-d, two pending points)", () => {
    const m = model(
      [
        [0.1, 0.2],
        [0.5, 0.5],
        [0.8, 0.3],
        [0.3, 0.9],
        [0.6, 0.8],
      ],
      [0.5, -0.6, 0.2, 0.9, -0.1],
    );
    const f = fantasize(
      m,
      [Float64Array.of(0.45, 0.55), Float64Array.of(0.7, 0.6)],
      -0.6,
      32,
      createRng(3),
    );
    for (const q of [
      Float64Array.of(0.4, 0.4),
      Float64Array.of(0.9, 0.1),
      Float64Array.of(0.52, 0.6),
    ]) {
      const g = fantasyLogEiWithGrad(f, q);
      expect(g.value).toBeCloseTo(fantasyLogEi(f, q), 10);
      for (let k = 0; k < 2; k++) {
        const h = 1e-6;
        const up = Float64Array.from(q);
        const down = Float64Array.from(q);
        up[k] = up[k]! + h;
        down[k] = down[k]! - h;
        const fd = (fantasyLogEi(f, up) - fantasyLogEi(f, down)) / (2 * h);
        expect(g.grad[k]).toBeCloseTo(fd, 4);
      }
    }
  });

  it("make the neighbourhood of a promising pending point worth little, unlike a fixed-incumbent believer", () => {
    const p = Float64Array.of(0.4); // predicted mean below the best observed value
    const near = Float64Array.of(0.41);
    const f = fantasize(M1, [p], BEST, 2000, createRng(4));
    const alone = logEiValue(M1, near, BEST);
    // The pending point's own expected improvement is no longer counted next to it.
    expect(fantasyLogEi(f, near)).toBeLessThan(alone - 1);
  });
});
