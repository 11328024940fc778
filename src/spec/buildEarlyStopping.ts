import type { EarlyStopping } from "../earlyStopping/stoppingRules.js";
import { InputError } from "../errors/errors.js";
import type { Objective } from "../generators/generator.js";
import type { RawSpec } from "./specSchema.js";

/**
 * The spec's `early_stopping:` section (docs/early-stopping.md). Defaults: Ax's
 * PercentileEarlyStoppingStrategy (percentile 50, min_progression and min_trials as Ax's
 * min_progression / min_curves: 0 and 5) on the first objective.
 */
export function buildEarlyStopping(
  raw: RawSpec["early_stopping"],
  objectives: readonly Objective[],
): EarlyStopping | null {
  if (raw === undefined) return null;
  const metric = raw.metric ?? objectives[0]!.name;
  if (!objectives.some((o) => o.name === metric))
    throw new InputError(
      "SPEC_INVALID",
      `field "early_stopping.metric": ${metric} is not an objective (objectives: ${objectives.map((o) => o.name).join(", ")}); give one of them`,
    );
  const strategy = raw.strategy ?? "percentile";
  if (strategy === "median" && raw.percentile !== undefined && raw.percentile !== 50)
    throw new InputError(
      "SPEC_INVALID",
      `field "early_stopping.percentile": the median rule compares with the 50th percentile; drop percentile or use strategy: percentile`,
    );
  return {
    strategy,
    percentile: raw.percentile ?? 50,
    minProgression: raw.min_progression ?? 0,
    minTrials: raw.min_trials ?? 5,
    metric,
  };
}
