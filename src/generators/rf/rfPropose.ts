/**
 * Random-forest Bayesian optimization as SMAC3's HyperparameterOptimizationFacade does it:
 * - costs (objectives oriented for minimization; several objectives scalarized with random
 *   augmented Chebyshev weights, as the GP and TPE do) are log-scaled (logScaledCosts.ts);
 *   failed trials enter with the worst observed cost;
 * - a random forest (randomForest.ts) is fitted on the unit-cube encodings;
 * - expected improvement of the cost under the forest's log-normal prediction
 *   (logNormalEi.ts) over the best predicted cost of an observed configuration (SMAC's
 *   predict_x_best) is maximized by random search plus local search (localSearch.ts);
 * - with probability 0.2 a proposal is a random configuration instead (SMAC's
 *   ProbabilityRandomDesign interleaving);
 * - in a space with an integer or a choice parameter, no proposal lies within a minimum
 *   distance of a tried point (not SMAC's: see minDistance.ts), and the neighbours the local
 *   search scored are candidates too;
 * - in a conditional space, half the proposals search one branch against that branch's own
 *   incumbent (not SMAC's: see BRANCH_SEARCH_PROBABILITY).
 * Pending trials, and the earlier points of the same batch, enter the data with the forest's
 * predicted cost (a constant-liar "believer"), so parallel slots get different points.
 * Deterministic: the same seed and history give the same points.
 */
import type { GeneratorInput } from "../generator.js";
import type { Point } from "../../space/parameters.js";
import { makeImputer } from "./imputeInactive.js";
import type { Rng } from "../rng.js";
import { createRng } from "../rng.js";
import { chebyshevScalarize, simplexWeights } from "../gp/trainingData.js";
import { randomValidPoint } from "../gp/validPoints.js";
import { triedKeys } from "../triedKeys.js";
import type { ForestOptions, RandomForest } from "./randomForest.js";
import { SMAC_FOREST, fitForest, predictForest, predictForestInto } from "./randomForest.js";
import type { SearchOptions } from "./localSearch.js";
import { SMAC_SEARCH, maximizeAcquisition } from "./localSearch.js";
import { logScaleCosts } from "./logScaledCosts.js";
import { logNormalLogEi } from "./logNormalEi.js";
import type { NeighbourhoodOptions } from "./neighbourhood.js";
import { CONFIGSPACE_NEIGHBOURHOOD, buildNeighbourhood } from "./neighbourhood.js";
import type { TrainingRows } from "./regressionTree.js";
import { MIN_DISTANCE_SHARE, minimumDistance, nearestDistance } from "./minDistance.js";

export interface RandomForestOptions {
  /** Trees in the forest (OmniOpt2's --n_estimators_randomforest); default 10 (SMAC). */
  readonly trees?: number;
  /** Probability that a proposal is a random configuration; default 0.2 (SMAC). */
  readonly randomProbability?: number;
  /** Completed trials needed before the forest is used (fewer: random points); default 2. */
  readonly minCompleted?: number;
  readonly forest?: Partial<ForestOptions>;
  readonly search?: Partial<SearchOptions>;
  /**
   * Local-search steps; default ConfigSpace's (4 neighbours at 0.2). SMAC3's own setting
   * (SMAC_NEIGHBOURHOOD: 8 at 0.05) did worse on 5 of the 7 benchmark functions (docs/benchmarks.md).
   */
  readonly neighbourhood?: Partial<NeighbourhoodOptions>;
  /**
   * Minimum distance of a proposal to the tried points as a share of their typical spacing
   * (minDistance.ts); default MIN_DISTANCE_SHARE in a space with an integer or a choice
   * parameter, 0 (none) in a continuous one.
   */
  readonly minDistanceShare?: number;
  /**
   * In a conditional space, the probability that a proposal's search stays inside one branch
   * (a level, drawn uniformly, of an always-active unordered choice that a condition reads),
   * with the expected improvement over that branch's own best predicted cost; default
   * BRANCH_SEARCH_PROBABILITY (not SMAC's, see there). No effect in a space without one.
   */
  readonly branchSearchProbability?: number;
}

/**
 * SMAC's forest settles in the branch whose points looked best after the initial design (on
 * bench:optimizers' conditional problem, the branch of the best Sobol point in every run that
 * does not reach adam: docs/benchmarks.md): with log-scaled costs another branch's expected
 * improvement against the global incumbent is nil however little it was searched, and a
 * branch's own parameters are learned from its own trials only. Half the proposals therefore
 * search one branch against its own incumbent, so every branch keeps being refined. Not for a
 * plain choice (no condition reads it): on the Mixed problem, whose optimizer shares every
 * parameter, the same search only diluted the refinement (median 2.24e-1 against 1.52e-1, seeds 0-39).
 */
