/**
 * GP Bayesian optimization proposal: fit a Matern-5/2 ARD GP to the (transformed) data,
 * add pending points as Kriging believers (the incumbent lowered to their means; or fantasies
 * of their outcomes, gp/pendingPoints.ts), maximize log expected improvement, and repeat for
 * each requested point (each chosen point becomes pending for the next). Pure and synchronous;
 * the worker runs it off the main thread. All randomness comes from the seed and the number of
 * completed, failed and pending trials.
 */
import type { GeneratorInput } from "../generator.js";
import type { Point } from "../../space/parameters.js";
import { createRng } from "../rng.js";
import type { Rng } from "../rng.js";
import type { AcquisitionOptions, AcquisitionProblem } from "./acquisitionOptimizer.js";
import { DEFAULT_ACQUISITION, optimizeAcquisition } from "./acquisitionOptimizer.js";
import type { GpModel } from "./gpModel.js";
import { buildModel } from "./gpModel.js";
import { fitHyperparameters } from "./hyperFit.js";
import type { TrainingSet } from "./likelihood.js";
import { DEFAULT_MAX_MODEL_POINTS, selectRows, subsetForModel } from "./modelSubset.js";
import { prepareData } from "./trainingData.js";
import { randomValidPoint } from "./validPoints.js";
import { sweepPoints } from "./sweep.js";
import type { FeasibilityModel } from "./feasibility.js";
import {
  constrainedLogEiWithGrad,
  feasibleBest,
  fitFeasibilityModels,
  logPof,
} from "./feasibility.js";
import type { PendingFantasies } from "./pendingPoints.js";
import { believe, fantasize, fantasyLogEi, fantasyLogEiWithGrad } from "./pendingPoints.js";
import { triedKeys } from "../triedKeys.js";
import { proposeEhvi } from "./ehviPropose.js";
import { CONDITIONAL_CONTINUOUS } from "./matern.js";
import type { Box } from "./trustRegion.js";
import { defaultRule, trustRegionBox, trustRegionLength } from "./trustRegion.js";

export interface GpOptions {
  /** Completed trials needed before the GP is used (fewer: random valid points). */
  readonly minCompleted?: number;
  /** Power-transform the outcomes when that makes them more normal (default true). */
  readonly powerTransform?: boolean;
  readonly acquisition?: Partial<AcquisitionOptions>;
  /** Hyperparameter fit starts; default depends on the number of trials. */
  readonly fitStarts?: number;
  /**
   * Hyperparameters are fitted on at most this many points (default 150): the best third
   * and a seeded random sample of the rest; the model then uses every point.
   */
  readonly maxFitPoints?: number;
  /**
   * The model is conditioned on at most this many points (default 400): beyond that, a local
   * model around the best point (gp/modelSubset.ts), so a proposal's cost stops growing with
   * the campaign. Infinity: always the exact GP on every point.
   */
  readonly maxModelPoints?: number;
  /**
   * Several objectives: "ehvi" (default for 2 or 3 objectives: expected hypervolume
   * improvement, gp/ehviPropose.ts) or "parego" (a random augmented Chebyshev scalarization per
   * point; always beyond 3 objectives).
   */
  readonly multiObjective?: "ehvi" | "parego";
  /**
   * Pending trials (and the other points of a batch) with one objective (gp/pendingPoints.ts):
   * "believer" (default: Kriging believers, observed at their posterior means, the incumbent
   * lowered to the lowest of them unless there are outcome constraints), "fantasies" (log of the mean EI over joint samples of their
   * outcomes, as BoTorch's qLogEI with X_pending; measured no better on bench:optimizers' q=5
   * column and several times slower) or "believer-fixed-incumbent" (the incumbent kept: the
   * behaviour before, which crowds proposals around promising pending points).
   */
  readonly pending?: "fantasies" | "believer" | "believer-fixed-incumbent";
  /**
   * One objective without outcome constraints: search for each proposal inside an adaptive
   * trust region around the best completed point (gp/trustRegion.ts; default false: measured
   * in docs/benchmarks.md, better on Branin but not on the q=5 column's Rosenbrock and Ackley).
   */
  readonly trustRegion?: boolean;
}

