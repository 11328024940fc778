/**
 * Fits the kernel hyperparameters by maximizing the log marginal likelihood plus log prior
 * (MAP) with projected L-BFGS from a few deterministic starts, and keeps the best.
 */
import { minimizeBounded } from "./boundedLbfgs.js";
import type { HyperPriors, TrainingSet } from "./likelihood.js";
import { defaultPriors, negLogPosterior } from "./likelihood.js";

export interface HyperBounds {
  readonly minLengthscale: number;
  readonly maxLengthscale: number;
  readonly minOutputscale: number;
  readonly maxOutputscale: number;
  readonly minNoise: number;
  readonly maxNoise: number;
}

export const DEFAULT_BOUNDS: HyperBounds = {
  minLengthscale: 0.005,
  maxLengthscale: 100,
  minOutputscale: 0.01,
  maxOutputscale: 100,
  minNoise: 1e-6,
  maxNoise: 2,
};

export interface FitOptions {
  readonly priors?: HyperPriors;
  readonly bounds?: HyperBounds;
  /** Number of starts (the first is the prior's centre, then shorter and longer lengthscales). */
  readonly starts?: number;
  readonly maxIterations?: number;
  /** A previous theta to start from first (e.g. a fit on fewer points). */
  readonly warmStart?: Float64Array;
}

export interface FitResult {
  /** [log l_1..log l_d, log s2, log noise]. */
  readonly theta: Float64Array;
  readonly value: number;
}

function startTheta(d: number, logL: number, logS2: number, logNoise: number): Float64Array {
  const t = new Float64Array(d + 2);
  t.fill(logL, 0, d);
  t[d] = logS2;
  t[d + 1] = logNoise;
  return t;
}

export function fitHyperparameters(t: TrainingSet, opts: FitOptions = {}): FitResult {
  const d = t.d;
  const priors = opts.priors ?? defaultPriors();
  const b = opts.bounds ?? DEFAULT_BOUNDS;
  const lower = startTheta(
    d,
    Math.log(b.minLengthscale),
    Math.log(b.minOutputscale),
    Math.log(b.minNoise),
  );
  const upper = startTheta(
    d,
    Math.log(b.maxLengthscale),
    Math.log(b.maxOutputscale),
    Math.log(b.maxNoise),
  );
  const clampLogL = (v: number): number => Math.min(upper[0]!, Math.max(lower[0]!, v));
  const candidates: Float64Array[] = [];
  if (opts.warmStart && opts.warmStart.length === d + 2)
    candidates.push(Float64Array.from(opts.warmStart));
  const centre = clampLogL(priors.logLengthscaleMean - priors.logLengthscaleSd * 0.5);
  candidates.push(startTheta(d, centre, 0, -6));
  candidates.push(startTheta(d, Math.log(0.3), 0, -8));
  candidates.push(startTheta(d, Math.log(0.1), 0, -4));
  candidates.push(startTheta(d, clampLogL(priors.logLengthscaleMean), 0.5, -3));
  const starts = Math.min(opts.starts ?? 3, candidates.length);
  const evaluate = (theta: Float64Array): { value: number; grad: Float64Array } | null =>
    negLogPosterior(t, theta, priors);
  let best: FitResult | null = null;
  for (let s = 0; s < starts; s++) {
    const r = minimizeBounded({ evaluate, lower, upper }, candidates[s]!, {
      maxIterations: opts.maxIterations ?? 80,
      ftol: 1e-8,
      pgtol: 1e-5,
    });
    if (Number.isFinite(r.value) && (!best || r.value < best.value))
      best = { theta: r.x, value: r.value };
  }
  if (!best) {
    // Nothing could be factorized: a very smooth, very noisy model still is.
    return { theta: startTheta(d, Math.log(0.5), 0, Math.log(b.maxNoise) - 1), value: Infinity };
  }
  return best;
}
