import type { Objective } from "../generators/generator.js";

/**
 * Indices (ascending) of the points no other point dominates (all objectives at least as good,
 * one better). Points are visited in lexicographic order of their minimized objectives, so a
 * point can only be dominated by one visited before it, and (by transitivity) by one already
 * on the front: O(n log n + n * front size), fast enough for 20,000 trials.
 */
export function paretoFront(
  values: readonly Readonly<Record<string, number>>[],
  objectives: readonly Objective[],
): number[] {
  const k = objectives.length;
  const rows = values.map((v) =>
    Float64Array.from(objectives, (o) => (o.goal === "min" ? 1 : -1) * v[o.name]!),
  );
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = rows[a]!;
      const rb = rows[b]!;
      for (let j = 0; j < k; j++) if (ra[j] !== rb[j]) return ra[j]! - rb[j]!;
      return a - b;
    });
  const front: number[] = [];
  for (const i of order) {
    const r = rows[i]!;
    const dominated = front.some((f) => dominates(rows[f]!, r));
    if (!dominated) front.push(i);
  }
  return front.sort((a, b) => a - b);
}

/** a dominates b (both minimized): nowhere worse, somewhere better. */
export function dominates(a: Float64Array, b: Float64Array): boolean {
  let strictly = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false;
    if (a[j]! < b[j]!) strictly = true;
  }
  return strictly;
}
