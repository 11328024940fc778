/**
 * A fitted Gaussian process: posterior mean and variance of the latent function at new points,
 * with their gradients, and Kriging-believer fantasies (a pending point added with its own
 * posterior mean as observation, which shrinks the variance there without moving the mean).
 */
import { appendCholesky, solveCholesky, solveLower } from "./cholesky.js";
import type { CholeskyFactor } from "./cholesky.js";
import type { TrainingSet } from "./likelihood.js";
import { factorFor } from "./likelihood.js";
import type { CategoricalLevels, KernelParams } from "./matern.js";
import { crossKernel, inverseSquares } from "./matern.js";

export interface GpModel {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly cat: CategoricalLevels;
  readonly params: KernelParams;
  readonly invL2: Float64Array;
  readonly noise: number;
  readonly mean: number;
  readonly factor: CholeskyFactor;
  readonly alpha: Float64Array;
}

export interface Prediction {
  readonly mean: number;
  readonly variance: number;
}

export interface PredictionWithGrad extends Prediction {
  readonly dMean: Float64Array;
  readonly dVariance: Float64Array;
}

export function buildModel(t: TrainingSet, theta: Float64Array): GpModel | null {
  const st = factorFor(t, theta);
  if (!st) return null;
  const d = t.d;
  const lengthscales = new Float64Array(d);
  for (let k = 0; k < d; k++) lengthscales[k] = Math.exp(theta[k]!);
  const params = { lengthscales, outputscale: Math.exp(theta[d]!) };
  return {
    x: t.x,
    y: t.y,
    n: t.n,
    d,
    cat: t.cat,
    params,
    invL2: inverseSquares(lengthscales),
    noise: Math.exp(theta[d + 1]!),
    mean: st.mean,
    factor: st.factor,
    alpha: st.alpha,
  };
}

export function predict(m: GpModel, q: Float64Array): Prediction {
  const kq = crossKernel(q, m.x, m.n, m.d, m.params, m.invL2, m.cat);
  let mean = m.mean;
  for (let j = 0; j < m.n; j++) mean += kq[j]! * m.alpha[j]!;
  const w = solveLower(m.factor, kq);
  let v = m.params.outputscale;
  for (let j = 0; j < m.n; j++) v -= w[j]! * w[j]!;
  return { mean, variance: Math.max(v, 1e-12 * m.params.outputscale) };
}

export function predictWithGrad(m: GpModel, q: Float64Array): PredictionWithGrad {
  const { n, d } = m;
  const dk = new Float64Array(n * d);
  const kq = crossKernel(q, m.x, n, d, m.params, m.invL2, m.cat, dk);
  let mean = m.mean;
  for (let j = 0; j < n; j++) mean += kq[j]! * m.alpha[j]!;
  const v = solveCholesky(m.factor, kq);
  let variance = m.params.outputscale;
  for (let j = 0; j < n; j++) variance -= kq[j]! * v[j]!;
  const dMean = new Float64Array(d);
  const dVariance = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    const a = m.alpha[j]!;
    const b = -2 * v[j]!;
    const o = j * d;
    for (let k = 0; k < d; k++) {
      const g = dk[o + k]!;
      dMean[k] = dMean[k]! + g * a;
      dVariance[k] = dVariance[k]! + g * b;
    }
  }
  const floor = 1e-12 * m.params.outputscale;
  if (variance < floor) {
    variance = floor;
    dVariance.fill(0);
  }
  return { mean, variance, dMean, dVariance };
}

/** The model with q observed at value y (noise as the fitted noise), hyperparameters kept. */
export function withObservation(m: GpModel, q: Float64Array, y: number): GpModel {
  const kq = crossKernel(q, m.x, m.n, m.d, m.params, m.invL2, m.cat);
  const factor = appendCholesky(m.factor, kq, m.params.outputscale + m.noise);
  if (!factor) return m;
  const n = m.n + 1;
  const x = new Float64Array(n * m.d);
  x.set(m.x);
  x.set(q, m.n * m.d);
  const ys = new Float64Array(n);
  ys.set(m.y);
  ys[m.n] = y;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = ys[i]! - m.mean;
  return { ...m, x, y: ys, n, factor, alpha: solveCholesky(factor, r) };
}
