/**
 * Maximizes log expected improvement (times the probability of feasibility under outcome
 * constraints, gp/feasibility.ts) over the valid points of the search space, or of a box in it
 * (a trust region, gp/trustRegion.ts: the sweep, the perturbations and the L-BFGS bounds stay
 * inside it; the discrete neighbourhood search does not):
 * 1. a space-filling sweep plus perturbations of the best observed points, each snapped to a
 *    valid point (integers and choices at their bin centres) and checked against the
 *    constraints, is scored;
 * 2. the best few are refined by projected L-BFGS within the unit cube and the linear
 *    constraints (continuous relaxation of integer dimensions; categorical dimensions held);
 * 3. each refined point is snapped, re-checked, then improved by a discrete neighbourhood
 *    search over the integer and categorical dimensions; the best valid point not excluded
 *    (already observed, pending or chosen) wins.
 */
import type { ConstraintSet } from "../../space/constraints.js";
import type { SearchSpace } from "../../space/searchSpace.js";
import type { Rng } from "../rng.js";
import { minimizeBounded } from "./boundedLbfgs.js";
import type { GpModel } from "./gpModel.js";
import type { FeasibilityModel } from "./feasibility.js";
import type { Box } from "./trustRegion.js";
import { constrainedLogEi, constrainedLogEiWithGrad } from "./feasibility.js";

export interface AcquisitionOptions {
  readonly rawSamples: number;
  readonly restarts: number;
  readonly maxIterations: number;
}

export const DEFAULT_ACQUISITION: AcquisitionOptions = {
  rawSamples: 1024,
  restarts: 8,
  maxIterations: 60,
};

export interface AcquisitionProblem {
  readonly model: GpModel;
  /** The EI incumbent (the best feasible value); Infinity: none feasible yet. */
  readonly best: number;
  /** Outcome-constraint models: their log probability of feasibility joins log EI. */
  readonly feasibility?: readonly FeasibilityModel[];
  readonly space: SearchSpace;
  readonly constraints: ConstraintSet;
  /** Unit-cube rows of the best observed points (centres for local perturbations). */
  readonly incumbents: readonly Float64Array[];
  /** Keys (space.key) of points that must not be proposed again. */
  readonly excluded: ReadonlySet<string>;
  /** Raw sweep points in the unit cube (e.g. scrambled Sobol). */
  readonly sweep: (count: number) => Float64Array[];
  readonly rng: Rng;
  /** Search only this box of the unit cube (a trust region); absent: the whole cube. */
  readonly box?: Box;
  /**
   * Another acquisition to maximize instead of constrained log EI (several objectives: log
   * EHVI, gp/ehvi.ts), with its gradient; `model` and `best` are then unused.
   */
  readonly acquisition?: {
    value(u: Float64Array): number;
    withGrad(u: Float64Array): { value: number; grad: Float64Array };
  };
}

function score(p: AcquisitionProblem, u: Float64Array): number {
  return p.acquisition
    ? p.acquisition.value(u)
    : constrainedLogEi(p.model, u, p.best, p.feasibility ?? []);
}

interface Scored {
  readonly u: Float64Array;
  readonly value: number;
}

function isValid(p: AcquisitionProblem, u: Float64Array): boolean {
  if (!p.constraints.unitCubeFeasible(u, 1e-9)) return false;
  return p.constraints.isSatisfied(p.space.decode(u));
}

/** Snaps u to a valid point; null when the snapped point violates a constraint. */
function snapValid(p: AcquisitionProblem, u: Float64Array): Float64Array | null {
  const s = p.space.snap(u);
  return p.constraints.isSatisfied(p.space.decode(s)) ? s : null;
}

function discreteDims(space: SearchSpace): { index: number; levels: number; cat: boolean }[] {
  const out: { index: number; levels: number; cat: boolean }[] = [];
  space.dimensions.forEach((dim, index) => {
    if (dim.kind.type === "integer") out.push({ index, levels: dim.kind.levels, cat: false });
    if (dim.kind.type === "categorical")
      out.push({ index, levels: dim.kind.levels, cat: !dim.kind.ordered });
  });
  return out;
}

