import type { Campaign } from "../spec/campaign.js";
import type { MetricInfo } from "./reportData.js";

/**
 * The metrics a report shows: the objectives, the outcome constraints and the tracking metrics
 * of the campaign (where its spec has them), and any other number the trials reported.
 * Outcome constraints are read as "NAME <= bound" / "NAME >= bound".
 */
export function campaignMetrics(
  campaign: Campaign,
  reportedNames: ReadonlySet<string>,
): MetricInfo[] {
  const spec = campaign as unknown as Record<string, unknown>;
  const out: MetricInfo[] = campaign.objectives.map((o) => ({
    name: o.name,
    role: "objective",
    bound: null,
    op: null,
  }));
  const seen = new Set(out.map((m) => m.name));
  for (const text of stringList(spec.outcomeConstraints ?? spec.outcome_constraints)) {
    const c = parseOutcomeConstraint(text);
    if (!c) continue;
    out.push({ name: c.name, role: "constraint", bound: c.bound, op: c.op });
    seen.add(c.name);
  }
  const tracking = [
    ...stringList(spec.trackingMetrics ?? spec.tracking_metrics),
    ...[...reportedNames].sort(),
  ];
  for (const name of tracking) {
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, role: "tracking", bound: null, op: null });
  }
  return out;
}

export function parseOutcomeConstraint(
  text: string,
): { name: string; op: "<=" | ">="; bound: number } | null {
  const m =
    /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(<=|>=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(
      text,
    );
  if (!m) return null;
  return { name: m[1]!, op: m[2] as "<=" | ">=", bound: Number(m[3]) };
}

/** Whether results satisfy every outcome constraint (a missing metric counts as violated). */
export function isFeasible(
  results: Readonly<Record<string, number>>,
  metrics: readonly MetricInfo[],
): boolean {
  for (const m of metrics) {
    if (m.role !== "constraint" || m.bound === null) continue;
    const v = results[m.name];
    if (v === undefined || !Number.isFinite(v)) return false;
    if (m.op === "<=" ? v > m.bound : v < m.bound) return false;
  }
  return true;
}

/** Objective thresholds (the hypervolume's reference point) where the spec has them. */
export function objectiveThresholds(campaign: Campaign): Record<string, number> | null {
  const spec = campaign as unknown as Record<string, unknown>;
  const raw = spec.objectiveThresholds ?? spec.objective_thresholds;
  if (raw === null || typeof raw !== "object") return null;
  const out: Record<string, number> = {};
  if (Array.isArray(raw)) {
    for (const item of raw as unknown[]) {
      if (typeof item === "string") {
        const c = parseOutcomeConstraint(item);
        if (c) out[c.name] = c.bound;
      } else if (item !== null && typeof item === "object") {
        const r = item as Record<string, unknown>;
        // Campaign.objectiveThresholds holds parsed thresholds: { metric, op, bound, text }.
        if (typeof r.metric === "string" && typeof r.bound === "number") out[r.metric] = r.bound;
        else if (typeof r.name === "string" && typeof r.bound === "number") out[r.name] = r.bound;
        else if (typeof r.name === "string" && typeof r.value === "number") out[r.name] = r.value;
      }
    }
  } else {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>))
      if (typeof v === "number") out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return (v as unknown[]).flatMap((x) => {
    if (typeof x === "string") return [x];
    if (x !== null && typeof x === "object") {
      const r = x as Record<string, unknown>;
      // Campaign.outcomeConstraints holds parsed constraints with the text as written.
      if (typeof r.metric === "string" && typeof r.text === "string") return [r.text];
      // The campaign's outcome constraints: { metric, op, bound } (or { name, op, bound }).
      const metric = typeof r.metric === "string" ? r.metric : r.name;
      if (typeof metric === "string" && typeof r.op === "string" && typeof r.bound === "number")
        return [`${metric} ${r.op} ${r.bound}`];
      if (typeof r.name === "string") return [r.name];
    }
    return [];
  });
}
