/**
 * The report's model view: a GP (the same Matern-5/2 ARD model and marginal-likelihood fit the
 * GP generator uses) fitted to the completed trials of a single-objective campaign, its mean
 * and uncertainty as a contour over the two most important numeric parameters (the others at
 * the best trial's values), and parameter importance from the fitted lengthscales.
 */
import type { Objective } from "../generators/generator.js";
import { subsetForFit } from "../generators/gp/gpPropose.js";
import { buildModel, predict } from "../generators/gp/gpModel.js";
import { fitHyperparameters } from "../generators/gp/hyperFit.js";
import type { TrainingSet } from "../generators/gp/likelihood.js";
import { createRng } from "../generators/rng.js";
import type { Point } from "../space/parameters.js";
import { SearchSpace } from "../space/searchSpace.js";
import type { Parameter } from "../space/parameters.js";
import type { ModelContour, ModelView } from "./reportData.js";

/** Points the GP is fitted on at most (fitting is cubic in this). */
export const MODEL_MAX_POINTS = 200;
const GRID = 30;
/** Stream tag for the report's subsample ("RP"). */
const REPORT_STREAM = 0x5250;

/** Fitted GP hyperparameters, and how many completed trials there were when they were fitted. */
export interface ModelFit {
  theta: Float64Array;
  completed: number;
}

/**
 * What the live dashboard keeps between its rebuilds of a campaign's data: the last fitted
 * hyperparameters, reused while the completed trials have grown by less than a tenth (at
 * least REFIT_MIN_NEW) since, so that most updates cost one posterior, not a fit.
 */
export interface ModelFitMemory {
  fit: ModelFit | null;
}
export const REFIT_MIN_NEW = 10;

export interface ModelInput {
  parameters: readonly Parameter[];
  objective: Objective;
  /** Completed trials with a finite value of the objective, in trial order. */
  observations: readonly { point: Point; value: number }[];
  seed: number;
  /** The dashboard's memory of the last fit (absent: always fit, as report.html does). */
  memory?: ModelFitMemory;
}

function reusable(memory: ModelFitMemory | undefined, completed: number): ModelFit | null {
  const fit = memory?.fit ?? null;
  if (!fit || fit.completed > completed) return null;
  return completed - fit.completed < Math.max(REFIT_MIN_NEW, fit.completed / 10) ? fit : null;
}

export function modelView(input: ModelInput): ModelView | null {
  const space = new SearchSpace(input.parameters);
  const d = space.dim;
  const obs = input.observations;
  if (d === 0 || obs.length < 5) return null;
  const sign = input.objective.goal === "max" ? -1 : 1;
  const raw = obs.map((o) => sign * o.value);
  const mu = raw.reduce((a, b) => a + b, 0) / raw.length;
  const sdRaw = Math.sqrt(raw.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, raw.length - 1));
  const scale = sdRaw > 0 ? sdRaw : 1;
  const x = new Float64Array(obs.length * d);
  obs.forEach((o, i) => x.set(space.encode(o.point), i * d));
  const full: TrainingSet = {
    x,
    y: Float64Array.from(raw, (v) => (v - mu) / scale),
    extraNoise: new Float64Array(obs.length),
    n: obs.length,
    d,
    cat: Int32Array.from(space.dimensions, (dim) =>
      dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
    ),
  };
  const train = subsetForFit(full, MODEL_MAX_POINTS, createRng(input.seed, REPORT_STREAM));
  const previous = reusable(input.memory, obs.length);
  let model = previous ? buildModel(train, previous.theta) : null;
  let fittedAt = previous?.completed ?? obs.length;
  if (!model) {
    const fit = fitHyperparameters(train, { starts: 2 });
    model = buildModel(train, fit.theta);
    fittedAt = obs.length;
    if (input.memory) input.memory.fit = { theta: fit.theta, completed: obs.length };
  }
  if (!model) return null;
  const inverse = Array.from(model.params.lengthscales, (l) => 1 / l);
  const total = inverse.reduce((a, b) => a + b, 0);
  const importance = space.dimensions
    .map((dim, k) => ({ name: dim.name, value: inverse[k]! / total }))
    .sort((a, b) => b.value - a.value);
  let bestI = 0;
  raw.forEach((v, i) => {
    if (v < raw[bestI]!) bestI = i;
  });
  const best = space.encode(obs[bestI]!.point);
  const numeric = importance
    .map((imp) => space.dimensions.findIndex((dim) => dim.name === imp.name))
    .filter((k) => space.dimensions[k]!.kind.type !== "categorical");
  let contour: ModelContour | null = null;
  if (numeric.length >= 2) {
    const [kx, ky] = [numeric[0]!, numeric[1]!];
    const u = Array.from({ length: GRID }, (_, i) => (i + 0.5) / GRID);
    // Axis coordinates without rounding (integers too), so the contour's axes are monotonic.
    const valueAt = (k: number, ui: number): number => {
      const p = space.dimensions[k]!.parameter;
      if (p.kind !== "range") return ui;
      if (p.valueType === "int") {
        // The integer encoding's bins span [low - 0.5, high + 0.5] (log: shifted by one).
        if (!p.log) return p.low - 0.5 + ui * (p.high - p.low + 1);
        const a = Math.log(p.low + 0.5);
        return Math.exp(a + ui * (Math.log(p.high + 1.5) - a)) - 1;
      }
      return p.log ? p.low * (p.high / p.low) ** ui : p.low + ui * (p.high - p.low);
    };
    const mean: number[][] = [];
    const sd: number[][] = [];
    for (const uy of u) {
      const rowMean: number[] = [];
      const rowSd: number[] = [];
      for (const ux of u) {
        const q = Float64Array.from(best);
        q[kx] = ux;
        q[ky] = uy;
        const p = predict(model, q);
        rowMean.push(sign * (p.mean * scale + mu));
        rowSd.push(Math.sqrt(p.variance) * scale);
      }
      mean.push(rowMean);
      sd.push(rowSd);
    }
    const dimX = space.dimensions[kx]!;
    const dimY = space.dimensions[ky]!;
    const bestPoint = obs[bestI]!.point;
    contour = {
      xParam: dimX.name,
      yParam: dimY.name,
      xLog: dimX.parameter.kind === "range" && dimX.parameter.log,
      yLog: dimY.parameter.kind === "range" && dimY.parameter.log,
      x: u.map((ui) => valueAt(kx, ui)),
      y: u.map((ui) => valueAt(ky, ui)),
      mean,
      sd,
      heldAt: Object.fromEntries(
        space.dimensions
          .filter((dim) => dim.name !== dimX.name && dim.name !== dimY.name)
          .map((dim) => [dim.name, bestPoint[dim.name]!]),
      ),
    };
  }
  return {
    objective: input.objective.name,
    importance,
    contour,
    fittedOn: train.n,
    completed: obs.length,
    hyperparametersFittedAt: fittedAt,
  };
}
