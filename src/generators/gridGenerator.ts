import type { Parameter, ParamValue, Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { Generator, GeneratorInput } from "./generator.js";
import { ENUMERATION_LIMIT, proposeWithRejection } from "./rejectionSampling.js";

/** Float ranges get this many levels unless createGridGenerator is told otherwise. */
export const DEFAULT_FLOAT_LEVELS = 5;

/** The levels of one parameter (integer ranges are not materialized: they may be huge). */
export interface GridAxis {
  readonly count: number;
  valueAt(i: number): ParamValue;
}

export interface GridOptions {
  /** Levels per float range (evenly spaced, in log space for log scales, both bounds included). */
  readonly floatLevels?: number;
}

/**
 * A full factorial grid over the free parameters: every choice, every integer of an integer
 * range, and `floatLevels` levels of a float range. Points are numbered in the order of
 * Python's itertools.product over the parameters as declared (the last parameter varies
 * fastest), so point k is found directly from k without building the grid.
 */
export class Grid {
  /** The levels of each free parameter, in declaration order. */
  readonly axes: readonly GridAxis[];
  /** Number of grid points (Infinity when it exceeds 2^53). */
  readonly size: number;
  private readonly space: SearchSpace;

  constructor(space: SearchSpace, options: GridOptions = {}) {
    const floatLevels = options.floatLevels ?? DEFAULT_FLOAT_LEVELS;
    if (!Number.isInteger(floatLevels) || floatLevels < 1)
      throw new RangeError(`grid float levels must be a positive integer, got ${floatLevels}`);
    this.space = space;
    this.axes = space.dimensions.map((d) => axisOf(d.parameter, floatLevels));
    const size = this.axes.reduce((s, a) => s * a.count, 1);
    this.size = Number.isSafeInteger(size) ? size : Infinity;
  }

  /** Grid point `index` (0 <= index < size), with the fixed parameters' values. */
  pointAt(index: number): Point {
    return this.space.dropInactive(this.fullPointAt(index).point);
  }

  /** Every parameter's value at grid index `index`, with each free parameter's level. */
  private fullPointAt(index: number): { point: Record<string, ParamValue>; levels: number[] } {
    const values: ParamValue[] = new Array<ParamValue>(this.axes.length);
    const levels: number[] = new Array<number>(this.axes.length);
    let rest = index;
    for (let i = this.axes.length - 1; i >= 0; i--) {
      const a = this.axes[i]!;
      const level = rest % a.count;
      levels[i] = level;
      values[i] = a.valueAt(level);
      rest = Math.floor(rest / a.count);
    }
    const out: Record<string, ParamValue> = {};
    let i = 0;
    for (const p of this.space.parameters) {
      out[p.name] = p.kind === "fixed" ? p.value : values[i++]!;
    }
    return { point: out, levels };
  }

  /**
   * Grid points from `start` to the end of the grid. In a conditional space only the indices
   * whose inactive parameters sit at their first level are points (so each combination of
   * active values comes once).
   */
  *pointsFrom(start: number): IterableIterator<Point> {
    for (let k = start; k < this.size; k++) {
      if (!this.space.conditional) {
        yield this.pointAt(k);
        continue;
      }
      const { point, levels } = this.fullPointAt(k);
      const active = this.space.activeNames(point);
      if (this.space.dimensions.some((d, i) => !active.has(d.name) && levels[i] !== 0)) continue;
      yield this.space.dropInactive(point);
    }
  }
}

/**
 * The grid of every distinct point of a space whose free parameters are all integers or
 * choices, when it has at most ENUMERATION_LIMIT points; null otherwise.
 */
export function smallDiscreteGrid(space: SearchSpace): Grid | null {
  if (space.dimensions.some((d) => d.kind.type === "continuous")) return null;
  const grid = new Grid(space);
  return grid.size <= ENUMERATION_LIMIT ? grid : null;
}

/**
 * "grid" (OmniOpt2's FACTORIAL): proposes the points of the full factorial grid in order,
 * continuing from grid index input.proposedByNode (points already tried, pending or violating
 * the constraints are skipped, so a resumed campaign continues where it stopped). Once every
 * feasible grid point has been tried, the least-tried points are proposed again in grid order.
 */
export function createGridGenerator(options: GridGeneratorOptions = {}): Generator {
  return {
    name: "grid",
    historyFree: true,
    propose: (input, n) => Promise.resolve().then(() => proposeGrid(input, n, options)),
  };
}

export interface GridGeneratorOptions extends GridOptions {
  /** At most this many grid points scanned per call (default max(ENUMERATION_LIMIT, 100 n)). */
  readonly maxDraws?: number;
}

/** What the "grid" generator proposes, synchronously (errors are thrown). */
export function proposeGrid(
  input: GeneratorInput,
  n: number,
  options: GridGeneratorOptions = {},
): Point[] {
  const grid = new Grid(input.space, options);
  return proposeWithRejection(input, n, {
    generator: "grid",
    draws: grid.pointsFrom(Math.min(input.proposedByNode, grid.size)),
    enumerate: grid.size <= ENUMERATION_LIMIT ? () => grid.pointsFrom(0) : null,
    listingName: "grid",
    maxDraws: options.maxDraws ?? Math.max(ENUMERATION_LIMIT, 100 * n),
  });
}

function axisOf(p: Exclude<Parameter, { kind: "fixed" }>, floatLevels: number): GridAxis {
  if (p.kind === "choice") return listAxis([...p.values]);
  if (p.valueType === "int") return { count: p.high - p.low + 1, valueAt: (i) => p.low + i };
  if (floatLevels === 1) {
    const mid = p.log ? Math.sqrt(p.low * p.high) : (p.low + p.high) / 2;
    return listAxis([clamp(tidy(mid), p.low, p.high)]);
  }
  const out: number[] = [];
  for (let i = 0; i < floatLevels; i++) {
    const t = i / (floatLevels - 1);
    const v = p.log
      ? Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low)))
      : p.low + t * (p.high - p.low);
    out.push(i === 0 ? p.low : i === floatLevels - 1 ? p.high : clamp(tidy(v), p.low, p.high));
  }
  return listAxis(out);
}

function listAxis(values: readonly ParamValue[]): GridAxis {
  return { count: values.length, valueAt: (i) => values[i]! };
}

function clamp(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}

/** 15 significant digits: 0.30000000000000004 becomes 0.3 (a level, not a measurement). */
function tidy(v: number): number {
  return Number(v.toPrecision(15));
}
