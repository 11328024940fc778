import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/generators/rng.js";
import type { RandomForest } from "../../../src/generators/rf/randomForest.js";
import {
  SMAC_FOREST,
  VARIANCE_FLOOR,
  fitForest,
  predictForest,
} from "../../../src/generators/rf/randomForest.js";
import type {
  RegressionTree,
  TrainingRows,
  TreeOptions,
} from "../../../src/generators/rf/regressionTree.js";
import { growTree, levelOf, treePredict } from "../../../src/generators/rf/regressionTree.js";

const PLAIN: TreeOptions = {
  maxFeatures: 1,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxDepth: 2 ** 20,
  epsPurity: 1e-8,
  maxNodes: 2 ** 20,
  logY: false,
};

function rows(x: number[][], y: number[], cat: number[] = x[0]!.map(() => 0)): TrainingRows {
  const d = x[0]!.length;
  return {
    x: Float64Array.from(x.flat()),
    y: Float64Array.from(y),
    n: y.length,
    d,
    cat: Int32Array.from(cat),
  };
}

function all(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Leaves reached by the training rows, with how many rows reach each. */
function leafCounts(tree: RegressionTree, data: TrainingRows): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < data.n; i++) {
    let node = 0;
    while (tree.left[node]! >= 0) {
      const f = tree.feature[node]!;
      const v = data.x[i * data.d + f]!;
      const levels = tree.cat[f]!;
      const left =
        levels > 0
          ? tree.goesLeft[tree.maskOffset[node]! + levelOf(v, levels)] === 1
          : v <= tree.threshold[node]!;
      node = left ? tree.left[node]! : tree.right[node]!;
    }
    counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return counts;
}

describe("regression tree", () => {
  it("splits a step between the two neighbouring values and predicts each side's mean", () => {
    const xs = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    const data = rows(
      xs.map((v) => [v]),
      xs.map((v) => (v < 0.5 ? 2 : 7)),
    );
    const tree = growTree(data, all(10), PLAIN, createRng(1));
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBeGreaterThanOrEqual(0.45);
    expect(tree.threshold[0]).toBeLessThan(0.55);
    // Pure sides are leaves: three nodes in all.
    expect(tree.left.length).toBe(3);
    expect(treePredict(tree, [0.1])).toBe(2);
    expect(treePredict(tree, [0.9])).toBe(7);
  });

  it("draws the threshold at random between the neighbours (trees of a forest disagree there)", () => {
    const xs = [0, 0.1, 0.2, 0.8, 0.9, 1];
    const data = rows(
      xs.map((v) => [v]),
      [0, 0, 0, 1, 1, 1],
    );
    const thresholds = new Set(
      [1, 2, 3, 4, 5].map((s) => growTree(data, all(6), PLAIN, createRng(s)).threshold[0]),
    );
    expect(thresholds.size).toBe(5);
    for (const t of thresholds) {
      expect(t).toBeGreaterThanOrEqual(0.2);
      expect(t).toBeLessThan(0.8);
    }
  });

  it("splits unordered categories by their mean response, whatever their order", () => {
    // Four levels (u = level centre); levels 1 and 3 are good, 0 and 2 bad.
    const level = (l: number): number => (l + 0.5) / 4;
    const x = [0, 1, 2, 3, 0, 1, 2, 3].map((l) => [level(l)]);
    const data = rows(x, [5, 1, 5, 1, 5.2, 1.2, 4.8, 0.8], [4]);
    const tree = growTree(
      data,
      all(8),
      { ...PLAIN, minSamplesLeaf: 2, minSamplesSplit: 5 },
      createRng(3),
    );
    expect(tree.maskOffset[0]).toBeGreaterThanOrEqual(0);
    const mask = Array.from(tree.goesLeft.subarray(tree.maskOffset[0], tree.maskOffset[0]! + 4));
    expect(mask[1]).toBe(mask[3]);
    expect(mask[0]).toBe(mask[2]);
    expect(mask[0]).not.toBe(mask[1]);
    // Four samples per side are too few to split again (min_samples_split 5): side means.
    expect(treePredict(tree, [level(1)])).toBeCloseTo(1, 12);
    expect(treePredict(tree, [level(3)])).toBeCloseTo(1, 12);
    expect(treePredict(tree, [level(2)])).toBeCloseTo(5, 12);
  });

  it("keeps min_samples_leaf samples in every leaf and stops at min_samples_split", () => {
    const rng = createRng(9);
    const x = Array.from({ length: 40 }, () => [rng.uniform(), rng.uniform()]);
    const data = rows(
      x,
      x.map(([a, b]) => Math.sin(6 * a!) + b!),
    );
    const tree = growTree(
      data,
      all(40),
      { ...PLAIN, maxFeatures: 2, minSamplesLeaf: 3, minSamplesSplit: 7 },
      createRng(2),
    );
    const counts = leafCounts(tree, data);
    expect(counts.size).toBeGreaterThan(3);
    for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(3);
  });

  it("with log responses, a leaf predicts the log of the mean cost (SMAC's log_y)", () => {
    const data = rows([[0.1], [0.2]], [Math.log(1), Math.log(3)]);
    const tree = growTree(data, all(2), { ...PLAIN, minSamplesSplit: 3, logY: true }, createRng(1));
    expect(treePredict(tree, [0.15])).toBeCloseTo(Math.log(2), 12);
    const plain = growTree(data, all(2), { ...PLAIN, minSamplesSplit: 3 }, createRng(1));
    expect(plain.value[0]).toBeCloseTo(Math.log(3) / 2, 12);
  });

  it("grows on a bootstrap sample: repeated rows count with their multiplicity", () => {
    const data = rows([[0.1], [0.9]], [1, 4]);
    const tree = growTree(
      data,
      Int32Array.from([0, 0, 0, 1]),
      { ...PLAIN, minSamplesSplit: 5 },
      createRng(1),
    );
    expect(tree.value[0]).toBeCloseTo((1 + 1 + 1 + 4) / 4, 12);
  });
});

