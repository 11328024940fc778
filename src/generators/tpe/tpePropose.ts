/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011; built like Optuna's TPESampler with
 * multivariate=True): the best gamma(n) = min(ceil(0.25 n), 25) observations form the "good"
 * density l(x), the rest (plus failed trials, and pending ones as a constant liar) the "bad"
 * density g(x); 24 candidates drawn from l are scored by log l - log g and the best valid,
 * new one is proposed. The fraction 0.25 (hyperopt's; Optuna uses 0.1) and the narrower kernels
 * of parzenEstimator.ts were chosen on bench:optimizers (docs/benchmarks.md). Older observations get lower weights once there are more than 25.
 * Several objectives are scalarized like the GP does (random augmented Chebyshev weights).
 * Deterministic: the same seed and history give the same points.
 */
import type { GeneratorInput } from "../generator.js";
import type { Point } from "../../space/parameters.js";
import { createRng } from "../rng.js";
import { chebyshevScalarize, simplexWeights } from "../gp/trainingData.js";
import { randomValidPoint } from "../gp/validPoints.js";
import { buildParzen, logDensity, sampleParzen } from "./parzenEstimator.js";
import { buildGroupedParzen, conditionGroups, sampleGroupedParzen } from "./conditionalParzen.js";
import { triedKeys } from "../triedKeys.js";

export interface TpeOptions {
  /** Completed trials before TPE models (fewer: random valid points). Default 10. */
  readonly startupTrials?: number;
  /** Candidates drawn from l(x) per proposal. Default 24. */
  readonly eiCandidates?: number;
  /** Joint (multivariate) Parzen estimators instead of one per dimension. */
  readonly multivariate?: boolean;
}

/** Stream tag for TPE's randomness ("TPE" in ASCII). */
const TPE_STREAM = 0x545045;

/** Share of the observations that forms the "good" density l(x). */
const GAMMA = 0.25;

export function gammaSplit(n: number): number {
  return Math.min(Math.ceil(GAMMA * n), 25);
}

/** Optuna's default_weights: a ramp from 1/n for the oldest, flat 1 for the 25 newest. */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  return Array.from({ length: n }, (_, i) =>
    i < ramp ? (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1)) : 1,
  );
}

export function proposeTpe(input: GeneratorInput, count: number, opts: TpeOptions = {}): Point[] {
  const { space, constraints, objectives } = input;
  const rng = createRng(
    input.seed,
    TPE_STREAM,
    input.completed.length,
    input.failed.length,
    input.pending.length,
  );
  const excluded = triedKeys(input);
  const out: Point[] = [];
  if (space.dim === 0) return Array.from({ length: count }, () => space.decode([]));
  const obs = input.completed.filter((o) =>
    objectives.every((ob) => Number.isFinite(o.values[ob.name])),
  );
  const startup = Math.max(2, opts.startupTrials ?? 10);
  const cat = Int32Array.from(space.dimensions, (dim) =>
    dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
  );
  const rows = obs.map((o) =>
    Float64Array.from(objectives, (ob) => (ob.goal === "max" ? -1 : 1) * o.values[ob.name]!),
  );
  const xs = obs.map((o) => space.encode(o.point));
  const liars = [...input.failed, ...input.pending].map((p) => space.encode(p));
  const nCand = opts.eiCandidates ?? 24;
  const univariate = !(opts.multivariate ?? true);
  const parents = space.structure?.parentNames ?? new Set<string>();
  const groups = space.conditional
    ? conditionGroups(
        space.dimensions.map((dim) => dim.parameter.activeIf),
        (k) => parents.has(space.dimensions[k]!.name),
      )
    : null;
  for (let c = 0; c < count; c++) {
    if (obs.length < startup) {
      const p = randomValidPoint(space, constraints, rng, excluded);
      out.push(p);
      excluded.add(space.key(p));
      continue;
    }
    const values =
      objectives.length === 1
        ? Float64Array.from(rows, (r) => r[0]!)
        : chebyshevScalarize(rows, simplexWeights(objectives.length, rng));
    const n = obs.length;
    const weights = observationWeights(n);
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => values[a]! - values[b]! || a - b,
    );
    const nBelow = gammaSplit(n);
    const below = order.slice(0, nBelow).sort((a, b) => a - b);
    const above = order.slice(nBelow).sort((a, b) => a - b);
    const liarRows = [...liars, ...out.map((p) => space.encode(p))];
    const lowRows = below.map((i) => xs[i]!);
    const lowWeights = below.map((i) => weights[i]!);
    const highRows = [...above.map((i) => xs[i]!), ...liarRows];
    const highWeights = [...above.map((i) => weights[i]!), ...liarRows.map(() => 1)];
    let best: { u: Float64Array; score: number } | null = null;
    if (groups !== null) {
      // A conditional space: one joint estimator per group of parameters active together;
      // a conditional group splits the trials where it was active by their own ranking
      // (conditionalParzen.ts).
      const grouped = buildGroupedParzen(
        { rows: lowRows, weights: lowWeights },
        { rows: highRows, weights: highWeights },
        groups,
        cat,
        (dims) => {
          const active = order.filter((i) => !Number.isNaN(xs[i]![dims[0]!]!));
          const nGood = gammaSplit(active.length);
          const good = active.slice(0, nGood).sort((a, b) => a - b);
          const bad = active.slice(nGood).sort((a, b) => a - b);
          return {
            low: { rows: good.map((i) => xs[i]!), weights: good.map((i) => weights[i]!) },
            high: {
              rows: [...bad.map((i) => xs[i]!), ...liarRows],
              weights: [...bad.map((i) => weights[i]!), ...liarRows.map(() => 1)],
            },
          };
        },
      );
      for (let t = 0; t < 50 && best === null; t++) {
        const u = space.snap(sampleGroupedParzen(grouped, rng, nCand));
        if (!constraints.unitCubeFeasible(u, 1e-9)) continue;
        const p = space.decode(u);
        if (!constraints.isSatisfied(p) || excluded.has(space.key(p))) continue;
        best = { u, score: 0 };
      }
    } else {
      const low = buildParzen(lowRows, lowWeights, cat, univariate);
      const high = buildParzen(highRows, highWeights, cat, univariate);
      let drawn = 0;
      for (let t = 0; t < nCand * 50 && drawn < nCand; t++) {
        const u = space.snap(sampleParzen(low, rng));
        if (!constraints.unitCubeFeasible(u, 1e-9)) continue;
        const p = space.decode(u);
        if (!constraints.isSatisfied(p) || excluded.has(space.key(p))) continue;
        drawn++;
        const score = logDensity(low, u) - logDensity(high, u);
        if (!best || score > best.score) best = { u, score };
      }
    }
    const point = best ? space.decode(best.u) : randomValidPoint(space, constraints, rng, excluded);
    out.push(point);
    excluded.add(space.key(point));
  }
  return out;
}
