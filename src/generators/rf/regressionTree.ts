/**
 * A binary regression tree as SMAC's random forest grows it (pyrfr's binary_rss_forest): each
 * node looks at `maxFeatures` randomly chosen features and takes the split with the least
 * residual sum of squares. A split on a numeric feature puts its threshold uniformly at random
 * between the two neighbouring values (not at their midpoint), so the trees of a forest disagree
 * between data points and the forest's variance says how far a point is from the data. An
 * unordered categorical feature is split by sorting its categories present in the node by mean
 * response and cutting that order (the optimal binary partition for squared loss); a category
 * absent from the node goes to a random side.
 *
 * Rows are unit-cube vectors (SearchSpace.encode). Features with `cat[f] > 0` are unordered
 * categories with that many levels (level = floor(u * levels)); the others are numeric.
 *
 * Growing works on one sorted order of the node's samples per numeric feature, partitioned in
 * place at every split (no sorting below the root), so a tree costs O(d n log n) at most.
 */
import type { Rng } from "../rng.js";

export interface TreeOptions {
  /** Features looked at per split (at least 1; more are looked at when none of them splits). */
  readonly maxFeatures: number;
  /** A node with fewer samples is a leaf. */
  readonly minSamplesSplit: number;
  /** Each side of a split keeps at least this many samples. */
  readonly minSamplesLeaf: number;
  readonly maxDepth: number;
  /** A node whose responses differ by at most this is a leaf. */
  readonly epsPurity: number;
  readonly maxNodes: number;
  /**
   * Responses are logarithms (SMAC's log_y): a leaf predicts log(mean(exp(y))) of its samples,
   * the log of the mean cost, instead of the mean log cost.
   */
  readonly logY: boolean;
}

export interface TrainingRows {
  /** n rows of d values, row-major. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Per feature: number of levels of an unordered categorical feature, 0 for numeric. */
  readonly cat: Int32Array;
}

/** A fitted tree in flat arrays; node 0 is the root, a leaf has left = -1. */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  /** Categorical splits: offset into `goesLeft` of the node's per-level flags (-1: numeric). */
  readonly maskOffset: Int32Array;
  readonly goesLeft: Uint8Array;
  readonly cat: Int32Array;
}

/** The level of an unordered categorical feature at unit-cube coordinate u. */
export function levelOf(u: number, levels: number): number {
  const l = Math.floor(u * levels);
  return l < 0 ? 0 : l >= levels ? levels - 1 : l;
}

/** The leaf value a tree predicts for the row of `x` starting at `offset`. */
export function treePredict(tree: RegressionTree, x: ArrayLike<number>, offset = 0): number {
  let node = 0;
  const { left, right, feature, threshold, maskOffset, goesLeft, cat } = tree;
  while (left[node]! >= 0) {
    const f = feature[node]!;
    const v = x[offset + f]!;
    const levels = cat[f]!;
    const toLeft =
      levels > 0 ? goesLeft[maskOffset[node]! + levelOf(v, levels)] === 1 : v <= threshold[node]!;
    node = toLeft ? left[node]! : right[node]!;
  }
  return tree.value[node]!;
}

interface Split {
  feature: number;
  gain: number;
  threshold: number;
  /** Per level, 1 when the level goes left (categorical splits). */
  mask: Uint8Array | null;
}

/** The rows 0..n-1 sorted by each numeric feature (null for categorical ones); see growTree. */
export function sortRowsByFeature(data: TrainingRows): (Int32Array | null)[] {
  const { x, n, d, cat } = data;
  return Array.from({ length: d }, (_, f) => {
    if (cat[f]! > 0) return null;
    const keys = new Float64Array(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      keys[i] = x[i * d + f]!;
      order[i] = i;
    }
    return order.sort((a, b) => keys[a]! - keys[b]! || a - b);
  });
}

/**
 * Grows a tree on the rows listed in `sample` (indices into data; repeats allowed).
 * `rowOrders` (sortRowsByFeature, computed once per forest) saves sorting per tree.
 */
