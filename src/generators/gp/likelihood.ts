/**
 * Negative log marginal likelihood (plus negative log prior) of a zero-noise-free GP with a
 * Matern-5/2 ARD kernel, a profiled constant mean and Gaussian noise, and its analytic gradient
 * with respect to the log hyperparameters theta = [log l_1..log l_d, log s2, log noise].
 */
import { cholesky, inverseFromCholesky, logDet, solveCholesky } from "./cholesky.js";
import type { CholeskyFactor } from "./cholesky.js";
import type { CategoricalLevels } from "./matern.js";
import { coordDiff } from "./matern.js";

const SQRT5 = Math.sqrt(5);

export interface TrainingSet {
  /** n x d row-major unit-cube inputs. */
  readonly x: Float64Array;
  /** n targets (standardized, minimized). */
  readonly y: Float64Array;
  /** Known per-point noise variances added to the fitted noise (0 when unknown). */
  readonly extraNoise: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly cat: CategoricalLevels;
}

/** Gaussian priors on the log hyperparameters. */
export interface HyperPriors {
  readonly logLengthscaleMean: number;
  readonly logLengthscaleSd: number;
  readonly logOutputscaleMean: number;
  readonly logOutputscaleSd: number;
  readonly logNoiseMean: number;
  readonly logNoiseSd: number;
}

/**
 * Priors for inputs in the unit cube and standardized outputs: lengthscales LogNormal(log 0.5, 1)
 * (about BoTorch's classic Gamma(3, 6) prior, mean 0.5), noise variance LogNormal(-8, 2) (the
 * default objective is a deterministic program; real noise still wins on data) and a prior on
 * the output scale LogNormal(log 4, 1.5) (a larger prior variance than the data's 1 explores
 * more: on Hartmann6 it escapes the local minimum more often). On the benchmark these beat BoTorch's newer dimension-scaled
 * LogNormal(sqrt2 + log(d)/2, sqrt3) lengthscale prior with LogNormal(-4, 1) noise, which is
 * meant for a kernel without output scale (docs/benchmarks.md).
 */
export function defaultPriors(): HyperPriors {
  return {
    logLengthscaleMean: Math.log(0.5),
    logLengthscaleSd: 1,
    logOutputscaleMean: Math.log(4),
    logOutputscaleSd: 1.5,
    logNoiseMean: -8,
    logNoiseSd: 2,
  };
}

export interface Objective {
  readonly value: number;
  readonly grad: Float64Array;
}

function gaussPenalty(v: number, mean: number, sd: number): { f: number; g: number } {
  const z = (v - mean) / sd;
  return { f: 0.5 * z * z, g: z / sd };
}

/** The generalized-least-squares constant mean and the factor of K + noise. */
export interface FittedState {
  readonly factor: CholeskyFactor;
  readonly mean: number;
  /** K^{-1} (y - mean). */
  readonly alpha: Float64Array;
}

const pairCache = new WeakMap<TrainingSet, Float64Array>();

/**
 * Squared coordinate differences of every pair i > j (pair index i(i-1)/2 + j, d values each),
 * computed once per training set and shared by every likelihood evaluation of a fit.
 */
export function pairSquares(t: TrainingSet): Float64Array {
  const cached = pairCache.get(t);
  if (cached) return cached;
  const { n, d, x, cat } = t;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let q = 0; q < d; q++) {
        const lv = cat[q]!;
        const a = x[i * d + q]!;
        const b = x[j * d + q]!;
        const diff = lv === 0 ? a - b : coordDiff(a, b, lv);
        out[o++] = diff * diff;
      }
    }
  }
  pairCache.set(t, out);
  return out;
}

interface KernelState extends FittedState {
  /** s2 * maternSlope(r) per pair (for the lengthscale gradient). */
  readonly slopes: Float64Array;
  /** s2 * maternUnit(r) per pair. */
  readonly values: Float64Array;
}

