import type { GeneratorInput, Objective, Observation } from "../generators/generator.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { CachedTrial } from "./trialCache.js";

/** Builds what a generator sees from the stored trials (the store is the only truth). */
export function buildGeneratorInput(args: {
  trials: readonly CachedTrial[];
  space: SearchSpace;
  constraints: ConstraintSet;
  objectives: readonly Objective[];
  seed: number;
  proposedByNode: number;
  campaignDir: string;
}): GeneratorInput {
  const completed: Observation[] = [];
  const failed: Point[] = [];
  const pending: Point[] = [];
  for (const { row: t, point, values, sems } of args.trials) {
    if (t.state === "COMPLETED" && t.results_json) {
      if (args.objectives.every((o) => Number.isFinite(values[o.name]))) {
        const s: Record<string, number | null> = {};
        for (const o of args.objectives) s[o.name] = sems[o.name] ?? null;
        completed.push({ point, values, sems: s });
      }
    } else if (t.state === "FAILED" || t.state === "TIMEOUT") failed.push(point);
    else if (t.state === "PROPOSED" || t.state === "SUBMITTED" || t.state === "RUNNING")
      pending.push(point);
  }
  return {
    space: args.space,
    constraints: args.constraints,
    objectives: args.objectives,
    completed,
    failed,
    pending,
    seed: args.seed,
    proposedByNode: args.proposedByNode,
    campaignDir: args.campaignDir,
  };
}
