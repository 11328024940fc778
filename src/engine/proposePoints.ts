import { GeneratorError } from "../errors/errors.js";
import type { Generator, GeneratorInput } from "../generators/generator.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { TrialBudget } from "../store/trialRows.js";

export interface ProposedPoint {
  point: Point;
  generator: string;
  /** Campaigns with budgets: the budget, bracket and rung the trial runs at (src/budgets). */
  budget?: TrialBudget;
}

/**
 * Asks the generator for n points and drops duplicates of evaluated, pending or just-proposed
 * points. When the generator comes up short and a fallback is given
 * (revert_to_random_when_seemingly_exhausted), the fallback fills the rest.
 */
export async function proposePoints(args: {
  generator: Generator;
  fallback: Generator | null;
  input: GeneratorInput;
  n: number;
  /** The point keys (space.key) of every trial so far: never proposed again. */
  existingKeys: ReadonlySet<string>;
  allowDuplicates: boolean;
}): Promise<{ points: ProposedPoint[]; warnings: string[] }> {
  const { input, n } = args;
  // This call's points on top of the campaign's keys (which are left as they are).
  const added = new Set<string>();
  const seen = {
    has: (key: string): boolean => args.existingKeys.has(key) || added.has(key),
    add: (key: string): void => void added.add(key),
  };
  const points: ProposedPoint[] = [];
  const warnings: string[] = [];
  const take = (candidates: readonly Point[], gen: Generator): void => {
    for (const p of candidates) {
      if (points.length >= n) return;
      const key = input.space.key(p);
      if (!args.allowDuplicates && seen.has(key)) continue;
      seen.add(key);
      points.push({ point: p, generator: gen.sourceOf?.(p) ?? gen.name });
    }
  };
  take(await args.generator.propose(input, n), args.generator);
  if (points.length < n && args.fallback) {
    const missing = n - points.length;
    warnings.push(
      `${args.generator.name} gave ${points.length} new point(s) of ${n}; ${args.fallback.name} proposes the other ${missing} (revert_to_random_when_seemingly_exhausted)`,
    );
    const input2: GeneratorInput = {
      ...input,
      pending: [...input.pending, ...points.map((p) => p.point)],
    };
    take(await args.fallback.propose(input2, missing), args.fallback);
  }
  return { points, warnings };
}

/** Refuses a proposal outside the space or against a constraint (a generator's bug or an external generator's answer). */
export function checkProposedPoints(
  points: readonly ProposedPoint[],
  space: SearchSpace,
  constraints: ConstraintSet,
): void {
  for (const p of points) {
    const problem =
      space.check(p.point) ?? (constraints.isSatisfied(p.point) ? null : "violates a constraint");
    if (problem)
      throw new GeneratorError(
        "GENERATOR_ERROR",
        `generator ${p.generator} proposed an invalid point: ${problem}`,
      );
  }
}
