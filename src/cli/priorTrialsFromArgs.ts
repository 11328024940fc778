import { InputError } from "../errors/errors.js";
import {
  planContinuation,
  newTrialsOf,
  planLoad,
  type PriorTrialsPlan,
} from "../priorTrials/continueCampaign.js";
import type { Warnings } from "../spec/buildParameters.js";
import { buildCampaign } from "../spec/buildCampaign.js";
import type { Campaign } from "../spec/campaign.js";
import type { Parameter } from "../space/parameters.js";
import { campaignFromArgs, specFromArgs, type RunArgs } from "./campaignFromArgs.js";
import { mergeSpec } from "./specOverlay.js";

const SILENT: Warnings = { warn: () => undefined };

/**
 * `slurmopt run`'s campaign and the trials of earlier runs it starts with:
 * --continue_previous_job DIR (--continue) continues DIR in a new folder, the flags and spec file
 * of this command line overriding its stored settings; --load_data_from_existing_jobs DIR...
 * (--load-from) brings the trials with results of those runs into the new campaign.
 */
export function campaignPlanFromArgs(
  args: RunArgs,
  cwd: string,
  warnings: Warnings,
  /** The program of a campaign whose spec and flags give none (slurmopt create). */
  defaultProgram?: string,
): PriorTrialsPlan {
  const from = args.flags.continue_previous_job;
  const load = (args.flags.load_data_from_existing_jobs as string[] | undefined) ?? [];
  if (from !== undefined && (typeof from !== "string" || from.trim() === ""))
    throw new InputError(
      "FLAG_INVALID",
      "--continue_previous_job needs the run folder to continue, e.g. --continue runs/my_experiment/0",
    );
  if (load.some((l) => l.trim() === ""))
    throw new InputError(
      "FLAG_INVALID",
      "--load_data_from_existing_jobs needs run folders or results.csv files, e.g. --load_data_from_existing_jobs runs/a/0 runs/a/1",
    );
  if (from === undefined) {
    const campaign = campaignFromArgs(args, cwd, warnings, defaultProgram);
    return load.length > 0 ? planLoad(campaign, load, warnings) : { campaign, trials: [] };
  }
  return planContinuation(from, {
    loadFrom: load,
    warnings,
    campaign: (stored) =>
      stored === null
        ? settingsForResultsCsv(from, () => campaignFromArgs(args, cwd, warnings, defaultProgram))
        : continuedCampaign(stored, args, cwd, warnings),
  });
}

/** An OmniOpt2 results.csv holds trials, not settings: say so when the command line lacks them. */
function settingsForResultsCsv(from: string, build: () => Campaign): Campaign {
  try {
    return build();
  } catch (e) {
    if (e instanceof InputError && e.code === "FLAG_INVALID" && /these are needed/.test(e.message))
      throw new InputError(
        "FLAG_INVALID",
        `${from} is an OmniOpt2 run (its results.csv holds the trials, not the settings, which slurmopt does not read from OmniOpt2's state files): ${e.message}`,
        { cause: e },
      );
    throw e;
  }
}

/**
 * The stored campaign with what this command line changes. The spec file and flags are laid
 * over a spec made of the stored campaign's essentials and built twice, with and without
 * them: every field that differs between the two builds is what the command line set, and
 * only those replace the stored values (nested settings such as slurm field by field).
 * `--parameter` replaces the stored parameter of that name; the others stay as stored.
 */
function continuedCampaign(
  stored: Campaign,
  args: RunArgs,
  cwd: string,
  warnings: Warnings,
): Campaign {
  const { file, overlay, options } = specFromArgs(args, warnings);
  const given = mergeSpec(file, overlay);
  const base = essentials(stored);
  // Without --max_eval, as many new trials as the earlier run had (as OmniOpt2), not its total.
  base.max_eval = given.max_eval ?? newTrialsOf(stored);
  const parameters = mergeParameters(base.parameters as object[], given.parameters, stored);
  const withoutFlags = buildCampaign(base, { cwd, warnings: SILENT });
  const withFlags = buildCampaign(mergeSpec(base, { ...given, parameters }), {
    ...options,
    cwd,
    warnings,
  });
  const out: Record<string, unknown> = { ...stored };
  const a = withoutFlags as unknown as Record<string, unknown>;
  const b = withFlags as unknown as Record<string, unknown>;
  const s = stored as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[key], b[key])) continue;
    const [av, bv, sv] = [a[key], b[key], s[key]];
    out[key] = isRecord(av) && isRecord(bv) && isRecord(sv) ? changedFields(av, bv, sv) : bv;
  }
  out.maxEval = withFlags.maxEval;
  return out as unknown as Campaign;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function changedFields(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...stored };
  for (const k of Object.keys(b)) if (!same(a[k], b[k])) out[k] = b[k];
  return out;
}

/** Given parameters replace the stored ones of the same name; an unknown name is an error. */
function mergeParameters(base: object[], given: unknown, stored: Campaign): unknown {
  if (given === undefined) return base;
  if (!Array.isArray(given)) return given;
  const out = [...base];
  for (const g of given as { name?: unknown }[]) {
    const at = out.findIndex((p) => (p as { name: string }).name === g.name);
    if (at < 0)
      throw new InputError(
        "FLAG_INVALID",
        `--parameter ${String(g.name)}: the continued campaign ${stored.name} has no parameter of that name (its parameters: ${stored.parameters.map((p) => p.name).join(", ")}); a continued campaign keeps its parameters and may change their ranges and choices`,
      );
    out[at] = g;
  }
  return out;
}

/** A spec with the stored campaign's name, folders, program, parameters and results. */
function essentials(c: Campaign): Record<string, unknown> {
  const results = c.occ?.results ?? c.objectives;
  return {
    name: c.name,
    run_dir: c.runDir,
    workdir: c.workdir,
    program: c.program,
    program_style: c.programStyle,
    parameters: c.parameters.map(parameterSpec),
    objectives: results.map((o) => ({ name: o.name, goal: o.goal })),
    ...(c.occ
      ? { occ: { type: c.occ.type, minkowski_p: c.occ.minkowskiP, weights: [...c.occ.weights] } }
      : {}),
    seed: c.seed,
  };
}

function parameterSpec(p: Parameter): Record<string, unknown> {
  const conditional = {
    ...(p.activeIf !== undefined ? { active_if: p.activeIf } : {}),
    ...(p.inactiveValue !== undefined ? { inactive_value: p.inactiveValue } : {}),
  };
  if (p.kind === "range")
    return {
      name: p.name,
      type: "range",
      bounds: [p.low, p.high],
      value_type: p.valueType,
      log_scale: p.log,
      ...conditional,
    };
  if (p.kind === "choice")
    return {
      name: p.name,
      type: "choice",
      values: [...p.values],
      is_ordered: p.ordered,
      value_type: p.valueType === "string" ? "str" : p.valueType,
      ...conditional,
    };
  return { name: p.name, type: "fixed", value: p.value, ...conditional };
}
