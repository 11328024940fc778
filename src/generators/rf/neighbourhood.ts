/**
 * SMAC's one-exchange neighbourhood (ConfigSpace's get_one_exchange_neighbourhood; Hutter et al.
 * 2011): the neighbours of a configuration differ from it in exactly one parameter.
 * - a continuous parameter: 4 values drawn from a normal around it with standard deviation 0.2
 *   of its (unit-cube) range, redrawn when they fall outside (ConfigSpace's defaults; SMAC3
 *   itself passes 8 at 0.05, SMAC_NEIGHBOURHOOD, which did worse on 5 of the 7 functions: docs/benchmarks.md);
 * - an integer: the two adjacent values and 2 more drawn like a continuous one, each rounded;
 * - an ordered choice: the adjacent choices;
 * - an unordered choice: every other choice (at most 32, drawn at random when there are more).
 * Vectors are unit-cube encodings; every neighbour is the encoding of a valid value. In a
 * conditional space inactive coordinates (NaN) are not moved, and a move that activates a
 * parameter draws a value for it.
 */
import type { Parameter } from "../../space/parameters.js";
import { SearchSpace } from "../../space/searchSpace.js";
import type { Rng } from "../rng.js";
import { levelOf } from "./regressionTree.js";

const MAX_CATEGORY_NEIGHBOURS = 32;

export interface NeighbourhoodOptions {
  /** Neighbours drawn per continuous parameter. */
  readonly numNeighbours: number;
  /** Standard deviation of a draw, in the unit cube (log scale for log parameters). */
  readonly stdev: number;
}

/** ConfigSpace's defaults for get_one_exchange_neighbourhood. */
export const CONFIGSPACE_NEIGHBOURHOOD: NeighbourhoodOptions = { numNeighbours: 4, stdev: 0.2 };

/** What SMAC3 passes to it (smac/utils/configspace.py: stdev=0.05, num_neighbors=8). */
export const SMAC_NEIGHBOURHOOD: NeighbourhoodOptions = { numNeighbours: 8, stdev: 0.05 };

type DimensionMoves =
  | { readonly type: "continuous" }
  | { readonly type: "integer"; readonly snap: (u: number) => number; readonly levels: number }
  | { readonly type: "levels"; readonly levels: number; readonly ordered: boolean };

export interface Neighbourhood {
  readonly dim: number;
  /** The neighbours of u, in random order. */
  neighbours(u: Float64Array, rng: Rng): Float64Array[];
  /**
   * Snaps a unit-cube vector to the encoding of its nearest valid point, in place (in a
   * conditional space the inactive coordinates become NaN).
   */
  snapInPlace(u: Float64Array): Float64Array;
}

export function buildNeighbourhood(
  space: SearchSpace,
  opts: NeighbourhoodOptions = CONFIGSPACE_NEIGHBOURHOOD,
): Neighbourhood {
  const moves: DimensionMoves[] = space.dimensions.map((d) => {
    if (d.kind.type === "continuous") return { type: "continuous" };
    if (d.kind.type === "categorical")
      return { type: "levels", levels: d.kind.levels, ordered: d.kind.ordered };
    // An integer's bins may be log-spaced: snap through a space holding just this parameter
    // (without its active_if condition, which names other parameters).
    const single = new SearchSpace([withoutCondition(d.parameter)]);
    return {
      type: "integer",
      levels: d.kind.levels,
      snap: (u: number) => single.snap([u])[0]!,
    };
  });

  const conditional = space.structure !== null;
  /**
   * A move on a parent may activate other parameters (and deactivate some): those get a value
   * drawn uniformly, as ConfigSpace samples a newly active child, and the ones now inactive
   * become NaN (snapping through the space applies the conditions).
   */
  const activated = (n: Float64Array, rng: Rng): Float64Array => {
    for (let k = 0; k < n.length; k++) if (Number.isNaN(n[k]!)) n[k] = rng.uniform();
    return space.snap(n);
  };

  const snapInPlace = (u: Float64Array): Float64Array => {
    moves.forEach((mv, i) => {
      const x = Math.min(1, Math.max(0, u[i]!));
      if (mv.type === "continuous") u[i] = x;
      else if (mv.type === "integer") u[i] = mv.snap(x);
      else u[i] = (levelOf(x, mv.levels) + 0.5) / mv.levels;
    });
    // A conditional space's inactive coordinates become NaN, as in the forest's training rows:
    // a random candidate with every coordinate set is a configuration that cannot exist.
    if (conditional) u.set(space.snap(u));
    return u;
  };

  const gaussianStep = (x: number, rng: Rng): number => {
    for (let t = 0; t < 20; t++) {
      const v = x + opts.stdev * rng.normal();
      if (v >= 0 && v <= 1) return v;
    }
    return Math.min(1, Math.max(0, x + opts.stdev * rng.normal()));
  };

  const valuesFor = (i: number, x: number, rng: Rng): number[] => {
    const mv = moves[i]!;
    if (mv.type === "continuous")
      return Array.from({ length: opts.numNeighbours }, () => gaussianStep(x, rng));
    if (mv.type === "integer") {
      if (mv.levels <= 1) return [];
      const width = 1 / mv.levels;
      const out = new Set<number>();
      // Adjacent values: a bin width away (log-spaced bins are snapped to the next value).
      for (const step of [-1, 1]) {
        for (let k = 1; k <= 3; k++) {
          const v = mv.snap(Math.min(1, Math.max(0, x + step * k * width * 0.75)));
          if (v !== x) {
            out.add(v);
            break;
          }
        }
      }
      for (let k = 0; k < 2; k++) out.add(mv.snap(gaussianStep(x, rng)));
      out.delete(x);
      return [...out];
    }
    const level = levelOf(x, mv.levels);
    const centre = (l: number): number => (l + 0.5) / mv.levels;
    if (mv.ordered)
      return [level - 1, level + 1].filter((l) => l >= 0 && l < mv.levels).map(centre);
    const others = Array.from({ length: mv.levels }, (_, l) => l).filter((l) => l !== level);
    if (others.length > MAX_CATEGORY_NEIGHBOURS)
      rng.shuffle(others).length = MAX_CATEGORY_NEIGHBOURS;
    return others.map(centre);
  };

  return {
    dim: space.dim,
    snapInPlace,
    neighbours(u, rng) {
      const out: Float64Array[] = [];
      for (let i = 0; i < u.length; i++) {
        // An inactive coordinate has no value to move from.
        if (Number.isNaN(u[i]!)) continue;
        for (const v of valuesFor(i, u[i]!, rng)) {
          if (v === u[i]) continue;
          const n = Float64Array.from(u);
          n[i] = v;
          out.push(conditional ? activated(n, rng) : n);
        }
      }
      return rng.shuffle(out);
    },
  };
}

function withoutCondition(p: Parameter): Parameter {
  if (p.activeIf === undefined) return p;
  const flat: Record<string, unknown> = { ...p };
  delete flat.activeIf;
  delete flat.inactiveValue;
  return flat as unknown as Parameter;
}