export function growTree(
  data: TrainingRows,
  sample: Int32Array,
  opts: TreeOptions,
  rng: Rng,
  rowOrders: readonly (Int32Array | null)[] = sortRowsByFeature(data),
): RegressionTree {
  const { x, y, d, cat } = data;
  const m = sample.length;
  const numeric: number[] = [];
  for (let f = 0; f < d; f++) if (cat[f] === 0) numeric.push(f);
  // orders[k]: positions 0..m-1 of the sample sorted by numeric feature numeric[k].
  const byRow = positionsByRow(sample, data.n);
  const orders = numeric.map((f) => sortedPositions(rowOrders[f]!, byRow, m));
  const members = new Int32Array(m);
  for (let i = 0; i < m; i++) members[i] = i;
  const toLeft = new Uint8Array(m);
  const scratch = new Int32Array(m);
  const orderIndex = new Int32Array(d).fill(-1);
  const maxLevels = cat.reduce((a, b) => Math.max(a, b), 0);
  const sums = new Float64Array(maxLevels);
  const counts = new Int32Array(maxLevels);
  numeric.forEach((f, k) => (orderIndex[f] = k));

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const maskOffset: number[] = [];
  const masks: number[] = [];
  const newNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    maskOffset.push(-1);
    return feature.length - 1;
  };

  const stack: { node: number; lo: number; hi: number; depth: number }[] = [
    { node: newNode(), lo: 0, hi: m, depth: 0 },
  ];
  const features = Array.from({ length: d }, (_, f) => f);
  while (stack.length > 0) {
    const { node, lo, hi, depth } = stack.pop()!;
    value[node] = leafValue(y, sample, members, lo, hi, opts.logY);
    const count = hi - lo;
    if (
      count < opts.minSamplesSplit ||
      count < 2 * opts.minSamplesLeaf ||
      depth >= opts.maxDepth ||
      feature.length + 2 > opts.maxNodes ||
      isPure(y, sample, members, lo, hi, opts.epsPurity)
    )
      continue;
    const split = bestSplit(lo, hi);
    if (!split) continue;
    // Mark the side of every sample position in the node.
    for (let i = lo; i < hi; i++) {
      const p = members[i]!;
      const v = x[sample[p]! * d + split.feature]!;
      toLeft[p] = split.mask
        ? split.mask[levelOf(v, cat[split.feature]!)]!
        : v <= split.threshold
          ? 1
          : 0;
    }
    const nLeft = partition(members, lo, hi);
    for (const order of orders) partition(order, lo, hi);
    if (nLeft === 0 || nLeft === count) continue; // cannot happen with a valid split
    feature[node] = split.feature;
    threshold[node] = split.threshold;
    if (split.mask) {
      maskOffset[node] = masks.length;
      for (const b of split.mask) masks.push(b);
    }
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    stack.push({ node: r, lo: lo + nLeft, hi, depth: depth + 1 });
    stack.push({ node: l, lo, hi: lo + nLeft, depth: depth + 1 });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    maskOffset: Int32Array.from(maskOffset),
    goesLeft: Uint8Array.from(masks),
    cat,
  };

  /** Stable partition of arr[lo..hi) by toLeft; returns the number that go left. */
  function partition(arr: Int32Array, lo: number, hi: number): number {
    let nl = 0;
    let nr = 0;
    for (let i = lo; i < hi; i++) {
      const p = arr[i]!;
      if (toLeft[p] === 1) arr[lo + nl++] = p;
      else scratch[nr++] = p;
    }
    arr.set(scratch.subarray(0, nr), lo + nl);
    return nl;
  }

  function bestSplit(lo: number, hi: number): Split | null {
    rng.shuffle(features);
    let best: Split | null = null;
    let looked = 0;
    for (const f of features) {
      if (looked >= opts.maxFeatures && best) break;
      looked++;
      const s =
        cat[f]! > 0
          ? categoricalSplit(f, cat[f]!, lo, hi)
          : numericSplit(f, orders[orderIndex[f]!]!, lo, hi);
      if (s && (!best || s.gain > best.gain)) best = s;
    }
    return best;
  }

  /** Least squares split of a numeric feature; gain = SL^2/NL + SR^2/NR (larger is better). */
  function numericSplit(f: number, order: Int32Array, lo: number, hi: number): Split | null {
    let total = 0;
    for (let i = lo; i < hi; i++) total += y[sample[order[i]!]!]!;
    const n = hi - lo;
    const minLeaf = opts.minSamplesLeaf;
    let sumLeft = 0;
    let bestGain = -Infinity;
    let bestThreshold = 0;
    for (let i = lo; i < hi - 1; i++) {
      const row = sample[order[i]!]!;
      sumLeft += y[row]!;
      const nl = i - lo + 1;
      if (nl < minLeaf) continue;
      if (n - nl < minLeaf) break;
      const v = x[row * d + f]!;
      const next = x[sample[order[i + 1]!]! * d + f]!;
      if (next <= v) continue; // equal values stay on one side
      const sumRight = total - sumLeft;
      const gain = (sumLeft * sumLeft) / nl + (sumRight * sumRight) / (n - nl);
      if (gain > bestGain) {
        bestGain = gain;
        bestThreshold = v + rng.uniform() * (next - v);
        if (bestThreshold >= next) bestThreshold = v;
      }
    }
    return bestGain === -Infinity
      ? null
      : { feature: f, gain: bestGain, threshold: bestThreshold, mask: null };
  }

  function categoricalSplit(f: number, levels: number, lo: number, hi: number): Split | null {
    sums.fill(0, 0, levels);
    counts.fill(0, 0, levels);
    for (let i = lo; i < hi; i++) {
      const row = sample[members[i]!]!;
      const l = levelOf(x[row * d + f]!, levels);
      sums[l] = sums[l]! + y[row]!;
      counts[l] = counts[l]! + 1;
    }
    const present: number[] = [];
    for (let l = 0; l < levels; l++) if (counts[l]! > 0) present.push(l);
    if (present.length < 2) return null;
    present.sort((a, b) => sums[a]! / counts[a]! - sums[b]! / counts[b]! || a - b);
    let total = 0;
    for (const l of present) total += sums[l]!;
    const n = hi - lo;
    let sumLeft = 0;
    let nl = 0;
    let bestGain = -Infinity;
    let bestCut = -1;
    for (let k = 0; k < present.length - 1; k++) {
      const l = present[k]!;
      sumLeft += sums[l]!;
      nl += counts[l]!;
      if (nl < opts.minSamplesLeaf || n - nl < opts.minSamplesLeaf) continue;
      const sumRight = total - sumLeft;
      const gain = (sumLeft * sumLeft) / nl + (sumRight * sumRight) / (n - nl);
      if (gain > bestGain) {
        bestGain = gain;
        bestCut = k;
      }
    }
    if (bestCut < 0) return null;
    const mask = new Uint8Array(levels);
    for (let l = 0; l < levels; l++) if (counts[l] === 0) mask[l] = rng.uniform() < 0.5 ? 1 : 0;
    for (let k = 0; k <= bestCut; k++) mask[present[k]!] = 1;
    return { feature: f, gain: bestGain, threshold: 0, mask };
  }
}