/** Coordinate-wise improvement over integer and categorical levels (valid points only). */
function discreteSearch(p: AcquisitionProblem, start: Scored): Scored {
  const dims = discreteDims(p.space);
  if (dims.length === 0) return start;
  let cur = start;
  for (let round = 0; round < 3; round++) {
    let improved = false;
    for (const dd of dims) {
      const level = Math.min(dd.levels - 1, Math.floor(cur.u[dd.index]! * dd.levels));
      const tries: number[] = [];
      if (dd.cat || dd.levels <= 8) {
        for (let l = 0; l < dd.levels; l++) if (l !== level) tries.push(l);
      } else {
        for (const step of [-3, -2, -1, 1, 2, 3]) {
          const l = level + step;
          if (l >= 0 && l < dd.levels) tries.push(l);
        }
      }
      for (const l of tries) {
        const u = Float64Array.from(cur.u);
        u[dd.index] = (l + 0.5) / dd.levels;
        const s = snapValid(p, u);
        if (!s || !p.constraints.unitCubeFeasible(s, 1e-9)) continue;
        const v = score(p, s);
        if (v > cur.value + 1e-12) {
          cur = { u: s, value: v };
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return cur;
}

function rawCandidates(p: AcquisitionProblem, opts: AcquisitionOptions): Float64Array[] {
  const d = p.space.dim;
  const box = p.box;
  const out = p.sweep(opts.rawSamples);
  if (box)
    for (const u of out)
      for (let k = 0; k < d; k++) u[k] = box.lower[k]! + (box.upper[k]! - box.lower[k]!) * u[k]!;
  const local = Math.floor(opts.rawSamples / 4);
  if (p.incumbents.length > 0) {
    const sds = [0.005, 0.02, 0.08, 0.2];
    for (let i = 0; i < local; i++) {
      const c = p.incumbents[i % p.incumbents.length]!;
      const sd = sds[Math.floor(i / p.incumbents.length) % sds.length]!;
      const u = new Float64Array(d);
      // perturb a random subset of dimensions (all of them in low dimension)
      const prob = Math.min(1, 5 / d);
      let moved = false;
      for (let k = 0; k < d; k++) {
        const move = p.rng.uniform() < prob;
        moved ||= move;
        u[k] = move ? Math.min(1, Math.max(0, c[k]! + sd * p.rng.normal())) : c[k]!;
      }
      if (!moved) {
        const k = p.rng.integer(d);
        u[k] = Math.min(1, Math.max(0, c[k]! + sd * p.rng.normal()));
      }
      if (box)
        for (let k = 0; k < d; k++) u[k] = Math.min(box.upper[k]!, Math.max(box.lower[k]!, u[k]!));
      out.push(u);
    }
  }
  return out;
}

/** The valid point with the highest log EI found, or null when no valid point was found. */
export function optimizeAcquisition(
  p: AcquisitionProblem,
  opts: AcquisitionOptions = DEFAULT_ACQUISITION,
): Scored | null {
  const d = p.space.dim;
  const scored: Scored[] = [];
  for (const raw of rawCandidates(p, opts)) {
    if (!p.constraints.unitCubeFeasible(raw, 1e-9)) continue;
    const s = snapValid(p, raw);
    if (!s) continue;
    scored.push({ u: s, value: score(p, s) });
  }
  if (scored.length === 0) return null;
  scored.sort((a, b) => b.value - a.value);
  const starts: Scored[] = [];
  const seen = new Set<string>();
  for (const c of scored) {
    const k = p.space.key(p.space.decode(c.u));
    if (seen.has(k)) continue;
    seen.add(k);
    starts.push(c);
    if (starts.length >= opts.restarts) break;
  }
  const results: Scored[] = [];
  for (const st of starts) {
    // Coordinates inactive at the start (NaN, conditional spaces) stay inactive during the
    // continuous refinement: held at a placeholder inside the box, NaN for the model.
    const inactive = Array.from(st.u, (v) => Number.isNaN(v));
    const lower = Float64Array.from(inactive, (off, k) => (off ? 0.5 : (p.box?.lower[k] ?? 0)));
    const upper = Float64Array.from(inactive, (off, k) => (off ? 0.5 : (p.box?.upper[k] ?? 1)));
    const withInactive = (u: Float64Array): Float64Array => {
      const out = Float64Array.from(u);
      inactive.forEach((off, k) => {
        if (off) out[k] = NaN;
      });
      return out;
    };
    const r = minimizeBounded(
      {
        evaluate: (u) => {
          const e = p.acquisition
            ? p.acquisition.withGrad(withInactive(u))
            : constrainedLogEiWithGrad(p.model, withInactive(u), p.best, p.feasibility ?? []);
          for (let k = 0; k < d; k++) e.grad[k] = inactive[k] ? 0 : -e.grad[k]!;
          return { value: -e.value, grad: e.grad };
        },
        lower,
        upper,
        feasible: (u) => p.constraints.unitCubeFeasible(u, 1e-9),
      },
      Float64Array.from(st.u, (v) => (Number.isNaN(v) ? 0.5 : v)),
      { maxIterations: opts.maxIterations, ftol: 1e-10, pgtol: 1e-7 },
    );
    const snapped = snapValid(p, withInactive(r.x));
    let cand = st;
    if (snapped && isValid(p, snapped)) {
      const v = score(p, snapped);
      if (v > st.value) cand = { u: snapped, value: v };
    }
    results.push(discreteSearch(p, cand));
  }
  results.push(...scored.slice(opts.restarts));
  results.sort((a, b) => b.value - a.value);
  for (const c of results) {
    if (!p.excluded.has(p.space.key(p.space.decode(c.u)))) return c;
  }
  return null;
}
