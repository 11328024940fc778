/**
 * Pending trials (and the points already chosen in a batch) in the acquisition, two ways:
 *
 * Kriging believer (the default, `believe`): each point is added as if observed at its posterior
 * mean (hyperparameters kept), which removes the variance there, and the EI incumbent becomes
 * min(best, the believed means). Lowering the incumbent matters: with the incumbent kept, a
 * pending point predicted below it keeps its own expected improvement, so its neighbours look
 * as good as it and proposals crowd around it (bench:optimizers' q=5 column, Hartmann6: the
 * median distance from a proposal to its nearest pending point was 0.056 with the incumbent kept
 * and 0.09 with it lowered, in the unit cube).
 *
 * Fantasies (`fantasize`): the outcomes of the pending points are unknown, so K joint samples of
 * them are drawn from the GP posterior; in fantasy k the model is conditioned on sample k (the
 * same Cholesky factor for every fantasy, only the weights alpha differ) and the incumbent is
 * min(best, the smallest fantasized value). The acquisition is log((1/K) sum_k EI_k(x)), and since
 * EI_k(x) = E[max(min(best, f_pending) - f(x), 0) | f_pending = sample k], its mean is a Monte
 * Carlo estimate of E[max(best - min(f(x), f_pending), 0)] - E[max(best - min f_pending, 0)]:
 * BoTorch's qEI of x joined with X_pending, less a term that does not depend on x. The samples
 * are drawn once per proposal (common random numbers), so the acquisition is a smooth
 * deterministic function of x that L-BFGS can optimize. Cost per evaluation: one kernel vector
 * and one triangular solve as for plain EI, plus K dot products of length n.
 */
import { cholesky, solveCholesky, solveLower } from "./cholesky.js";
import type { GpModel } from "./gpModel.js";
import { predict, withObservation } from "./gpModel.js";
import { crossKernel } from "./matern.js";
import { logH } from "./normal.js";
import type { Rng } from "../rng.js";

/** The model with `points` believed at their posterior means, and the incumbent to use. */
export function believe(
  m: GpModel,
  points: readonly Float64Array[],
  best: number,
  lowerIncumbent: boolean,
): { model: GpModel; best: number } {
  let model = m;
  let incumbent = best;
  for (const u of points) {
    const mean = predict(model, u).mean;
    model = withObservation(model, u, mean);
    if (lowerIncumbent) incumbent = Math.min(incumbent, mean);
  }
  return { model, best: incumbent };
}

export interface PendingFantasies {
  /** The model conditioned at the pending points (its factor and variance serve every fantasy). */
  readonly model: GpModel;
  /** alpha = (K + noise)^-1 (y - mean) for each fantasy's outcomes. */
  readonly alphas: readonly Float64Array[];
  /** Each fantasy's incumbent: min(best, its fantasized values). */
  readonly bests: Float64Array;
}

/** Mean vector and covariance (row-major p x p) of the latent function at `points`. */
export function jointPosterior(
  m: GpModel,
  points: readonly Float64Array[],
): { mean: Float64Array; cov: Float64Array } {
  const p = points.length;
  const mean = new Float64Array(p);
  const w: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    mean[i] = predict(m, points[i]!).mean;
    w.push(solveLower(m.factor, crossKernel(points[i]!, m.x, m.n, m.d, m.params, m.invL2, m.cat)));
  }
  const cov = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      const kij = crossKernel(points[i]!, points[j]!, 1, m.d, m.params, m.invL2, m.cat)[0]!;
      let s = kij;
      for (let k = 0; k < m.n; k++) s -= w[i]![k]! * w[j]![k]!;
      cov[i * p + j] = s;
      cov[j * p + i] = s;
    }
  }
  return { mean, cov };
}

/**
 * K fantasies of the pending points' outcomes. Without pending points: one "fantasy", the
 * model itself, so the acquisition is exactly log EI.
 */
