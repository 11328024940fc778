/**
 * GP proposals for 2 or 3 objectives by expected hypervolume improvement (gp/ehvi.ts): one GP
 * per objective (standardized outcomes, no power transform, so the hypervolume keeps its
 * shape up to a scale per objective), the feasible observed Pareto front and a reference point
 * a tenth of the observed range beyond the worst value of each objective (BoTorch's inferred
 * reference point), pending and already chosen points as Kriging believers (their predicted
 * means join every model and the front).
 */
import { isFeasible } from "../../evaluate/outcomeConstraints.js";
import { nadirReference } from "../../report/hypervolume.js";
import type { Point } from "../../space/parameters.js";
import type { GeneratorInput } from "../generator.js";
import type { Rng } from "../rng.js";
import type { AcquisitionOptions } from "./acquisitionOptimizer.js";
import { optimizeAcquisition } from "./acquisitionOptimizer.js";
import { ehviAcquisition } from "./ehvi.js";
import { fitFeasibilityModels } from "./feasibility.js";
import type { GpModel } from "./gpModel.js";
import { predict, withObservation } from "./gpModel.js";
import type { PreparedData } from "./trainingData.js";
import { randomValidPoint } from "./validPoints.js";
import { sweepPoints } from "./sweep.js";

/** Monte Carlo base samples per point (BoTorch uses 128 for qEHVI). */
const BASE_SAMPLES = 128;

export type FitOne = (input: GeneratorInput) => { data: PreparedData; model: GpModel | null };

export function proposeEhvi(
  input: GeneratorInput,
  count: number,
  fit: FitOne,
  acq: AcquisitionOptions,
  rng: Rng,
  excluded: Set<string>,
): Point[] {
  const { space, constraints, objectives } = input;
  const k = objectives.length;
  const fits = objectives.map((o) => fit({ ...input, objectives: [o], outcomeConstraints: [] }));
  let models = fits.map((f) => f.model);
  const out: Point[] = [];
  if (models.some((m) => m === null)) {
    for (let i = 0; i < count; i++) {
      const p = randomValidPoint(space, constraints, rng, excluded);
      out.push(p);
      excluded.add(space.key(p));
    }
    return out;
  }
  const d = space.dim;
  const n = fits[0]!.data.completedRows;
  const rows = Array.from({ length: n }, (_, i) =>
    Float64Array.from(fits, (f) => f.data.train.y[i]!),
  );
  const reference = nadirReference(rows, k);
  const oc = input.outcomeConstraints ?? [];
  const feasibleRows = rows.filter((_, i) => isFeasible(input.completed[i]!.values, oc));
  const front: Float64Array[] = [...feasibleRows];
  const x = fits[0]!.data.train.x;
  const incumbents = feasibleRows.length
    ? rows
        .map((r, i) => ({ r, i }))
        .filter(({ r }) => feasibleRows.includes(r))
        .filter(({ r }) => !rows.some((q) => dominates(q, r)))
        .slice(0, 10)
        .map(({ i }) => x.slice(i * d, (i + 1) * d))
    : fits[0]!.data.incumbents;
  const believe = (u: Float64Array): void => {
    const mean = Float64Array.from(models, (m) => predict(m!, u).mean);
    models = models.map((m, j) => withObservation(m!, u, mean[j]!));
    front.push(mean);
  };
  for (const p of input.pending) believe(space.encode(p));
  const feasibility = fitFeasibilityModels(input);
  const base = Array.from({ length: BASE_SAMPLES }, () =>
    Float64Array.from({ length: k }, () => rng.normal()),
  );
  for (let i = 0; i < count; i++) {
    const found = optimizeAcquisition(
      {
        model: models[0]!,
        best: Infinity,
        space,
        constraints,
        incumbents,
        excluded,
        sweep: (c) => sweepPoints(d, c, rng),
        rng,
        acquisition: ehviAcquisition({
          models: models as GpModel[],
          front,
          reference,
          base,
          feasibility,
        }),
      },
      acq,
    );
    const u = found ? found.u : space.encode(randomValidPoint(space, constraints, rng, excluded));
    const point = space.decode(u);
    out.push(point);
    excluded.add(space.key(point));
    believe(u);
  }
  return out;
}

function dominates(a: Float64Array, b: Float64Array): boolean {
  let strictly = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j]! > b[j]!) return false;
    if (a[j]! < b[j]!) strictly = true;
  }
  return strictly;
}
