import type { Objective } from "../generators/generator.js";

/** Indices of the points no other point dominates (all objectives at least as good, one better). */
export function paretoFront(
  values: readonly Readonly<Record<string, number>>[],
  objectives: readonly Objective[],
): number[] {
  const better = (a: number, b: number, goal: "min" | "max"): boolean =>
    goal === "min" ? a < b : a > b;
  const front: number[] = [];
  values.forEach((v, i) => {
    const dominated = values.some((w, j) => {
      if (j === i) return false;
      let strictly = false;
      for (const o of objectives) {
        const a = w[o.name]!;
        const b = v[o.name]!;
        if (better(b, a, o.goal)) return false;
        if (better(a, b, o.goal)) strictly = true;
      }
      return strictly;
    });
    if (!dominated) front.push(i);
  });
  return front;
}
