/**
 * SMAC's acquisition maximizer (LocalAndSortedRandomSearch): score many random configurations,
 * then hill-climb in the one-exchange neighbourhood from the best observed configurations (by
 * predicted cost) and the best random ones, and return every scored candidate best first.
 *
 * A forest's acquisition is piecewise constant, so a climb may walk across plateaus: when no
 * neighbour is better but one is as good, it moves there, at most `plateauSteps` times in a row
 * (SMAC's n_steps_plateau_walk = 10).
 *
 * With `keepNeighbours` every neighbour a climb scored is returned too, so that a caller that
 * refuses the best candidates (too close to a tried point: rfPropose.ts) still has the
 * incumbents' other neighbours to choose from, not only random configurations.
 */
import type { Rng } from "../rng.js";
import type { Neighbourhood } from "./neighbourhood.js";

export interface SearchOptions {
  /**
   * Random configurations scored (SMAC's challengers: 5,000 in LocalAndSortedRandomSearch, which
   * the HPO facade raises to 10,000; 5,000 here keeps a proposal quick at 2,000 trials).
   */
  readonly randomCandidates: number;
  /** Climbs from the best observed configurations (SMAC's local_search_iterations = 10). */
  readonly localSearches: number;
  /** Extra climbs from the best random configurations. */
  readonly randomStarts: number;
  readonly plateauSteps: number;
  /** Upper bound on the moves of one climb. */
  readonly maxSteps: number;
}

export const SMAC_SEARCH: SearchOptions = {
  randomCandidates: 5000,
  localSearches: 10,
  randomStarts: 10,
  plateauSteps: 10,
  maxSteps: 200,
};

export interface Scored {
  readonly u: Float64Array;
  readonly value: number;
}

export interface SearchProblem {
  readonly neighbourhood: Neighbourhood;
  /** The acquisition to maximize (-Infinity: worthless). */
  readonly score: (u: Float64Array) => number;
  /** Whether a snapped vector may be proposed at all (constraints); default: always. */
  readonly feasible?: (u: Float64Array) => boolean;
  /** Observed configurations, best predicted first (start points of the climbs). */
  readonly incumbents: readonly Float64Array[];
  readonly rng: Rng;
  /** Return the neighbours the climbs scored as candidates too. */
  readonly keepNeighbours?: boolean;
  /** Random candidates get this coordinate (a branch search's branch) before snapping. */
  readonly fixed?: { readonly dim: number; readonly value: number };
}

/**
 * Hill-climbs from `start`; returns the best configuration reached. `visited`, when given,
 * receives every neighbour scored on the way.
 */
export function climb(
  start: Scored,
  problem: SearchProblem,
  opts: SearchOptions,
  visited?: Scored[],
): Scored {
  const { neighbourhood, score, rng } = problem;
  const feasible = problem.feasible ?? (() => true);
  let cur = start;
  let plateau = 0;
  for (let step = 0; step < opts.maxSteps; step++) {
    let best: Scored | null = null;
    const equal: Float64Array[] = [];
    for (const n of neighbourhood.neighbours(cur.u, rng)) {
      if (!feasible(n)) continue;
      const value = score(n);
      visited?.push({ u: n, value });
      if (value > cur.value && (!best || value > best.value)) best = { u: n, value };
      else if (value === cur.value) equal.push(n);
    }
    if (best) {
      cur = best;
      plateau = 0;
    } else if (equal.length > 0 && plateau < opts.plateauSteps && Number.isFinite(cur.value)) {
      cur = { u: equal[rng.integer(equal.length)]!, value: cur.value };
      plateau++;
    } else break;
  }
  return cur;
}

/**
 * The best candidates found (random ones and the ends of the climbs), best first: at most
 * `keep` of the random ones (kept in flat arrays while scoring, so that thousands of candidates
 * cost no allocations) plus every climb's end.
 */
export function maximizeAcquisition(
  problem: SearchProblem,
  opts: SearchOptions,
  keep = 100,
): Scored[] {
  const { neighbourhood, score, rng } = problem;
  const feasible = problem.feasible ?? (() => true);
  const d = neighbourhood.dim;
  const n = opts.randomCandidates;
  const xs = new Float64Array(n * d);
  const values = new Float64Array(n);
  const u = new Float64Array(d);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) u[k] = rng.uniform();
    if (problem.fixed) u[problem.fixed.dim] = problem.fixed.value;
    neighbourhood.snapInPlace(u);
    if (!feasible(u)) continue;
    xs.set(u, count * d);
    values[count] = score(u);
    count++;
  }
  // Random order among equal values (a constant model early on gives random configurations).
  const order = Int32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => values[b]! - values[a]! || a - b,
  );
  const random: Scored[] = Array.from(
    order.subarray(0, Math.max(keep, opts.randomStarts)),
    (i) => ({
      u: xs.slice(i * d, (i + 1) * d),
      value: values[i]!,
    }),
  );
  const starts: Scored[] = [
    ...problem.incumbents
      .slice(0, opts.localSearches)
      .filter((s) => feasible(s))
      .map((s) => ({ u: s, value: score(s) })),
    ...random.slice(0, opts.randomStarts),
  ];
  const visited: Scored[] | undefined = problem.keepNeighbours ? [] : undefined;
  const climbed = starts.map((s) => climb(s, problem, opts, visited));
  // Random ones first among equals (SMAC: while the forest is still constant, propose random
  // configurations rather than neighbours of the incumbents).
  return [...random, ...climbed, ...(visited ?? [])].sort((a, b) => b.value - a.value);
}
