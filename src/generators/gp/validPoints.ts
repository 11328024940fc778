/** Random valid points (fallback when there is no model yet or the acquisition finds nothing). */
import type { ConstraintSet } from "../../space/constraints.js";
import type { Point } from "../../space/parameters.js";
import type { SearchSpace } from "../../space/searchSpace.js";
import { GeneratorError } from "../../errors/errors.js";
import type { Rng } from "../rng.js";

/**
 * A uniformly random point that satisfies the constraints, preferring one not in `excluded`
 * (rejection sampling; a duplicate is returned only when no new point was found).
 */
export function randomValidPoint(
  space: SearchSpace,
  constraints: ConstraintSet,
  rng: Rng,
  excluded: ReadonlySet<string>,
  attempts = 20000,
): Point {
  let fallback: Point | null = null;
  for (let i = 0; i < attempts; i++) {
    const p = space.decode(rng.uniformVector(space.dim));
    if (!constraints.isSatisfied(p)) continue;
    if (!excluded.has(space.key(p))) return p;
    fallback ??= p;
  }
  if (fallback) return fallback;
  throw new GeneratorError(
    "GENERATOR_ERROR",
    `no point satisfying the constraints was found in ${attempts} random draws; check that the constraints (${constraints.all.map((c) => c.text).join("; ")}) leave a feasible region`,
  );
}