/** Joint samples of the pending outcomes per proposal. */
const FANTASY_SAMPLES = 64;

/** The fantasies' log EI plus the log probability of feasibility (outcome constraints). */
function fantasyAcquisition(
  f: PendingFantasies,
  feasibility: readonly FeasibilityModel[],
): NonNullable<AcquisitionProblem["acquisition"]> {
  return {
    value: (u) => fantasyLogEi(f, u) + (feasibility.length ? logPof(feasibility, u) : 0),
    withGrad: (u) => {
      const e = fantasyLogEiWithGrad(f, u);
      if (feasibility.length === 0) return e;
      const c = constrainedLogEiWithGrad(f.model, u, Infinity, feasibility);
      for (let k = 0; k < e.grad.length; k++) e.grad[k] = e.grad[k]! + c.grad[k]!;
      return { value: e.value + c.value, grad: e.grad };
    },
  };
}

/** Stream tag for the GP's randomness ("GP" in ASCII). */
const GP_STREAM = 0x4750;

function fitStartsFor(n: number): number {
  if (n <= 40) return 3;
  if (n <= 100) return 2;
  return 1;
}

/** Fewer raw sweep samples for big data sets: scoring one costs O(n^2). */
function rawSamplesFor(n: number, base: number): number {
  return n <= 300 ? base : Math.max(256, Math.round((base * (300 * 300)) / (n * n)));
}

function modelFor(
  input: GeneratorInput,
  rng: Rng,
  opts: GpOptions,
): { data: ReturnType<typeof prepareData>; model: GpModel | null } {
  const data = prepareData(input, rng, opts.powerTransform ?? true);
  const fitSet = subsetForFit(data.train, opts.maxFitPoints ?? 150, rng);
  const fit = fitHyperparameters(fitSet, {
    starts: opts.fitStarts ?? fitStartsFor(fitSet.n),
  });
  const modelSet = subsetForModel(
    data.train,
    fit.theta,
    opts.maxModelPoints ?? DEFAULT_MAX_MODEL_POINTS,
    bestCompletedRow(data.train, data.completedRows),
    rng,
  );
  const model = buildModel(modelSet, fit.theta);
  return { data, model };
}

/**
 * The trust region for one objective (gp/trustRegion.ts): its side replayed from the completed
 * values after the default strategy's initial design of max(5, 2d) trials, its centre the best
 * completed point. Unordered categories are not restricted.
 */
function trustRegionFor(input: GeneratorInput, model: GpModel, centre: Float64Array): Box {
  const objective = input.objectives[0]!;
  const sign = objective.goal === "max" ? -1 : 1;
  const values = input.completed
    .map((o) => sign * o.values[objective.name]!)
    .filter((v) => Number.isFinite(v));
  const d = model.d;
  const length = trustRegionLength(values, Math.max(5, 2 * d), defaultRule(d));
  return trustRegionBox(
    centre,
    model.params.lengthscales,
    length,
    (k) => model.cat[k] === 0 || model.cat[k] === CONDITIONAL_CONTINUOUS,
  );
}

function bestCompletedRow(t: TrainingSet, completedRows: number): number {
  let best = 0;
  for (let i = 1; i < completedRows; i++) if (t.y[i]! < t.y[best]!) best = i;
  return best;
}

/** The training set itself, or (when larger than `max`) its best third plus a random sample. */
export function subsetForFit(t: TrainingSet, max: number, rng: Rng): TrainingSet {
  if (t.n <= max) return t;
  const order = Array.from({ length: t.n }, (_, i) => i).sort((a, b) => t.y[a]! - t.y[b]! || a - b);
  const keepBest = Math.floor(max / 3);
  const rest = rng.shuffle(order.slice(keepBest));
  const idx = [...order.slice(0, keepBest), ...rest.slice(0, max - keepBest)].sort((a, b) => a - b);
  return selectRows(t, idx);
}