export const BRANCH_SEARCH_PROBABILITY = 0.5;

/** Stream tag for the forest's randomness ("RF" in ASCII). */
const RF_STREAM = 0x5246;

export function proposeRandomForest(
  input: GeneratorInput,
  count: number,
  opts: RandomForestOptions = {},
): Point[] {
  const { space, constraints, objectives } = input;
  const rng = createRng(
    input.seed,
    RF_STREAM,
    input.completed.length,
    input.failed.length,
    input.pending.length,
  );
  if (space.dim === 0) return Array.from({ length: count }, () => space.decode([]));
  const excluded = triedKeys(input);
  const obs = input.completed.filter((o) =>
    objectives.every((ob) => Number.isFinite(o.values[ob.name])),
  );
  const forestOpts: ForestOptions = {
    ...SMAC_FOREST,
    ...opts.forest,
    ...(opts.trees === undefined ? {} : { trees: opts.trees }),
  };
  const searchOpts: SearchOptions = { ...SMAC_SEARCH, ...opts.search };
  const randomProbability = opts.randomProbability ?? 0.2;
  const minCompleted = Math.max(2, opts.minCompleted ?? 2);
  const neighbourhood = buildNeighbourhood(space, {
    ...CONFIGSPACE_NEIGHBOURHOOD,
    ...opts.neighbourhood,
  });
  const d = space.dim;
  const imputer = makeImputer(
    space.dimensions.map((dim) => dim.conditional),
    Int32Array.from(space.dimensions, (dim) =>
      dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
    ),
  );
  const cat = imputer.cat;
  const share =
    opts.minDistanceShare ??
    (space.dimensions.some((dim) => dim.kind.type !== "continuous") ? MIN_DISTANCE_SHARE : 0);
  // Unordered choices for the distance (a different level is as far as can be).
  const levels = Int32Array.from(space.dimensions, (dim) =>
    dim.kind.type === "categorical" && !dim.kind.ordered ? dim.kind.levels : 0,
  );
  // Branch parameters: always-active unordered choices that a condition reads.
  const parents = space.structure?.parentNames ?? new Set<string>();
  const branchDims = space.dimensions.flatMap((dim, i) =>
    dim.kind.type === "categorical" &&
    !dim.kind.ordered &&
    !dim.conditional &&
    parents.has(dim.parameter.name)
      ? [i]
      : [],
  );
  const branchSearch = opts.branchSearchProbability ?? BRANCH_SEARCH_PROBABILITY;
  // Unit-cube rows (local search starts from them) and the rows the forest sees.
  const observedUnit = [
    ...obs.map((o) => space.encode(o.point)),
    ...input.failed.map((p) => space.encode(p)),
  ];
  const observedRows = observedUnit.map((u) => imputer.apply(u));
  const feasible = constraints.isEmpty
    ? undefined
    : (u: Float64Array): boolean =>
        constraints.unitCubeFeasible(u, 1e-9) && constraints.isSatisfied(space.decode(u));

  const meanVar = new Float64Array(2);
  const out: Point[] = [];
  let believers: Float64Array[] = input.pending.map((p) => imputer.apply(space.encode(p)));
  for (let c = 0; c < count; c++) {
    const pointRng = rng.derive(c);
    if (obs.length < minCompleted || pointRng.uniform() < randomProbability) {
      const p = randomValidPoint(space, constraints, pointRng, excluded);
      out.push(p);
      excluded.add(space.key(p));
      believers = [...believers, imputer.apply(space.encode(p))];
      continue;
    }
    const y = observedCosts(input, obs, pointRng);
    const forest = fitWithBelievers(observedRows, y, believers, { d, cat }, forestOpts, pointRng);
    // SMAC's incumbent value: the best predicted cost of an observed configuration.
    const predicted = observedUnit
      .slice(0, obs.length)
      .map((u, k) => ({ u, mean: predictForest(forest, observedRows[k]!).mean }))
      .sort((a, b) => a.mean - b.mean);
    let eta = predicted[0]!.mean;
    let incumbents = predicted.map((q) => q.u);
    let fixed: { dim: number; value: number } | undefined;
    if (branchDims.length > 0 && branchSearch > 0 && pointRng.uniform() < branchSearch) {
      // One branch (a level of a branch parameter); the search stays inside it, against the
      // best predicted cost among its own observed configurations.
      const dim =
        branchDims.length === 1 ? branchDims[0]! : branchDims[pointRng.integer(branchDims.length)]!;
      const nl = levels[dim]!;
      const levelOfU = (u: Float64Array): number => Math.min(nl - 1, Math.floor(u[dim]! * nl));
      const level = pointRng.integer(nl);
      fixed = { dim, value: (level + 0.5) / nl };
      const inLevel = predicted.filter((q) => levelOfU(q.u) === level);
      if (inLevel.length > 0) eta = inLevel[0]!.mean;
      incumbents = inLevel.map((q) => q.u);
    }
    const branch = fixed;
    const ranked = maximizeAcquisition(
      {
        neighbourhood,
        score: (u) => {
          // Outside the branch of a branch search: worthless.
          if (branch && Math.abs(u[branch.dim]! - branch.value) > 0.5 / levels[branch.dim]!)
            return -Infinity;
          predictForestInto(forest, imputer.apply(u), 0, meanVar);
          return logNormalLogEi(meanVar[0]!, Math.sqrt(meanVar[1]!), eta);
        },
        ...(feasible ? { feasible } : {}),
        incumbents,
        ...(fixed ? { fixed } : {}),
        rng: pointRng,
        keepNeighbours: share > 0,
      },
      searchOpts,
    );
    const tried = [
      ...observedUnit,
      ...input.pending.map((p) => space.encode(p)),
      ...out.map((p) => space.encode(p)),
    ];
    const radius = share > 0 ? minimumDistance(share, tried.length, d) : 0;
    // The best new candidate at least `radius` from every tried point; failing that, the best
    // new one.
    let chosen: Point | null = null;
    let closest: Point | null = null;
    for (const cand of ranked) {
      const p = space.decode(cand.u);
      if (excluded.has(space.key(p))) continue;
      if (!constraints.isSatisfied(p)) continue;
      if (radius > 0 && nearestDistance(space.encode(p), tried, levels) < radius) {
        closest ??= p;
        continue;
      }
      chosen = p;
      break;
    }
    chosen ??= closest ?? randomValidPoint(space, constraints, pointRng, excluded);
    out.push(chosen);
    excluded.add(space.key(chosen));
    believers = [...believers, imputer.apply(space.encode(chosen))];
  }
  return out;
}