export function fantasize(
  m: GpModel,
  pending: readonly Float64Array[],
  best: number,
  samples: number,
  rng: Rng,
): PendingFantasies {
  let model = m;
  const added: Float64Array[] = [];
  for (const u of pending) {
    const next = withObservation(model, u, predict(model, u).mean);
    if (next !== model) added.push(u);
    model = next;
  }
  if (added.length === 0) return { model: m, alphas: [m.alpha], bests: Float64Array.of(best) };
  const p = added.length;
  const joint = jointPosterior(m, added);
  const factor = cholesky(joint.cov, p);
  const alphas: Float64Array[] = [];
  const bests = new Float64Array(samples);
  const ys = Float64Array.from(model.y, (v) => v - model.mean);
  for (let s = 0; s < samples; s++) {
    const z = Float64Array.from({ length: p }, () => rng.normal());
    let lowest = best;
    for (let i = 0; i < p; i++) {
      let f = joint.mean[i]!;
      if (factor) for (let k = 0; k <= i; k++) f += factor.l[i * p + k]! * z[k]!;
      else f += Math.sqrt(Math.max(joint.cov[i * p + i]!, 0)) * z[i]!;
      ys[m.n + i] = f - model.mean;
      lowest = Math.min(lowest, f);
    }
    alphas.push(solveCholesky(model.factor, ys));
    bests[s] = lowest;
  }
  return { model, alphas, bests };
}

/** log of the mean of the fantasies' EI at q (for minimization). */
export function fantasyLogEi(f: PendingFantasies, q: Float64Array): number {
  const m = f.model;
  const kq = crossKernel(q, m.x, m.n, m.d, m.params, m.invL2, m.cat);
  const w = solveLower(m.factor, kq);
  let variance = m.params.outputscale;
  for (let j = 0; j < m.n; j++) variance -= w[j]! * w[j]!;
  const sigma = Math.sqrt(Math.max(variance, 1e-12 * m.params.outputscale));
  const logs = f.alphas.map((a, k) => {
    let mu = m.mean;
    for (let j = 0; j < m.n; j++) mu += kq[j]! * a[j]!;
    return logH((f.bests[k]! - mu) / sigma).value;
  });
  return logMeanExp(logs) + Math.log(sigma);
}

/** fantasyLogEi and its gradient in q. */
export function fantasyLogEiWithGrad(
  f: PendingFantasies,
  q: Float64Array,
): { value: number; grad: Float64Array } {
  const m = f.model;
  const { n, d } = m;
  const dk = new Float64Array(n * d);
  const kq = crossKernel(q, m.x, n, d, m.params, m.invL2, m.cat, dk);
  const v = solveCholesky(m.factor, kq);
  let variance = m.params.outputscale;
  for (let j = 0; j < n; j++) variance -= kq[j]! * v[j]!;
  const floor = 1e-12 * m.params.outputscale;
  const clamped = variance < floor;
  const sigma = Math.sqrt(clamped ? floor : variance);
  const K = f.alphas.length;
  const logs = new Float64Array(K);
  const zs = new Float64Array(K);
  const rho = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const a = f.alphas[k]!;
    let mu = m.mean;
    for (let j = 0; j < n; j++) mu += kq[j]! * a[j]!;
    zs[k] = (f.bests[k]! - mu) / sigma;
    const h = logH(zs[k]!);
    logs[k] = h.value;
    rho[k] = h.grad;
  }
  const lme = logMeanExp(logs);
  // value = log mean_k exp(logH(z_k)) + log sigma; weights w_k = softmax(logs)
  // d/dmu_k = -w_k rho_k / sigma; d/dsigma = (1 - sum_k w_k rho_k z_k) / sigma
  const beta = new Float64Array(n);
  let dSigma = 1;
  for (let k = 0; k < K; k++) {
    const wk = Math.exp(logs[k]! - lme) / K;
    const c = (-wk * rho[k]!) / sigma;
    dSigma -= wk * rho[k]! * zs[k]!;
    const a = f.alphas[k]!;
    for (let j = 0; j < n; j++) beta[j] = beta[j]! + c * a[j]!;
  }
  dSigma /= sigma;
  const grad = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    const b = beta[j]!;
    const dv = clamped ? 0 : (-2 * v[j]! * dSigma) / (2 * sigma);
    const o = j * d;
    for (let k = 0; k < d; k++) grad[k] = grad[k]! + dk[o + k]! * (b + dv);
  }
  return { value: lme + Math.log(sigma), grad };
}

/** log((1/K) sum_k exp(l_k)), stable. */
export function logMeanExp(l: ArrayLike<number>): number {
  let mx = -Infinity;
  for (let i = 0; i < l.length; i++) mx = Math.max(mx, l[i]!);
  if (!Number.isFinite(mx)) return mx;
  let s = 0;
  for (let i = 0; i < l.length; i++) s += Math.exp(l[i]! - mx);
  return mx + Math.log(s / l.length);
}
