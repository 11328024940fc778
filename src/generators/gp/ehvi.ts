/**
 * Expected hypervolume improvement (EHVI) of one point over the current Pareto front, for 2 or 3
 * minimized objectives each modelled by its own GP, as BoTorch's qEHVI / qNEHVI for q = 1:
 * a Monte Carlo average over fixed base samples (sample average approximation: the same normal
 * draws at every point, so the surface is smooth and deterministic), in log form. Under
 * outcome constraints, the log probability of feasibility is added (as for log EI).
 */
import type { GpModel } from "./gpModel.js";
import { predict } from "./gpModel.js";
import type { FeasibilityModel } from "./feasibility.js";
import { logPof } from "./feasibility.js";
import { hypervolume } from "../../report/hypervolume.js";

export interface EhviProblem {
  /** One model per objective (minimized, in the models' units). */
  readonly models: readonly GpModel[];
  /** The non-dominated observed (and believed pending) rows, in the models' units. */
  readonly front: readonly Float64Array[];
  readonly reference: Float64Array;
  /** Base samples: `samples` rows of k standard normal draws. */
  readonly base: readonly Float64Array[];
  readonly feasibility: readonly FeasibilityModel[];
}

/** The staircase front of 2 minimized objectives: sorted by the first, the second falling. */
export function staircase(front: readonly Float64Array[], ref: Float64Array): Float64Array[] {
  const inside = front
    .filter((p) => p[0]! < ref[0]! && p[1]! < ref[1]!)
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  const out: Float64Array[] = [];
  for (const p of inside) if (out.length === 0 || p[1]! < out[out.length - 1]![1]!) out.push(p);
  return out;
}

/**
 * Area that (y0, y1) adds to the area a staircase front dominates below the reference point:
 * the part of [y0, r0] x [y1, r1] not under the staircase.
 */
export function hvi2d(
  stairs: readonly Float64Array[],
  ref: Float64Array,
  y0: number,
  y1: number,
): number {
  const r0 = ref[0]!;
  const r1 = ref[1]!;
  if (y0 >= r0 || y1 >= r1) return 0;
  let area = 0;
  // Walk x from y0 to r0: above x the front's height is the lowest f1 of points with f0 <= x.
  let height = r1;
  let x = y0;
  let i = 0;
  while (i < stairs.length && stairs[i]![0]! <= y0) height = stairs[i++]![1]!;
  while (x < r0) {
    const next = i < stairs.length ? Math.min(stairs[i]![0]!, r0) : r0;
    if (height > y1) area += (next - x) * (height - y1);
    x = next;
    if (i < stairs.length) height = Math.min(height, stairs[i++]![1]!);
    if (height <= y1) break;
  }
  return area;
}

/** The improvement one row adds to the front's hypervolume (any k <= 3). */
function hvi(
  p: EhviProblem,
  stairs: readonly Float64Array[],
  hv0: number,
  y: Float64Array,
): number {
  if (y.length === 2) return hvi2d(stairs, p.reference, y[0]!, y[1]!);
  const v = hypervolume([...p.front, y], p.reference);
  return v === null ? 0 : Math.max(0, v - hv0);
}

/** A scorer of log EHVI (+ log P(feasible)) for the acquisition optimizer. */
export function ehviAcquisition(p: EhviProblem): {
  value(u: Float64Array): number;
  withGrad(u: Float64Array): { value: number; grad: Float64Array };
} {
  const k = p.models.length;
  const stairs = k === 2 ? staircase(p.front, p.reference) : [];
  const hv0 = k === 2 ? 0 : (hypervolume(p.front, p.reference) ?? 0);
  const y = new Float64Array(k);
  const value = (u: Float64Array): number => {
    const mu = new Float64Array(k);
    const sd = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const pr = predict(p.models[j]!, u);
      mu[j] = pr.mean;
      sd[j] = Math.sqrt(Math.max(pr.variance, 1e-12));
    }
    let sum = 0;
    for (const z of p.base) {
      for (let j = 0; j < k; j++) y[j] = mu[j]! + sd[j]! * z[j]!;
      sum += hvi(p, stairs, hv0, y);
    }
    // log of the mean; a floor far below any real improvement keeps it finite
    const f = p.feasibility.length > 0 ? logPof(p.feasibility, u) : 0;
    return Math.log(sum / p.base.length + 1e-300) + f;
  };
  return {
    value,
    // Central differences (the Monte Carlo average is smooth in u with fixed base samples).
    withGrad(u: Float64Array): { value: number; grad: Float64Array } {
      const v = value(u);
      const grad = new Float64Array(u.length);
      const h = 1e-5;
      const w = Float64Array.from(u);
      for (let i = 0; i < u.length; i++) {
        if (Number.isNaN(u[i])) continue;
        w[i] = u[i]! + h;
        const up = value(w);
        w[i] = u[i]! - h;
        const down = value(w);
        w[i] = u[i]!;
        grad[i] = (up - down) / (2 * h);
      }
      return { value: v, grad };
    },
  };
}
