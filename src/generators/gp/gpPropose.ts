/**
 * GP Bayesian optimization proposal: fit a Matern-5/2 ARD GP to the (transformed) data, add
 * pending points as Kriging believers, maximize log expected improvement, and repeat for each
 * requested point (each chosen point becomes a believer for the next). Pure and synchronous;
 * the worker runs it off the main thread. All randomness comes from the seed and the number of
 * completed, failed and pending trials.
 */
import type { GeneratorInput } from "../generator.js";
import type { Point } from "../../space/parameters.js";
import { createRng } from "../rng.js";
import type { Rng } from "../rng.js";
import type { AcquisitionOptions } from "./acquisitionOptimizer.js";
import { DEFAULT_ACQUISITION, optimizeAcquisition } from "./acquisitionOptimizer.js";
import type { GpModel } from "./gpModel.js";
import { buildModel, predict, withObservation } from "./gpModel.js";
import { fitHyperparameters } from "./hyperFit.js";
import { prepareData } from "./trainingData.js";
import { randomValidPoint } from "./validPoints.js";
import { sweepPoints } from "./sweep.js";

export interface GpOptions {
  /** Completed trials needed before the GP is used (fewer: random valid points). */
  readonly minCompleted?: number;
  /** Power-transform the outcomes when that makes them more normal (default true). */
  readonly powerTransform?: boolean;
  readonly acquisition?: Partial<AcquisitionOptions>;
  /** Hyperparameter fit starts; default depends on the number of trials. */
  readonly fitStarts?: number;
}

/** Stream tag for the GP's randomness ("GP" in ASCII). */
const GP_STREAM = 0x4750;

function fitStartsFor(n: number): number {
  if (n <= 60) return 3;
  if (n <= 150) return 2;
  return 1;
}

function modelFor(
  input: GeneratorInput,
  rng: Rng,
  opts: GpOptions,
): { data: ReturnType<typeof prepareData>; model: GpModel | null } {
  const data = prepareData(input, rng, opts.powerTransform ?? true);
  const fit = fitHyperparameters(data.train, {
    starts: opts.fitStarts ?? fitStartsFor(data.train.n),
  });
  const model = buildModel(data.train, fit.theta);
  return { data, model };
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
  const excluded = new Set<string>();
  for (const o of input.completed) excluded.add(space.key(o.point));
  for (const p of input.failed) excluded.add(space.key(p));
  for (const p of input.pending) excluded.add(space.key(p));
  const out: Point[] = [];
  if (space.dim === 0) {
    for (let i = 0; i < count; i++) out.push(space.decode([]));
    return out;
  }
  const acq = { ...DEFAULT_ACQUISITION, ...opts.acquisition };
  const minCompleted = Math.max(2, opts.minCompleted ?? 2);
  const multi = input.objectives.length > 1;
  let state: { model: GpModel | null; best: number; incumbents: Float64Array[] } | null = null;
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
      let model = built.model;
      if (model) {
        for (const p of [...input.pending.map((q) => space.encode(q)), ...(multi ? chosen : [])]) {
          model = withObservation(model, p, predict(model, p).mean);
        }
      }
      state = { model, best: built.data.best, incumbents: built.data.incumbents };
    }
    const model: GpModel | null = state.model;
    const found = model
      ? optimizeAcquisition(
          {
            model,
            best: state.best,
            space,
            constraints,
            incumbents: state.incumbents,
            excluded,
            sweep: (k) => sweepPoints(space.dim, k, rng),
            rng,
          },
          acq,
        )
      : null;
    const u: Float64Array = found
      ? found.u
      : space.encode(randomValidPoint(space, constraints, rng, excluded));
    const point = space.decode(u);
    out.push(point);
    excluded.add(space.key(point));
    if (model && !multi) {
      state = { ...state, model: withObservation(model, u, predict(model, u).mean) };
    }
  }
  return out;
}
