import { GeneratorError } from "../errors/errors.js";
import { variablesOf } from "../space/constraintParser.js";
import type { Point } from "../space/parameters.js";
import type { GeneratorInput } from "./generator.js";
import { TriedCounts } from "./triedCounts.js";

/** Draws tried per call before giving up, unless a generator is told otherwise. */
export const DEFAULT_MAX_DRAWS = 20_000;

/** Spaces up to this many points are listed to find unused points and to spread repeats. */
export const ENUMERATION_LIMIT = 100_000;

export interface RejectionSamplingOptions {
  /** The generator's name, for messages. */
  readonly generator: string;
  /**
   * The candidate points in the order the generator would propose them (a Sobol or random
   * stream from draw input.proposedByNode, a grid from that index). May be infinite.
   */
  readonly draws: Iterable<Point>;
  /**
   * Every distinct point of the space in a fixed order, when the space is finite and small
   * enough to list (else null). Used once the draws stop finding new points: to find the
   * feasible points not tried yet, and to know when every feasible point has been tried.
   */
  readonly enumerate: (() => Iterable<Point>) | null;
  /** What the listing is, for messages (default "search space"; the grid says "grid"). */
  readonly listingName?: string;
  /** At most this many draws per call (default DEFAULT_MAX_DRAWS, or max(that, 100 n)). */
  readonly maxDraws?: number;
}

/**
 * Proposes n points from a stream of candidates by rejection, shared by the sobol, random and
 * grid generators:
 * 1. Candidates are taken in order; those violating a constraint (input.constraints) or equal
 *    (space.key) to a completed, failed or pending trial or to a point proposed earlier in this
 *    batch are skipped. Because the stream of a generator node restarts at draw
 *    input.proposedByNode (never beyond the draws an earlier call used: each proposal used at
 *    least one draw) and its earlier proposals are in the history, proposing 5 and then 5
 *    gives the same points as proposing 10, and a resumed campaign continues the same stream.
 * 2. If the draws ran out or hit their budget first and the space can be listed, the feasible
 *    points not tried yet are proposed in listing order.
 * 3. Duplicates are allowed only after that, when every distinct feasible point found has been
 *    tried (a discrete space smaller than the budget): the least-tried feasible point is
 *    proposed again, ties in listing (else drawing) order, so repeats go round-robin.
 * When no draw (or, for a listable space, no point at all) satisfies the constraints, a
 * GeneratorError SPACE_INFEASIBLE names the constraints that every point tried violated.
 */
export function proposeWithRejection(
  input: GeneratorInput,
  n: number,
  options: RejectionSamplingOptions,
): Point[] {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${options.generator}: number of points must be a non-negative integer`);
  if (n === 0) return [];
  const { space, constraints } = input;
  const tries = TriedCounts.of(input);
  const countTry = (key: string): void => tries.add(key);

  const out: Point[] = [];
  const propose = (p: Point, key: string): void => {
    out.push(p);
    countTry(key);
  };

  // 1. Draws in order.
  const maxDraws = options.maxDraws ?? Math.max(DEFAULT_MAX_DRAWS, 100 * n);
  const violated = new Map<string, number>();
  const feasibleSeen = new Map<string, Point>();
  let drawn = 0;
  const draws = options.draws[Symbol.iterator]();
  while (out.length < n && drawn < maxDraws) {
    const next = draws.next();
    if (next.done) break;
    const p = next.value;
    drawn++;
    const bad = constraints.violations(p);
    if (bad.length > 0) {
      for (const text of bad) violated.set(text, (violated.get(text) ?? 0) + 1);
      continue;
    }
    const key = space.key(p);
    if (!feasibleSeen.has(key)) feasibleSeen.set(key, p);
    if (!tries.has(key)) propose(p, key);
  }
  if (out.length >= n) return out;

  // 2. Feasible points the draws missed, in listing order.
  let candidates: Map<string, Point> = feasibleSeen;
  if (options.enumerate) {
    candidates = new Map();
    let listed = 0;
    const violatedListed = new Map<string, number>();
    for (const p of options.enumerate()) {
      listed++;
      const bad = constraints.violations(p);
      if (bad.length > 0) {
        for (const text of bad) violatedListed.set(text, (violatedListed.get(text) ?? 0) + 1);
        continue;
      }
      const key = space.key(p);
      if (candidates.has(key)) continue;
      candidates.set(key, p);
      if (!tries.has(key) && out.length < n) propose(p, key);
    }
    if (out.length >= n) return out;
    if (candidates.size === 0) {
      const where = `the ${listed} points of the ${options.listingName ?? "search space"}`;
      throw infeasible(input, options.generator, where, listed, violatedListed);
    }
  }
  if (candidates.size === 0) {
    const where = `${drawn} points drawn from the search space`;
    throw infeasible(input, options.generator, where, drawn, violated);
  }

  // 3. Every feasible point found has been tried: repeat the least-tried ones.
  const order = [...candidates];
  while (out.length < n) {
    let best = order[0]!;
    let bestTries = Infinity;
    for (const entry of order) {
      const t = tries.get(entry[0]);
      if (t < bestTries) {
        best = entry;
        bestTries = t;
      }
    }
    propose(best[1], best[0]);
  }
  return out;
}

function infeasible(
  input: GeneratorInput,
  generator: string,
  where: string,
  drawn: number,
  violated: ReadonlyMap<string, number>,
): GeneratorError {
  const texts = input.constraints.all.map((c) => c.text);
  const always = texts.filter((t) => drawn > 0 && violated.get(t) === drawn);
  const named = new Set<string>();
  for (const c of input.constraints.all) {
    if (always.length > 0 && !always.includes(c.text)) continue;
    variablesOf(c.left, named);
    variablesOf(c.right, named);
  }
  const ranges = input.space.parameters
    .filter((p) => named.has(p.name))
    .map((p) =>
      p.kind === "range"
        ? `${p.name} in [${p.low}, ${p.high}]`
        : p.kind === "fixed"
          ? `${p.name} = ${p.value}`
          : null,
    )
    .filter((s) => s !== null)
    .join(", ");
  const check = ranges === "" ? "" : ` against the parameter ranges (${ranges})`;
  const what =
    always.length > 0
      ? `every point violated ${always.map((t) => `"${t}"`).join(" and ")}, so ${always.length === 1 ? "this constraint looks" : "these constraints look"} infeasible`
      : `no single constraint was violated by every point (${texts
          .map(
            (t) => `"${t}" by ${Math.round((100 * (violated.get(t) ?? 0)) / Math.max(1, drawn))}%`,
          )
          .join(", ")}), so the constraints together look infeasible`;
  return new GeneratorError(
    "SPACE_INFEASIBLE",
    `${generator}: none of ${where} satisfies the constraints: ${what}. ` +
      `Check the constraints${check} and fix or relax them.`,
  );
}

/**
 * The draw budget: as asked, else the default; for a small discrete space the listing finds
 * what the draws miss, so a few draws per point suffice.
 */
export function drawBudget(
  maxDraws: number | undefined,
  listedPoints: number | undefined,
): { maxDraws?: number } {
  if (maxDraws !== undefined) return { maxDraws };
  if (listedPoints !== undefined && listedPoints <= ENUMERATION_LIMIT)
    return { maxDraws: 4 * listedPoints + 64 };
  return {};
}
