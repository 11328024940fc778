import { InputError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { ParamValue, Point } from "../space/parameters.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { TrialResults } from "./publicTypes.js";

/** The metrics a told result must hold: the objectives (with OCC: the results it combines). */
function requiredMetrics(campaign: Campaign): string[] {
  return (campaign.occ?.results ?? campaign.objectives).map((o) => o.name);
}

/**
 * Checks told results: every required metric a finite number, every value and SEM a finite
 * number (an SEM >= 0 of a told metric). Returns the JSON columns to store.
 */
export function checkResults(
  campaign: Campaign,
  index: number | null,
  results: TrialResults,
): { resultsJson: string; semsJson: string | null } {
  const where = index === null ? "the attached trial" : `trial ${index}`;
  const values = results.values as Record<string, unknown>;
  if (typeof values !== "object" || values === null)
    throw new InputError("RESULT_INVALID", `${where}: results must map metric names to numbers`);
  for (const [name, v] of Object.entries(values))
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new InputError(
        "RESULT_INVALID",
        `${where}: result ${name} = ${JSON.stringify(v)} is not a finite number; tell numbers only (fail the trial when it gave none)`,
      );
  const missing = requiredMetrics(campaign).filter((m) => values[m] === undefined);
  if (missing.length > 0)
    throw new InputError(
      "RESULT_INVALID",
      `${where}: no value for ${missing.join(", ")}; the campaign's objectives are ${requiredMetrics(campaign).join(", ")} (got ${Object.keys(values).join(", ") || "nothing"})`,
    );
  const sems = (results.sems ?? {}) as Record<string, unknown>;
  for (const [name, s] of Object.entries(sems)) {
    if (values[name] === undefined)
      throw new InputError(
        "RESULT_INVALID",
        `${where}: an SEM for ${name}, which has no value; give the mean too`,
      );
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0)
      throw new InputError(
        "RESULT_INVALID",
        `${where}: SEM of ${name} = ${JSON.stringify(s)} is not a number >= 0`,
      );
  }
  return {
    resultsJson: JSON.stringify(values),
    semsJson: Object.keys(sems).length > 0 ? JSON.stringify(sems) : null,
  };
}

/**
 * The point of an attached trial: values given as text (the command line) become numbers
 * where the parameter is a number; fixed parameters may be left out. Refused when outside
 * the space or against a constraint.
 */
export function checkAttachedPoint(
  space: SearchSpace,
  constraints: ConstraintSet,
  given: Readonly<Record<string, ParamValue | boolean | null>>,
): Point {
  const point: Record<string, ParamValue> = {};
  for (const [name, v] of Object.entries(given)) {
    const p = space.parameter(name);
    if (!p)
      throw new InputError(
        "POINT_INVALID",
        `attach: unknown parameter "${name}"; the parameters are ${space.parameters.map((q) => q.name).join(", ")}`,
      );
    // null: inactive at this point, as ask() and trials() show it (left out of the point).
    if (v === null) continue;
    if (typeof v === "boolean")
      throw new InputError(
        "POINT_INVALID",
        `attach: parameter "${name}" must be a number or a string, got ${String(v)}`,
      );
    point[name] = typeof v === "string" && p.valueType !== "string" ? toNumber(name, v) : v;
  }
  for (const p of space.parameters)
    if (p.kind === "fixed" && point[p.name] === undefined) point[p.name] = p.value;
  const problem = space.check(point);
  if (problem !== null) throw new InputError("POINT_INVALID", `attach: ${problem}`);
  if (!constraints.isSatisfied(point))
    throw new InputError(
      "POINT_INVALID",
      `attach: the point violates a constraint of the campaign`,
    );
  return point;
}

function toNumber(name: string, text: string): number {
  const v = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(v))
    throw new InputError(
      "POINT_INVALID",
      `attach: parameter "${name}" must be a number, got "${text}"`,
    );
  return v;
}