/** Log-scaled costs of the completed trials, then the failed ones (at the worst cost). */
function observedCosts(
  input: GeneratorInput,
  obs: GeneratorInput["completed"],
  rng: Rng,
): Float64Array {
  const { objectives } = input;
  const rows = obs.map((o) =>
    Float64Array.from(objectives, (ob) => (ob.goal === "max" ? -1 : 1) * o.values[ob.name]!),
  );
  const costs =
    objectives.length === 1
      ? Float64Array.from(rows, (r) => r[0]!)
      : chebyshevScalarize(rows, simplexWeights(objectives.length, rng));
  const scaled = logScaleCosts(costs);
  const worst = scaled.reduce((a, b) => Math.max(a, b), -Infinity);
  const y = new Float64Array(obs.length + input.failed.length);
  y.set(scaled);
  y.fill(worst, obs.length);
  return y;
}

/**
 * The forest on the observed rows; with believers, a first forest predicts their costs and a
 * second one is fitted with them added.
 */
function fitWithBelievers(
  rows: readonly Float64Array[],
  y: Float64Array,
  believers: readonly Float64Array[],
  shape: { d: number; cat: Int32Array },
  opts: ForestOptions,
  rng: Rng,
): RandomForest {
  const data = trainingRows(rows, y, shape);
  const first = fitForest(data, opts, rng.derive(0));
  if (believers.length === 0) return first;
  const lies = Float64Array.from(believers, (u) => predictForest(first, u).mean);
  const all = new Float64Array(y.length + lies.length);
  all.set(y);
  all.set(lies, y.length);
  return fitForest(trainingRows([...rows, ...believers], all, shape), opts, rng.derive(1));
}

function trainingRows(
  rows: readonly Float64Array[],
  y: Float64Array,
  shape: { d: number; cat: Int32Array },
): TrainingRows {
  const { d, cat } = shape;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => x.set(r, i * d));
  return { x, y, n: rows.length, d, cat };
}
