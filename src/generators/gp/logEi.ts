/**
 * Log expected improvement (for minimization) of a GP posterior, with its gradient:
 *   LogEI(x) = log h(z) + log sigma,  z = (best - mu) / sigma,  h(z) = phi(z) + z Phi(z),
 * computed with the stable log h of Ament et al. (2023), so the acquisition keeps a useful
 * gradient even where the plain EI underflows to zero.
 */
import type { GpModel } from "./gpModel.js";
import { predict, predictWithGrad } from "./gpModel.js";
import { expectedImprovementUnit, logH } from "./normal.js";

/** Closed-form EI of N(mean, sigma^2) below `best` (reference for tests). */
export function expectedImprovement(mean: number, sigma: number, best: number): number {
  if (sigma <= 0) return Math.max(best - mean, 0);
  return sigma * expectedImprovementUnit((best - mean) / sigma);
}

/** log EI of N(mean, sigma^2) below `best`, stable for any z. */
export function logExpectedImprovement(mean: number, sigma: number, best: number): number {
  return logH((best - mean) / sigma).value + Math.log(sigma);
}

export function logEiValue(m: GpModel, q: Float64Array, best: number): number {
  const p = predict(m, q);
  return logExpectedImprovement(p.mean, Math.sqrt(p.variance), best);
}

export function logEiWithGrad(
  m: GpModel,
  q: Float64Array,
  best: number,
): { value: number; grad: Float64Array } {
  const p = predictWithGrad(m, q);
  const sigma = Math.sqrt(p.variance);
  const z = (best - p.mean) / sigma;
  const h = logH(z);
  const value = h.value + Math.log(sigma);
  // d/dmu = -rho/sigma; d/dsigma = (1 - rho z)/sigma; dsigma = dvar / (2 sigma)
  const dMu = -h.grad / sigma;
  const dSigma = (1 - h.grad * z) / sigma;
  const grad = new Float64Array(m.d);
  for (let k = 0; k < m.d; k++) {
    grad[k] = dMu * p.dMean[k]! + (dSigma * p.dVariance[k]!) / (2 * sigma);
  }
  return { value, grad };
}