function kernelState(t: TrainingSet, theta: Float64Array): KernelState | null {
  const { n, d } = t;
  const sq = pairSquares(t);
  const s2 = Math.exp(theta[d]!);
  const noise = Math.exp(theta[d + 1]!);
  const invL2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invL2[k] = Math.exp(-2 * theta[k]!);
  const pairs = (n * (n - 1)) / 2;
  const slopes = new Float64Array(pairs);
  const values = new Float64Array(pairs);
  const k = new Float64Array(n * n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    k[i * n + i] = s2 + noise + t.extraNoise[i]!;
    for (let j = 0; j < i; j++, p++) {
      let r2 = 0;
      const o = p * d;
      for (let q = 0; q < d; q++) r2 += sq[o + q]! * invL2[q]!;
      const sr = SQRT5 * Math.sqrt(r2);
      const e = Math.exp(-sr);
      const v = s2 * (1 + sr + (sr * sr) / 3) * e;
      values[p] = v;
      slopes[p] = s2 * (5 / 3) * (1 + sr) * e;
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  const factor = cholesky(k, n);
  if (!factor) return null;
  const ones = new Float64Array(n).fill(1);
  const kiOnes = solveCholesky(factor, ones);
  const kiY = solveCholesky(factor, t.y);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += kiY[i]!;
    den += kiOnes[i]!;
  }
  const mean = den > 0 ? num / den : 0;
  const alpha = new Float64Array(n);
  for (let i = 0; i < n; i++) alpha[i] = kiY[i]! - mean * kiOnes[i]!;
  return { factor, mean, alpha, slopes, values };
}

/** Builds K + diag(noise + extra) for the given theta; null when not positive definite. */
export function factorFor(t: TrainingSet, theta: Float64Array): FittedState | null {
  return kernelState(t, theta);
}

/** Negative log posterior of theta (up to a constant) and its gradient; null if not PD. */
export function negLogPosterior(
  t: TrainingSet,
  theta: Float64Array,
  priors: HyperPriors,
): Objective | null {
  const { n, d } = t;
  const st = kernelState(t, theta);
  if (!st) return null;
  const { factor, alpha, mean, slopes, values } = st;
  let quad = 0;
  for (let i = 0; i < n; i++) quad += (t.y[i]! - mean) * alpha[i]!;
  let value = 0.5 * quad + 0.5 * logDet(factor) + 0.5 * n * Math.log(2 * Math.PI);

  // W = alpha alpha^T - K^{-1};  d(NLL)/d theta = -1/2 tr(W dK/dtheta)
  const kinv = inverseFromCholesky(factor);
  const sq = pairSquares(t);
  const s2 = Math.exp(theta[d]!);
  const noise = Math.exp(theta[d + 1]!);
  const grad = new Float64Array(d + 2);
  const acc = new Float64Array(d);
  let gS2 = 0;
  let traceW = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - kinv[i * n + i]!;
    traceW += wii;
    gS2 += wii * s2;
    const ai = alpha[i]!;
    const ri = i * n;
    for (let j = 0; j < i; j++, p++) {
      const w = ai * alpha[j]! - kinv[ri + j]!;
      gS2 += 2 * w * values[p]!;
      const g = 2 * w * slopes[p]!;
      const o = p * d;
      for (let q = 0; q < d; q++) acc[q] = acc[q]! + g * sq[o + q]!;
    }
  }
  for (let q = 0; q < d; q++) grad[q] = acc[q]! * Math.exp(-2 * theta[q]!);
  for (let q = 0; q < d; q++) grad[q] = -0.5 * grad[q]!;
  grad[d] = -0.5 * gS2;
  grad[d + 1] = -0.5 * noise * traceW;

  for (let q = 0; q < d; q++) {
    const p = gaussPenalty(theta[q]!, priors.logLengthscaleMean, priors.logLengthscaleSd);
    value += p.f;
    grad[q] = grad[q]! + p.g;
  }
  const ps = gaussPenalty(theta[d]!, priors.logOutputscaleMean, priors.logOutputscaleSd);
  value += ps.f;
  grad[d] = grad[d] + ps.g;
  const pn = gaussPenalty(theta[d + 1]!, priors.logNoiseMean, priors.logNoiseSd);
  value += pn.f;
  grad[d + 1] = grad[d + 1]! + pn.g;
  return { value, grad };
}
