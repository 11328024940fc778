/**
 * How far the forest's proposals keep from the tried points (not in SMAC). On bench:optimizers'
 * Mixed problem the forest spent runs on near-copies of its incumbent (units 178, 177, 176 ...
 * one integer per trial): a near-copy has a near-equal cost, which shrinks the log-scale gap of
 * logScaledCosts.ts, so the incumbent's cell becomes the only place with an expected
 * improvement and the next proposal is another near-copy (docs/benchmarks.md, RANDOMFOREST).
 * A proposal must therefore lie at least
 *
 *   r = share * n^(-1/d)
 *
 * from each of the n tried points (completed, failed, pending, earlier in the batch) in the
 * d-dimensional unit cube: a share of the spacing of n points spread evenly, so the radius
 * shrinks as the data grow (with 50 points in 4 dimensions and share 0.03, r = 0.011).
 * Distances are max-norm over the unit-cube encodings; an unordered choice at another level,
 * or a parameter active in one point and inactive (NaN) in the other, counts as 1.
 */

/** The default share (chosen on the Mixed problem; docs/benchmarks.md). */
export const MIN_DISTANCE_SHARE = 0.03;

/** The minimum distance for n tried points in d dimensions. */
export function minimumDistance(share: number, n: number, d: number): number {
  return n <= 0 || d <= 0 ? share : share * Math.pow(n, -1 / d);
}

/** `levels[f] > 0`: feature f is an unordered choice with that many levels. */
export function maxNormDistance(a: Float64Array, b: Float64Array, levels: Int32Array): number {
  let dist = 0;
  for (let f = 0; f < a.length; f++) {
    const x = a[f]!;
    const y = b[f]!;
    const nx = Number.isNaN(x);
    if (nx || Number.isNaN(y)) {
      if (nx !== Number.isNaN(y)) return 1;
      continue;
    }
    const l = levels[f]!;
    const diff = l > 0 ? (Math.floor(x * l) === Math.floor(y * l) ? 0 : 1) : Math.abs(x - y);
    if (diff > dist) dist = diff;
  }
  return dist;
}

/** The distance from `u` to the nearest of `points` (Infinity when there are none). */
export function nearestDistance(
  u: Float64Array,
  points: readonly Float64Array[],
  levels: Int32Array,
): number {
  let best = Infinity;
  for (const p of points) {
    const dist = maxNormDistance(u, p, levels);
    if (dist < best) best = dist;
  }
  return best;
}
