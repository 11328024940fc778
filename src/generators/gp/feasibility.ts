/**
 * Outcome constraints in the acquisition (BoTorch's constrained EI, in log form): each
 * constraint metric gets its own GP; the log probability that a point satisfies every
 * constraint is added to log EI, whose incumbent is the best FEASIBLE observation. While no
 * observation is feasible the acquisition is the log probability of feasibility alone (find a
 * feasible region first). The log form keeps a gradient where the probability underflows.
 */
import { isFeasible, type OutcomeConstraint } from "../../evaluate/outcomeConstraints.js";
import type { GeneratorInput } from "../generator.js";
import type { GpModel } from "./gpModel.js";
import { buildModel, predict, predictWithGrad } from "./gpModel.js";
import { fitHyperparameters } from "./hyperFit.js";
import { logEiValue, logEiWithGrad } from "./logEi.js";
import { erfcx, normalCdf, normalPdf } from "./normal.js";
import type { PreparedData } from "./trainingData.js";

const SQRT2 = Math.SQRT2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** log Phi(z) and d/dz log Phi(z) = phi(z)/Phi(z), stable far into the lower tail. */
export function logNormalCdf(z: number): { value: number; grad: number } {
  if (z > -1) {
    const c = normalCdf(z);
    return { value: Math.log(c), grad: normalPdf(z) / c };
  }
  // Phi(z) = erfc(a/sqrt2)/2 = erfcx(a/sqrt2) exp(-a^2/2) / 2 with a = -z
  const a = -z;
  const e = erfcx(a / SQRT2);
  return { value: Math.log(e / 2) - 0.5 * a * a, grad: SQRT_2_OVER_PI / e };
}

/** A GP of one constraint metric, standardized, with the feasibility threshold in its units. */
export interface FeasibilityModel {
  readonly model: GpModel;
  /** Feasible where the (standardized, oriented) prediction is at most this. */
  readonly threshold: number;
}

/** One model per outcome constraint whose metric has at least two finite observations. */
export function fitFeasibilityModels(input: GeneratorInput): FeasibilityModel[] {
  const out: FeasibilityModel[] = [];
  const { space } = input;
  const d = space.dim;
  for (const c of input.outcomeConstraints ?? []) {
    const sign = c.op === "<=" ? 1 : -1;
    const rows = input.completed.filter((o) => Number.isFinite(o.values[c.metric]));
    if (rows.length < 2) continue;
    const raw = rows.map((o) => sign * (o.values[c.metric]! - c.bound));
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length) || 1;
    const x = new Float64Array(rows.length * d);
    rows.forEach((o, i) => x.set(space.encode(o.point), i * d));
    const train = {
      x,
      y: Float64Array.from(raw, (v) => (v - mean) / sd),
      extraNoise: new Float64Array(rows.length),
      n: rows.length,
      d,
      cat: Int32Array.from(space.dimensions, (dim) =>
        dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
      ),
    };
    const model = buildModel(train, fitHyperparameters(train, { starts: 1 }).theta);
    if (model) out.push({ model, threshold: -mean / sd });
  }
  return out;
}

/** The lowest transformed objective among completed trials that satisfy every constraint. */
export function feasibleBest(
  input: GeneratorInput,
  data: PreparedData,
  constraints: readonly OutcomeConstraint[],
): number {
  if (constraints.length === 0) return data.best;
  // The same observations, in the same order, as prepareData's completed rows.
  const obs = input.completed.filter((o) =>
    input.objectives.every((ob) => Number.isFinite(o.values[ob.name])),
  );
  let best = Infinity;
  obs.forEach((o, i) => {
    if (i < data.completedRows && isFeasible(o.values, constraints))
      best = Math.min(best, data.train.y[i]!);
  });
  return best;
}

export function logPof(models: readonly FeasibilityModel[], u: Float64Array): number {
  let s = 0;
  for (const f of models) {
    const p = predict(f.model, u);
    s += logNormalCdf((f.threshold - p.mean) / Math.sqrt(p.variance)).value;
  }
  return s;
}

/** log EI (of the feasible incumbent) plus log P(feasible); log P(feasible) alone while best is Infinity. */
export function constrainedLogEi(
  model: GpModel,
  u: Float64Array,
  best: number,
  feasibility: readonly FeasibilityModel[],
): number {
  const f = feasibility.length > 0 ? logPof(feasibility, u) : 0;
  return Number.isFinite(best) ? logEiValue(model, u, best) + f : f;
}

export function constrainedLogEiWithGrad(
  model: GpModel,
  u: Float64Array,
  best: number,
  feasibility: readonly FeasibilityModel[],
): { value: number; grad: Float64Array } {
  const out = Number.isFinite(best)
    ? logEiWithGrad(model, u, best)
    : { value: 0, grad: new Float64Array(model.d) };
  for (const f of feasibility) {
    const p = predictWithGrad(f.model, u);
    const sigma = Math.sqrt(p.variance);
    const z = (f.threshold - p.mean) / sigma;
    const l = logNormalCdf(z);
    out.value += l.value;
    // dz/dmu = -1/sigma; dz/dsigma = -z/sigma; dsigma = dvar / (2 sigma)
    for (let k = 0; k < model.d; k++)
      out.grad[k] =
        out.grad[k]! +
        l.grad * (-p.dMean[k]! / sigma - (z * p.dVariance[k]!) / (2 * sigma * sigma));
  }
  return out;
}
