/**
 * A stored point as people and the API see it: every parameter of the campaign in spec order,
 * fixed ones with their value, and a conditional parameter that was inactive at the point as
 * null (a stored point leaves it out; docs/conditional-spaces.md).
 */
import type { ParamValue, Parameter, Point } from "./parameters.js";

export type ShownValue = string | number | boolean | null;

/** Parameters in spec order; `null` marks an inactive conditional parameter. */
export function shownParameters(
  stored: Readonly<Record<string, unknown>>,
  parameters: readonly Parameter[],
): Record<string, ShownValue> {
  const out: Record<string, ShownValue> = {};
  for (const p of parameters) {
    const v = stored[p.name];
    if (v === undefined) {
      if (p.activeIf !== undefined) out[p.name] = null;
      continue;
    }
    out[p.name] = v as ShownValue;
  }
  // Keep anything stored that the spec no longer names (a campaign resumed with edits).
  for (const [k, v] of Object.entries(stored)) if (!(k in out)) out[k] = v as ShownValue;
  return out;
}

/** The stored point of a shown one: inactive (null) parameters left out. */
export function pointOfShown(shown: Readonly<Record<string, ShownValue>>): Point {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(shown))
    if (v !== null) out[k] = typeof v === "boolean" ? String(v) : v;
  return out;
}

/** `name=value` pairs for a terminal line; an inactive parameter reads `name=inactive`. */
export function formatShownParameters(shown: Readonly<Record<string, ShownValue>>): string {
  return Object.entries(shown)
    .map(([k, v]) => `${k}=${v === null ? "inactive" : String(v)}`)
    .join(" ");
}
