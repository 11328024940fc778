import { InputError } from "../errors/errors.js";
import { parseOutcomeConstraint, type OutcomeConstraint } from "../evaluate/outcomeConstraints.js";
import type { Objective } from "../generators/generator.js";
import type { RawSpec } from "./specSchema.js";

/**
 * Ax's objective thresholds: one bound per objective at most, on an objective, in its goal's
 * direction ("ACC >= 0.8" for a maximized ACC): the worst value that still counts, the
 * hypervolume's reference point.
 */
export function buildObjectiveThresholds(
  texts: readonly string[],
  objectives: readonly Objective[],
): OutcomeConstraint[] {
  const out = texts.map((t, i) =>
    parseOutcomeConstraint(t, `field "objective_thresholds[${i}]" (--objective_threshold)`),
  );
  for (const c of out) {
    const o = objectives.find((x) => x.name === c.metric);
    if (!o)
      throw new InputError(
        "SPEC_INVALID",
        `field "objective_thresholds": "${c.text}" names ${c.metric}, which is not an objective (objectives: ${objectives.map((x) => x.name).join(", ")}); constrain other metrics with outcome_constraints`,
      );
    const want = o.goal === "min" ? "<=" : ">=";
    if (c.op !== want)
      throw new InputError(
        "SPEC_INVALID",
        `field "objective_thresholds": ${c.metric} is ${o.goal === "min" ? "minimized" : "maximized"}, so its threshold reads "${c.metric} ${want} ${c.bound}" (the worst value that still counts), not "${c.text}"`,
      );
  }
  if (new Set(out.map((c) => c.metric)).size !== out.length)
    throw new InputError("SPEC_INVALID", `field "objective_thresholds" names an objective twice`);
  if (out.length > 0 && objectives.length < 2)
    throw new InputError(
      "SPEC_INVALID",
      `field "objective_thresholds" needs several objectives (they set the hypervolume's reference point); with one objective, use outcome_constraints on other metrics`,
    );
  return out;
}

/** Outcome constraints and tracking metrics: metrics other than the objectives, each named once. */
export function buildMetrics(
  raw: RawSpec,
  objectiveNames: readonly string[],
): { outcomeConstraints: OutcomeConstraint[]; trackingMetrics: string[] } {
  const outcomeConstraints = (raw.outcome_constraints ?? []).map((t, i) =>
    parseOutcomeConstraint(t, `field "outcome_constraints[${i}]" (--outcome_constraint)`),
  );
  for (const c of outcomeConstraints)
    if (objectiveNames.includes(c.metric))
      throw new InputError(
        "SPEC_INVALID",
        `field "outcome_constraints": "${c.text}" constrains the objective ${c.metric}; constrain another metric the program prints (as in Ax), or use an objective threshold`,
      );
  const trackingMetrics = raw.tracking_metrics ?? [];
  for (const m of trackingMetrics)
    if (objectiveNames.includes(m))
      throw new InputError(
        "SPEC_INVALID",
        `field "tracking_metrics": ${m} is an objective already (objectives are stored and shown anyway); remove it`,
      );
  if (new Set(trackingMetrics).size !== trackingMetrics.length)
    throw new InputError("SPEC_INVALID", `field "tracking_metrics" names a metric twice`);
  return { outcomeConstraints, trackingMetrics };
}
