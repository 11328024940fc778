/**
 * TPE in a conditional search space, decomposed into groups as Optuna's multivariate TPE with
 * `group=True` does: the parameters that are active together (the same `active_if`; the
 * always-active ones form one group) get one joint Parzen estimator each, built only on the
 * observations where that group was active, so an inactive parameter never counts as observed.
 * Each group picks its own best of the candidates drawn from its l(x) by its own log l - log g;
 * the assembled vector is then snapped, which drops the groups the chosen parents leave
 * inactive. Scoring whole points instead would compare sums over different numbers of
 * parameters across branches and favour the branch with the most parameters.
 */
import type { Rng } from "../rng.js";
import { buildParzen, logDensity, sampleParzen, type ParzenEstimator } from "./parzenEstimator.js";

interface Group {
  /** Coordinates of the group, in dimension order. */
  readonly dims: readonly number[];
  readonly low: ParzenEstimator;
  readonly high: ParzenEstimator;
}

export interface GroupedParzen {
  readonly d: number;
  readonly groups: readonly Group[];
}

/** The rows' sub-vectors on `dims`, for the rows where the group is active (not NaN). */
function groupRows(
  xs: readonly Float64Array[],
  w: readonly number[],
  dims: readonly number[],
): { rows: Float64Array[]; weights: number[] } {
  const rows: Float64Array[] = [];
  const weights: number[] = [];
  xs.forEach((x, i) => {
    if (Number.isNaN(x[dims[0]!]!)) return;
    rows.push(Float64Array.from(dims, (k) => x[k]!));
    weights.push(w[i]!);
  });
  return { rows, weights };
}

/**
 * Builds one joint estimator pair per group. `groups` partitions the dimensions (each group's
 * coordinates are active or inactive together); `cat` gives unordered levels per dimension.
 */
export function buildGroupedParzen(
  low: { rows: readonly Float64Array[]; weights: readonly number[] },
  high: { rows: readonly Float64Array[]; weights: readonly number[] },
  groups: readonly (readonly number[])[],
  cat: Int32Array,
): GroupedParzen {
  return {
    d: cat.length,
    groups: groups.map((dims) => {
      const sub = Int32Array.from(dims, (k) => cat[k]!);
      const l = groupRows(low.rows, low.weights, dims);
      const h = groupRows(high.rows, high.weights, dims);
      return {
        dims,
        low: buildParzen(l.rows, l.weights, sub),
        high: buildParzen(h.rows, h.weights, sub),
      };
    }),
  };
}

/**
 * One assembled candidate: per group the best of `candidates` draws from its l(x) by its own
 * log l - log g. Inactive groups are dropped later by snapping the vector into the space.
 */
export function sampleGroupedParzen(p: GroupedParzen, rng: Rng, candidates: number): Float64Array {
  const u = new Float64Array(p.d);
  for (const g of p.groups) {
    let best: Float64Array | null = null;
    let bestScore = -Infinity;
    for (let c = 0; c < candidates; c++) {
      const x = sampleParzen(g.low, rng);
      const score = logDensity(g.low, x) - logDensity(g.high, x);
      if (best === null || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    g.dims.forEach((k, j) => (u[k] = best![j]!));
  }
  return u;
}

/** The dimensions grouped by the condition that makes them active ("" for always active). */
export function conditionGroups(conditions: readonly (string | undefined)[]): number[][] {
  const byKey = new Map<string, number[]>();
  conditions.forEach((c, k) => {
    const key = c ?? "";
    const list = byKey.get(key);
    if (list) list.push(k);
    else byKey.set(key, [k]);
  });
  return [...byKey.values()];
}
