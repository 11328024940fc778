import type { GeneratorInput, Objective } from "../generators/generator.js";
import type { OutcomeConstraint } from "../evaluate/outcomeConstraints.js";
import type { ModelName } from "../spec/campaign.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { TrialView } from "./trialCache.js";

/** Models whose generators need no trial history (Generator.historyFree). */
const HISTORY_FREE: ReadonlySet<ModelName> = new Set<ModelName>(["sobol", "random", "grid"]);

/** Whether a strategy with these models needs the completed and failed trials kept. */
export function needsHistory(models: Iterable<ModelName>): boolean {
  for (const m of models) if (!HISTORY_FREE.has(m)) return true;
  return false;
}

/**
 * Builds what a generator sees from the runner's trial view (the store is the only truth; the
 * view follows it change by change). The tried counts always travel along, so sobol, random
 * and grid never walk the history; completed and failed trials are the view's (empty when the
 * strategy keeps no history).
 */
export function buildGeneratorInput(args: {
  view: TrialView;
  space: SearchSpace;
  constraints: ConstraintSet;
  objectives: readonly Objective[];
  outcomeConstraints?: readonly OutcomeConstraint[];
  seed: number;
  proposedByNode: number;
  campaignDir: string;
}): GeneratorInput {
  const { view } = args;
  return {
    space: args.space,
    constraints: args.constraints,
    objectives: args.objectives,
    outcomeConstraints: args.outcomeConstraints ?? [],
    completed: view.completed,
    failed: view.failed,
    pending: view.pending.map((c) => c.point),
    seed: args.seed,
    proposedByNode: args.proposedByNode,
    campaignDir: args.campaignDir,
    triedCounts: view.tried,
  };
}