/** The sample positions of each row: positions[start[r] .. start[r + 1]) hold row r. */
function positionsByRow(
  sample: Int32Array,
  n: number,
): { start: Int32Array; positions: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let p = 0; p < sample.length; p++) start[sample[p]! + 1]!++;
  for (let r = 0; r < n; r++) start[r + 1]! += start[r]!;
  const next = start.slice(0, n);
  const positions = new Int32Array(sample.length);
  for (let p = 0; p < sample.length; p++) positions[next[sample[p]!]!++] = p;
  return { start, positions };
}

/** Sample positions sorted by a feature, from the rows sorted by it (no comparisons). */
function sortedPositions(
  rowOrder: Int32Array,
  byRow: { start: Int32Array; positions: Int32Array },
  m: number,
): Int32Array {
  const out = new Int32Array(m);
  let k = 0;
  for (const r of rowOrder) {
    for (let j = byRow.start[r]!; j < byRow.start[r + 1]!; j++) out[k++] = byRow.positions[j]!;
  }
  return out;
}

function leafValue(
  y: Float64Array,
  sample: Int32Array,
  members: Int32Array,
  lo: number,
  hi: number,
  logY: boolean,
): number {
  const n = hi - lo;
  if (!logY) {
    let s = 0;
    for (let i = lo; i < hi; i++) s += y[sample[members[i]!]!]!;
    return s / n;
  }
  let mx = -Infinity;
  for (let i = lo; i < hi; i++) mx = Math.max(mx, y[sample[members[i]!]!]!);
  if (!Number.isFinite(mx)) return mx;
  let s = 0;
  for (let i = lo; i < hi; i++) s += Math.exp(y[sample[members[i]!]!]! - mx);
  return mx + Math.log(s / n);
}

function isPure(
  y: Float64Array,
  sample: Int32Array,
  members: Int32Array,
  lo: number,
  hi: number,
  eps: number,
): boolean {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = y[sample[members[i]!]!]!;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  return mx - mn <= eps;
}