describe("random forest", () => {
  function stump(low: number, high: number): RegressionTree {
    return {
      feature: Int32Array.from([0, -1, -1]),
      threshold: Float64Array.from([0.5, 0, 0]),
      left: Int32Array.from([1, -1, -1]),
      right: Int32Array.from([2, -1, -1]),
      value: Float64Array.from([0, low, high]),
      maskOffset: Int32Array.from([-1, -1, -1]),
      goesLeft: new Uint8Array(0),
      cat: Int32Array.from([0]),
    };
  }

  it("predicts the mean of the trees and their variance across trees (no within-leaf spread)", () => {
    const forest: RandomForest = { d: 1, trees: [stump(1, 10), stump(2, 10), stump(6, 10)] };
    const p = predictForest(forest, [0.2]);
    expect(p.mean).toBeCloseTo(3, 12);
    expect(p.variance).toBeCloseTo(((1 - 3) ** 2 + (2 - 3) ** 2 + (6 - 3) ** 2) / 3, 12);
    // All trees agree: the variance is SMAC's floor, not zero.
    expect(predictForest(forest, [0.8])).toEqual({ mean: 10, variance: VARIANCE_FLOOR });
  });

  it("uses SMAC's HPO-facade settings", () => {
    expect(SMAC_FOREST).toEqual({
      trees: 10,
      ratioFeatures: 1,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxDepth: 2 ** 20,
      epsPurity: 1e-8,
      maxNodes: 2 ** 20,
      bootstrap: true,
      logY: true,
    });
  });

  it("is deterministic for a seed, fits the data and is uncertain away from it", () => {
    const rng = createRng(4);
    const x = Array.from({ length: 60 }, () => [0.5 * rng.uniform()]);
    const data = rows(
      x,
      x.map(([a]) => (a! - 0.25) ** 2),
    );
    const a = fitForest(data, { ...SMAC_FOREST, logY: false }, createRng(7));
    const b = fitForest(data, { ...SMAC_FOREST, logY: false }, createRng(7));
    expect(predictForest(a, [0.3])).toEqual(predictForest(b, [0.3]));
    expect(a.trees).toHaveLength(10);
    const near = predictForest(a, [0.25]);
    expect(Math.abs(near.mean)).toBeLessThan(0.005);
    // Between the data's edge and far outside, the trees disagree more than inside the data.
    const inside = predictForest(a, [0.2]).variance;
    const edge = predictForest(a, [0.52]).variance;
    expect(edge).toBeGreaterThan(inside);
  });
});
