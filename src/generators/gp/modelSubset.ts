/**
 * The points the GP model is conditioned on when a campaign has more than the model can take in
 * exactly (a dense GP costs O(n^3) to factorize and O(n^2) per prediction): a local model around
 * the best point, kept honest about the rest of the space.
 *
 * Of `max` rows: half are the nearest neighbours of the best completed point in the fitted
 * kernel's scaled distance (the region where the optimizer works, modelled as an exact GP on
 * its data); a fifth are the best remaining points (other good basins stay visible to the
 * acquisition); the rest is a seeded random sample of everything else (so regions far from the
 * best are not mistaken for unexplored ones and LogEI does not wander there). The cost of a
 * proposal is then bounded by `max`, whatever the size of the campaign; selecting costs
 * O(n d + n log n).
 */
import type { Rng } from "../rng.js";
import type { TrainingSet } from "./likelihood.js";
import { coordDiff } from "./matern.js";

/** Default largest number of points the GP model is conditioned on. */
export const DEFAULT_MAX_MODEL_POINTS = 400;

/** Shares of `max` taken by the best point's neighbours and by the other best points. */
const NEAR_SHARE = 0.5;
const TOP_SHARE = 0.2;

/** The rows `idx` (in that order) of a training set. */
export function selectRows(t: TrainingSet, idx: readonly number[]): TrainingSet {
  const { d } = t;
  const x = new Float64Array(idx.length * d);
  idx.forEach((i, r) => {
    x.set(t.x.subarray(i * d, (i + 1) * d), r * d);
  });
  return {
    x,
    y: Float64Array.from(idx, (i) => t.y[i]!),
    extraNoise: Float64Array.from(idx, (i) => t.extraNoise[i]!),
    n: idx.length,
    d,
    cat: t.cat,
  };
}

/** Row indices ordered by target value, best (lowest) first; ties by index. */
function byValue(t: TrainingSet): number[] {
  return Array.from({ length: t.n }, (_, i) => i).sort((a, b) => t.y[a]! - t.y[b]! || a - b);
}

/**
 * The training set itself when it has at most `max` rows; otherwise the local subset described
 * above, in the original row order. `theta` holds the fitted log lengthscales first
 * ([log l_1..log l_d, ...]); `bestRow` is the row of the best completed point.
 */
export function subsetForModel(
  t: TrainingSet,
  theta: Float64Array,
  max: number,
  bestRow: number,
  rng: Rng,
): TrainingSet {
  if (t.n <= max) return t;
  const { d, x, cat } = t;
  const invL2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invL2[k] = Math.exp(-2 * theta[k]!);
  const dist = new Float64Array(t.n);
  const ob = bestRow * d;
  for (let i = 0; i < t.n; i++) {
    let s = 0;
    const oi = i * d;
    for (let k = 0; k < d; k++) {
      const lv = cat[k]!;
      const a = x[oi + k]!;
      const b = x[ob + k]!;
      const diff = lv === 0 ? a - b : coordDiff(a, b, lv);
      s += diff * diff * invL2[k]!;
    }
    dist[i] = s;
  }
  const nearest = Array.from({ length: t.n }, (_, i) => i).sort(
    (a, b) => dist[a]! - dist[b]! || a - b,
  );
  const chosen = new Uint8Array(t.n);
  const picked: number[] = [];
  const take = (i: number): void => {
    if (chosen[i]) return;
    chosen[i] = 1;
    picked.push(i);
  };
  const nNear = Math.round(max * NEAR_SHARE);
  for (let r = 0; r < nearest.length && picked.length < nNear; r++) take(nearest[r]!);
  const nTop = nNear + Math.round(max * TOP_SHARE);
  const order = byValue(t);
  for (let r = 0; r < order.length && picked.length < nTop; r++) take(order[r]!);
  const rest: number[] = [];
  for (let i = 0; i < t.n; i++) if (!chosen[i]) rest.push(i);
  for (const i of rng.shuffle(rest)) {
    if (picked.length >= max) break;
    take(i);
  }
  return selectRows(
    t,
    picked.sort((a, b) => a - b),
  );
}