export function proposeGp(input: GeneratorInput, count: number, opts: GpOptions = {}): Point[] {
  const { space, constraints } = input;
  const rng = createRng(
    input.seed,
    GP_STREAM,
    input.completed.length,
    input.failed.length,
    input.pending.length,
  );
  const excluded = triedKeys(input);
  const out: Point[] = [];
  if (space.dim === 0) {
    for (let i = 0; i < count; i++) out.push(space.decode([]));
    return out;
  }
  const nData =
    Math.min(
      input.completed.length + input.failed.length,
      opts.maxModelPoints ?? DEFAULT_MAX_MODEL_POINTS,
    ) + input.pending.length;
  const acq = {
    ...DEFAULT_ACQUISITION,
    rawSamples: rawSamplesFor(nData, DEFAULT_ACQUISITION.rawSamples),
    ...opts.acquisition,
  };
  const minCompleted = Math.max(2, opts.minCompleted ?? 2);
  const multi = input.objectives.length > 1;
  if (
    multi &&
    input.objectives.length <= 3 &&
    (opts.multiObjective ?? "ehvi") === "ehvi" &&
    input.completed.length >= minCompleted
  )
    return proposeEhvi(
      input,
      count,
      (one) => modelFor(one, rng, { ...opts, powerTransform: false }),
      acq,
      rng,
      excluded,
    );
  let state: { model: GpModel | null; best: number; incumbents: Float64Array[] } | null = null;
  // Outcome constraints: one GP per constraint metric (fitted once per proposal).
  const outcomeConstraints = input.outcomeConstraints ?? [];
  let feasibility: FeasibilityModel[] | null = null;
  const pendingRows = input.pending.map((q) => space.encode(q));
  const strategy = multi ? "believer-fixed-incumbent" : (opts.pending ?? "believer");
  for (let i = 0; i < count; i++) {
    const chosen = out.map((p) => space.encode(p));
    if (input.completed.length < minCompleted) {
      out.push(randomValidPoint(space, constraints, rng, excluded));
      excluded.add(space.key(out[out.length - 1]!));
      continue;
    }
    if (state === null || multi) {
      // ParEGO: each point of a multi-objective batch gets its own random scalarization.
      const built = modelFor(input, rng, opts);
      feasibility ??= fitFeasibilityModels(input);
      const best = feasibleBest(input, built.data, outcomeConstraints);
      state = { model: built.model, best, incumbents: built.data.incumbents };
    }
    // Pending trials and this batch's chosen points: Kriging believers with the incumbent
    // lowered to their means (default), or fantasies of their outcomes (gp/pendingPoints.ts).
    const others = [...pendingRows, ...chosen];
    let model: GpModel | null = state.model;
    let best = state.best;
    let acquisition: AcquisitionProblem["acquisition"];
    if (model && strategy === "fantasies" && others.length > 0 && Number.isFinite(best)) {
      const f = fantasize(model, others, best, FANTASY_SAMPLES, rng);
      acquisition = fantasyAcquisition(f, feasibility ?? []);
      model = f.model;
    } else if (model) {
      // With outcome constraints the incumbent is the best FEASIBLE value, and a believed mean
      // may be infeasible (or there may be no feasible incumbent yet): kept as it is.
      const lower = strategy === "believer" && outcomeConstraints.length === 0;
      ({ model, best } = believe(model, others, best, lower));
    }
    const problem = model && {
      model,
      best,
      feasibility: feasibility ?? [],
      space,
      constraints,
      incumbents: state.incumbents,
      excluded,
      sweep: (k: number) => sweepPoints(space.dim, k, rng),
      rng,
      ...(acquisition ? { acquisition } : {}),
    };
    const useBox =
      (opts.trustRegion ?? false) &&
      !multi &&
      outcomeConstraints.length === 0 &&
      state.incumbents.length > 0;
    let found = null;
    if (problem && useBox) {
      const box = trustRegionFor(input, problem.model, state.incumbents[0]!);
      found = optimizeAcquisition({ ...problem, box }, acq);
    }
    // No box, or no valid point left in it (linear constraints, everything tried): everywhere.
    if (problem && !found) found = optimizeAcquisition(problem, acq);
    const u: Float64Array = found
      ? found.u
      : space.encode(randomValidPoint(space, constraints, rng, excluded));
    const point = space.decode(u);
    out.push(point);
    excluded.add(space.key(point));
  }
  return out;
}
