import { dominates } from "./paretoFront.js";

/**
 * Hypervolume of a set of minimized points with respect to a reference point (only points
 * better than the reference in every objective count). Exact for 1, 2 and 3 objectives (3: by
 * slicing along the last objective); null for more.
 */
export function hypervolume(points: readonly Float64Array[], ref: Float64Array): number | null {
  const k = ref.length;
  if (k > 3) return null;
  const inside = points.filter((p) => p.every((v, j) => v < ref[j]!));
  if (inside.length === 0) return 0;
  if (k === 1) return ref[0]! - inside.reduce((m, p) => Math.min(m, p[0]!), Infinity);
  if (k === 2) return area2d(inside, ref[0]!, ref[1]!);
  const byZ = [...inside].sort((a, b) => a[2]! - b[2]!);
  let volume = 0;
  for (let i = 0; i < byZ.length; i++) {
    const z0 = byZ[i]![2]!;
    const z1 = i + 1 < byZ.length ? byZ[i + 1]![2]! : ref[2]!;
    if (z1 <= z0) continue;
    volume += area2d(byZ.slice(0, i + 1), ref[0]!, ref[1]!) * (z1 - z0);
  }
  return volume;
}

/** Area dominated by points (first two coordinates) below the reference (r0, r1). */
function area2d(points: readonly Float64Array[], r0: number, r1: number): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let area = 0;
  let lastY = r1;
  for (const p of sorted) {
    if (p[1]! >= lastY) continue;
    area += (r0 - p[0]!) * (lastY - p[1]!);
    lastY = p[1]!;
  }
  return area;
}

/**
 * The hypervolume after each of `points` (in trial order) joins the set, computed at up to
 * `maxSamples` evenly spaced positions (and always at the last). The front is kept
 * incrementally, so 20,000 points cost little.
 */
export function hypervolumeTrace(
  points: readonly Float64Array[],
  ref: Float64Array,
  maxSamples = 300,
): { position: number[]; value: number[] } | null {
  if (ref.length > 3) return null;
  const step = Math.max(1, Math.ceil(points.length / maxSamples));
  let front: Float64Array[] = [];
  const position: number[] = [];
  const value: number[] = [];
  points.forEach((p, i) => {
    if (!front.some((f) => dominates(f, p) || sameRow(f, p))) {
      front = front.filter((f) => !dominates(p, f));
      front.push(p);
    }
    if ((i + 1) % step === 0 || i === points.length - 1) {
      position.push(i);
      value.push(hypervolume(front, ref) ?? 0);
    }
  });
  return { position, value };
}

function sameRow(a: Float64Array, b: Float64Array): boolean {
  return a.every((v, j) => v === b[j]);
}

/**
 * A reference point when the campaign gives none: the worst observed value of each objective,
 * moved out by a tenth of the observed range (so the extreme points of the front count).
 */
export function nadirReference(points: readonly Float64Array[], k: number): Float64Array {
  const ref = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      lo = Math.min(lo, p[j]!);
      hi = Math.max(hi, p[j]!);
    }
    const range = hi - lo;
    ref[j] = hi + (range > 0 ? 0.1 * range : Math.max(1e-9, Math.abs(hi) * 0.1));
  }
  return ref;
}
