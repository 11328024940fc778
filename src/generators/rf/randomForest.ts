/**
 * SMAC's random forest surrogate: `trees` regression trees, each grown on a bootstrap sample
 * (n rows drawn with replacement), predicting the mean of the trees' leaf values and their
 * variance across trees (SMAC turns pyrfr's law-of-total-variance option off: the spread of the
 * leaves' own samples is not added). Defaults are those of SMAC3's HyperparameterOptimization
 * facade: 10 trees, every feature looked at per split (ratio_features 1.0), min_samples_split 2,
 * min_samples_leaf 1, max_depth 2^20, bootstrapping, log-transformed responses (log_y).
 */
import type { Rng } from "../rng.js";
import type { RegressionTree, TrainingRows, TreeOptions } from "./regressionTree.js";
import { growTree, sortRowsByFeature, treePredict } from "./regressionTree.js";

export interface ForestOptions {
  readonly trees: number;
  /** Share of the features looked at per split: max(1, floor(d * ratio)). */
  readonly ratioFeatures: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxDepth: number;
  readonly epsPurity: number;
  readonly maxNodes: number;
  readonly bootstrap: boolean;
  readonly logY: boolean;
}

export const SMAC_FOREST: ForestOptions = {
  trees: 10,
  ratioFeatures: 1,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxDepth: 2 ** 20,
  epsPurity: 1e-8,
  maxNodes: 2 ** 20,
  bootstrap: true,
  logY: true,
};

/** SMAC's floor on the predicted variance (constants.VERY_SMALL_NUMBER). */
export const VARIANCE_FLOOR = 1e-10;

export interface RandomForest {
  readonly trees: readonly RegressionTree[];
  readonly d: number;
}

export function fitForest(data: TrainingRows, opts: ForestOptions, rng: Rng): RandomForest {
  if (data.n === 0) throw new RangeError("fitForest: no training rows");
  const treeOpts: TreeOptions = {
    maxFeatures: Math.max(1, Math.floor(data.d * Math.min(1, opts.ratioFeatures))),
    minSamplesSplit: opts.minSamplesSplit,
    minSamplesLeaf: opts.minSamplesLeaf,
    maxDepth: opts.maxDepth,
    epsPurity: opts.epsPurity,
    maxNodes: opts.maxNodes,
    logY: opts.logY,
  };
  const rowOrders = sortRowsByFeature(data);
  const trees: RegressionTree[] = [];
  for (let t = 0; t < opts.trees; t++) {
    const treeRng = rng.derive(t);
    const sample = new Int32Array(data.n);
    for (let i = 0; i < data.n; i++) sample[i] = opts.bootstrap ? treeRng.integer(data.n) : i;
    trees.push(growTree(data, sample, treeOpts, treeRng, rowOrders));
  }
  return { trees, d: data.d };
}

export interface ForestPrediction {
  readonly mean: number;
  /** Variance of the trees' predictions (population variance), at least VARIANCE_FLOOR. */
  readonly variance: number;
}

/** Mean and variance across trees at the row of `x` starting at `offset`. */
export function predictForest(
  forest: RandomForest,
  x: ArrayLike<number>,
  offset = 0,
): ForestPrediction {
  const out = new Float64Array(2);
  predictForestInto(forest, x, offset, out);
  return { mean: out[0]!, variance: out[1]! };
}

/** predictForest without allocating: writes the mean to out[0] and the variance to out[1]. */
export function predictForestInto(
  forest: RandomForest,
  x: ArrayLike<number>,
  offset: number,
  out: Float64Array,
): void {
  const trees = forest.trees;
  const k = trees.length;
  let sum = 0;
  let sumSq = 0;
  // Shifted by the first tree's value so that the variance does not cancel catastrophically.
  const shift = treePredict(trees[0]!, x, offset);
  for (let t = 1; t < k; t++) {
    const c = treePredict(trees[t]!, x, offset) - shift;
    sum += c;
    sumSq += c * c;
  }
  const meanShifted = sum / k;
  out[0] = shift + meanShifted;
  out[1] = Math.max(VARIANCE_FLOOR, sumSq / k - meanShifted * meanShifted);
}
