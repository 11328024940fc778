/**
 * TPE in a conditional search space, decomposed into groups as Optuna's multivariate TPE with
 * `group=True` does: the parameters that are active together (the same `active_if`; the
 * always-active ones form one group) get one joint Parzen estimator each, built only on the
 * observations where that group was active, so an inactive parameter never counts as observed.
 * The assembled vector is then snapped, which drops the groups the chosen parents leave
 * inactive. Two rules differ from Optuna's, both measured on bench:optimizers' conditional
 * problem (docs/benchmarks.md, "Conditional spaces"):
 *
 * - The always-active parents (the parameters some condition reads: which branch) are drawn
 *   from l(x), one draw, instead of the best of the candidates by log l - log g. The arg max
 *   commits to the branch whose random points looked best after the start-up trials and spends
 *   almost every later trial there; a draw from l(x) (the branches' shares among the good
 *   trials plus the prior) keeps visiting the others in proportion.
 * - A conditional group's l(x) and g(x) split the trials where it was active by their own
 *   ranking (the best gamma of that branch's trials are its good ones), not by the global
 *   split: a branch with no trial in the global good set would otherwise have an l(x) of the
 *   prior alone, so each visit to it would be a random point and it could never improve.
 *
 * Every other group picks its own best of the candidates drawn from its l(x) by its own
 * log l - log g. Scoring whole points instead would compare sums over different numbers of
 * parameters across branches and favour the branch with the most parameters.
 */
import type { Rng } from "../rng.js";
import { buildParzen, logDensity, sampleParzen, type ParzenEstimator } from "./parzenEstimator.js";

/** Observations (unit-cube rows, NaN where inactive) and their weights. */
export interface WeightedRows {
  readonly rows: readonly Float64Array[];
  readonly weights: readonly number[];
}

/** A group of dimensions active together; `parents`: always-active parents of other groups. */
export interface GroupSpec {
  readonly dims: readonly number[];
  readonly kind: "parents" | "always" | "conditional";
}

interface Group {
  readonly dims: readonly number[];
  readonly drawOnly: boolean;
  readonly low: ParzenEstimator;
  readonly high: ParzenEstimator;
}

export interface GroupedParzen {
  readonly d: number;
  readonly groups: readonly Group[];
}

/** The rows' sub-vectors on `dims`, for the rows where the group is active (not NaN). */
function groupRows(data: WeightedRows, dims: readonly number[]): WeightedRows {
  const rows: Float64Array[] = [];
  const weights: number[] = [];
  data.rows.forEach((x, i) => {
    if (Number.isNaN(x[dims[0]!]!)) return;
    rows.push(Float64Array.from(dims, (k) => x[k]!));
    weights.push(data.weights[i]!);
  });
  return { rows, weights };
}

/**
 * Builds one joint estimator pair per group. `split(dims)` gives the good and bad observations
 * for a conditional group (ranked among the trials where it is active); the others use the
 * global `low` and `high`. `cat` gives unordered levels per dimension.
 */
export function buildGroupedParzen(
  low: WeightedRows,
  high: WeightedRows,
  groups: readonly GroupSpec[],
  cat: Int32Array,
  split: (dims: readonly number[]) => { low: WeightedRows; high: WeightedRows },
): GroupedParzen {
  return {
    d: cat.length,
    groups: groups.map(({ dims, kind }) => {
      const sub = Int32Array.from(dims, (k) => cat[k]!);
      const own = kind === "conditional" ? split(dims) : { low, high };
      const l = groupRows(own.low, dims);
      const h = groupRows(own.high, dims);
      return {
        dims,
        drawOnly: kind === "parents",
        low: buildParzen(l.rows, l.weights, sub),
        high: buildParzen(h.rows, h.weights, sub),
      };
    }),
  };
}

/**
 * One assembled candidate: the parents drawn once from their l(x); every other group the best
 * of `candidates` draws from its l(x) by its own log l - log g. Inactive groups are dropped
 * later by snapping the vector into the space.
 */
export function sampleGroupedParzen(p: GroupedParzen, rng: Rng, candidates: number): Float64Array {
  const u = new Float64Array(p.d);
  for (const g of p.groups) {
    let best: Float64Array | null = null;
    let bestScore = -Infinity;
    const draws = g.drawOnly ? 1 : candidates;
    for (let c = 0; c < draws; c++) {
      const x = sampleParzen(g.low, rng);
      const score = g.drawOnly ? 0 : logDensity(g.low, x) - logDensity(g.high, x);
      if (best === null || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    g.dims.forEach((k, j) => (u[k] = best![j]!));
  }
  return u;
}

/**
 * The dimensions grouped by the condition that makes them active; the always-active ones split
 * into the parents (`isParent`: read by some condition) and the rest.
 */
export function conditionGroups(
  conditions: readonly (string | undefined)[],
  isParent: (k: number) => boolean,
): GroupSpec[] {
  const byKey = new Map<string, number[]>();
  conditions.forEach((c, k) => {
    const key = c === undefined ? (isParent(k) ? "\u0000parents" : "\u0000always") : c;
    const list = byKey.get(key);
    if (list) list.push(k);
    else byKey.set(key, [k]);
  });
  return [...byKey.entries()].map(([key, dims]) => ({
    dims,
    kind: key === "\u0000parents" ? "parents" : key === "\u0000always" ? "always" : "conditional",
  }));
}
