/**
 * The spec's SMAC per-run keys (smac_seeds, instances, instance_order, smac_instance) and
 * crash_cost, validated into the campaign's settings.
 */
import { InputError } from "../errors/errors.js";
import type { Objective } from "../generators/generator.js";
import type { SmacRunSettings } from "./campaign.js";
import type { RawSpec } from "./specSchema.js";

/** The per-run settings of a SMAC-style campaign; throws on keys that need program_style smac. */
export function buildSmacRuns(raw: RawSpec): SmacRunSettings | undefined {
  const smac = (raw.program_style ?? "omniopt") === "smac";
  for (const key of ["smac_seeds", "instances", "instance_order", "smac_instance"] as const) {
    if (!smac && raw[key] !== undefined)
      throw new InputError(
        "SPEC_INVALID",
        `field "${key}" applies to SMAC-style programs only (they get --seed= and --instance=); set "program_style: smac" (--program_style smac) or remove it`,
      );
  }
  if (!smac) return undefined;
  if (raw.smac_instance !== undefined && raw.instances !== undefined)
    throw new InputError(
      "SPEC_INVALID",
      `fields "smac_instance" and "instances" both name instances; list them all under "instances" and remove "smac_instance"`,
    );
  const listed =
    raw.instances ?? (raw.smac_instance !== undefined ? [raw.smac_instance] : undefined) ?? [];
  const instances = listed.map((item, i) => {
    const name = typeof item === "string" ? item : item.name;
    const features = typeof item === "string" ? [] : (item.features ?? []);
    const bad = features.findIndex((f) => !Number.isFinite(f));
    if (bad >= 0)
      throw new InputError(
        "SPEC_INVALID",
        `field "instances" entry ${i + 1} (${name}): feature ${bad + 1} is not a finite number; give numbers only`,
      );
    return { name, features };
  });
  const seen = new Set<string>();
  for (const inst of instances) {
    if (seen.has(inst.name))
      throw new InputError(
        "SPEC_INVALID",
        `field "instances": "${inst.name}" is listed twice; give each instance once`,
      );
    seen.add(inst.name);
  }
  const widths = new Set(instances.map((i) => i.features.length));
  if (widths.size > 1)
    throw new InputError(
      "SPEC_INVALID",
      `field "instances": the instances have different numbers of features (${[...widths].join(", ")}); give every instance the same features, as SMAC's instance_features do`,
    );
  return {
    seeds: raw.smac_seeds ?? "per_trial",
    instances,
    instanceOrder: raw.instance_order ?? "round_robin",
  };
}

/** crash_cost as one value per objective (a single number applies to every objective). */
export function buildCrashCost(
  raw: RawSpec["crash_cost"],
  objectives: readonly Objective[],
): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const names = objectives.map((o) => o.name);
  const out: Record<string, number> = {};
  if (typeof raw === "number") {
    if (!Number.isFinite(raw))
      throw new InputError("SPEC_INVALID", `field "crash_cost": give a finite number, got ${raw}`);
    for (const n of names) out[n] = raw;
    return out;
  }
  for (const key of Object.keys(raw))
    if (!names.includes(key))
      throw new InputError(
        "SPEC_INVALID",
        `field "crash_cost": "${key}" is not an objective (objectives: ${names.join(", ")}); give a cost per objective, or one number for all`,
      );
  for (const n of names) {
    const v = raw[n];
    if (v === undefined || !Number.isFinite(v))
      throw new InputError(
        "SPEC_INVALID",
        `field "crash_cost": no finite cost for objective "${n}"; give a cost per objective, or one number for all`,
      );
    out[n] = v;
  }
  return out;
}

/** `--smac_instances NAME` or `NAME:f1,f2,...` (features as numbers). */
export function instanceFromFlag(text: string): { name: string; features: number[] } {
  const at = text.lastIndexOf(":");
  if (at < 0) return { name: text, features: [] };
  const features = text
    .slice(at + 1)
    .split(",")
    .filter((t) => t.trim() !== "")
    .map(Number);
  if (features.some((f) => !Number.isFinite(f)))
    throw new InputError(
      "SPEC_INVALID",
      `--smac_instances ${JSON.stringify(text)}: the features after ":" must be numbers separated by commas, e.g. i1:0.5,3`,
    );
  return { name: text.slice(0, at), features };
}
