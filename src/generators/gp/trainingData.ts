/**
 * Turns a generator input into GP training data in the unit cube:
 * - every objective is oriented for minimization (maximized ones are negated);
 * - several objectives are combined by an augmented Chebyshev scalarization with random weights
 *   (ParEGO): max_i w_i f_i + 0.05 sum_i w_i f_i on objectives normalized to [0, 1];
 * - the outcome transform (shifted Box-Cox power transform, standardize) is fitted on
 *   completed trials;
 * - failed trials enter the data with the worst transformed value seen, so the model expects
 *   bad results around points that crashed and acquisition keeps away from them;
 * - known standard errors become per-point noise variances.
 */
import { kernelCode } from "./matern.js";
import type { GeneratorInput } from "../generator.js";
import type { Rng } from "../rng.js";
import type { TrainingSet } from "./likelihood.js";
import { transformOutcomes } from "./outcomeTransform.js";

export interface PreparedData {
  readonly train: TrainingSet;
  /** Number of rows that come from completed trials (the rest are failed ones). */
  readonly completedRows: number;
  /** Unit-cube rows of the best few completed points (best first). */
  readonly incumbents: Float64Array[];
  /** Lowest transformed value among completed trials (the EI incumbent). */
  readonly best: number;
}

/** Draws weights uniformly from the simplex. */
export function simplexWeights(k: number, rng: Rng): Float64Array {
  const w = new Float64Array(k);
  let s = 0;
  for (let i = 0; i < k; i++) {
    w[i] = -Math.log(1 - rng.uniform());
    s += w[i]!;
  }
  for (let i = 0; i < k; i++) w[i] = w[i]! / s;
  return w;
}

/** Augmented Chebyshev scalarization of rows of minimized objectives (normalized per column). */
export function chebyshevScalarize(rows: readonly Float64Array[], w: Float64Array): Float64Array {
  const k = w.length;
  const lo = new Float64Array(k).fill(Infinity);
  const hi = new Float64Array(k).fill(-Infinity);
  for (const r of rows)
    for (let i = 0; i < k; i++) {
      lo[i] = Math.min(lo[i]!, r[i]!);
      hi[i] = Math.max(hi[i]!, r[i]!);
    }
  return Float64Array.from(rows, (r) => {
    let mx = -Infinity;
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const range = hi[i]! - lo[i]!;
      const f = range > 0 ? (r[i]! - lo[i]!) / range : 0;
      mx = Math.max(mx, w[i]! * f);
      sum += w[i]! * f;
    }
    return mx + 0.05 * sum;
  });
}

export function prepareData(input: GeneratorInput, rng: Rng, power = true): PreparedData {
  const { space, objectives } = input;
  const d = space.dim;
  const obs = input.completed.filter((o) =>
    objectives.every((ob) => Number.isFinite(o.values[ob.name])),
  );
  const rawRows = obs.map((o) =>
    Float64Array.from(objectives, (ob) => (ob.goal === "max" ? -1 : 1) * o.values[ob.name]!),
  );
  let values: Float64Array;
  const sems = new Float64Array(obs.length);
  if (objectives.length === 1) {
    values = Float64Array.from(rawRows, (r) => r[0]!);
    const name = objectives[0]!.name;
    obs.forEach((o, i) => {
      const s = o.sems[name];
      sems[i] = typeof s === "number" && Number.isFinite(s) && s > 0 ? s : 0;
    });
  } else {
    values = chebyshevScalarize(rawRows, simplexWeights(objectives.length, rng));
  }
  const tr = transformOutcomes(values, sems, { power });
  const nc = obs.length;
  const nf = input.failed.length;
  const n = nc + nf;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const extraNoise = new Float64Array(n);
  let worst = -Infinity;
  let best = Infinity;
  for (let i = 0; i < nc; i++) {
    x.set(space.encode(obs[i]!.point), i * d);
    y[i] = tr.y[i]!;
    extraNoise[i] = tr.noiseVar[i]!;
    worst = Math.max(worst, y[i]!);
    best = Math.min(best, y[i]!);
  }
  for (let j = 0; j < nf; j++) {
    x.set(space.encode(input.failed[j]!), (nc + j) * d);
    y[nc + j] = Number.isFinite(worst) ? worst + 1 : 0;
  }
  const cat = Int32Array.from(space.dimensions, (dim) =>
    kernelCode(
      dim.kind.type === "continuous" ? 0 : dim.kind.levels,
      dim.kind.type === "categorical" && !dim.kind.ordered,
      dim.conditional,
    ),
  );
  const order = Array.from({ length: nc }, (_, i) => i).sort((a, b) => y[a]! - y[b]!);
  const incumbents = order.slice(0, 5).map((i) => x.slice(i * d, (i + 1) * d));
  return { train: { x, y, extraNoise, n, d, cat }, completedRows: nc, incumbents, best };
}
