import { InputError } from "../errors/errors.js";
import type { Warnings } from "../spec/buildParameters.js";
import { buildCampaign, type BuildOptions } from "../spec/buildCampaign.js";
import type { Campaign } from "../spec/campaign.js";
import { loadSpecFile } from "../spec/loadSpecFile.js";
import { extractGroupedFlags, objectivesFromWords, parameterFromWords } from "./groupedFlags.js";
import { ignoredFlagNotes, refuseFlags } from "./omniopt2Flags.js";
import { mergeSpec, occFlagNotes, specOverlayFromFlags } from "./specOverlay.js";

export interface RunArgs {
  specFile: string | undefined;
  flags: Record<string, unknown>;
  grouped: ReturnType<typeof extractGroupedFlags>;
}

/** Spec file, then flags over it, then one validation: the Campaign everything else uses. */
export function campaignFromArgs(
  args: RunArgs,
  cwd: string,
  warnings: Warnings,
  /** The program of a campaign whose spec and flags give none (an ask/tell campaign). */
  defaultProgram?: string,
): Campaign {
  const { file, overlay, options } = specFromArgs(args, warnings);
  const merged = mergeSpec(file, overlay);
  if (merged.program === undefined && defaultProgram !== undefined) merged.program = defaultProgram;
  if (!args.specFile) {
    const missing = ["name", "parameters", "program", "max_eval"].filter(
      (k) => merged[k] === undefined && !(k === "parameters" && merged.configspace !== undefined),
    );
    if (missing.length > 0)
      throw new InputError(
        "FLAG_INVALID",
        `without a spec file these are needed: ${missing.map((k) => flagFor(k)).join(", ")} (or give a spec file: slurmopt run spec.yaml)`,
      );
  }
  return buildCampaign(merged, { ...options, cwd, warnings });
}

/** What the command line gives: the spec file's keys, the flags' keys over them, build options. */
export interface SpecFromArgs {
  file: Record<string, unknown>;
  overlay: Record<string, unknown>;
  /** --model, --num_random_steps, --gridsearch, --generation_strategy. */
  options: Omit<BuildOptions, "cwd" | "warnings">;
}

/** Reads the spec file and turns the flags into spec keys (refused flags throw, ignored ones note). */
export function specFromArgs(args: RunArgs, warnings: Warnings): SpecFromArgs {
  if (args.flags.dryrun === true) args = { ...args, flags: dryrunFlags(args.flags, warnings) };
  refuseFlags(args.flags);
  for (const note of [...ignoredFlagNotes(args.flags), ...occFlagNotes(args.flags)])
    warnings.warn(note);
  const file = args.specFile ? loadSpecFile(args.specFile) : {};
  const overlay = specOverlayFromFlags(args.flags);
  if (args.grouped.parameters.length > 0)
    overlay.parameters = args.grouped.parameters.map(parameterFromWords);
  if (args.grouped.resultNames.length > 0)
    overlay.objectives = objectivesFromWords(args.grouped.resultNames);
  if (args.flags.maximize === true) {
    if (args.grouped.resultNames.length > 0)
      throw new InputError(
        "FLAG_INVALID",
        "--maximize and --result_names together: give the goals in --result_names (NAME=max)",
      );
    overlay.objectives = [{ name: "RESULT", goal: "max" }];
  }
  const options: SpecFromArgs["options"] = {};
  if (typeof args.flags.model === "string") options.defaultModel = args.flags.model;
  if (args.flags.gridsearch === true) {
    // OmniOpt2 keeps the model it is given and only warns; without one, FACTORIAL is the grid.
    const model = options.defaultModel;
    const strategy = overlay.strategy ?? file.strategy;
    if (model === undefined && strategy === undefined) options.defaultModel = "FACTORIAL";
    else if (model?.toUpperCase() !== "FACTORIAL")
      warnings.warn(
        `--gridsearch only really works with --model FACTORIAL (as OmniOpt2 warns); ${model !== undefined ? `--model ${model}` : "the given strategy"} is used`,
      );
  }
  // OmniOpt2's flag: counts on every node, and counts past --max_eval raise it (as OmniOpt2 does).
  if (typeof args.flags.generation_strategy === "string" && args.flags.strategy === undefined)
    options.omniopt2Strategy = true;
  const steps = args.flags.num_random_steps;
  if (steps !== undefined) {
    // yargs gives NaN for a word; a NaN or fractional count would silently change the strategy.
    if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 0)
      throw new InputError(
        "FLAG_INVALID",
        `--num_random_steps: ${typeof steps === "number" ? String(steps) : JSON.stringify(steps)} is not a whole number >= 0; give the number of Sobol trials before the model, e.g. --num_random_steps 10`,
      );
    options.numRandomSteps = steps;
  }
  return { file, overlay, options };
}

function flagFor(key: string): string {
  return (
    {
      name: "--name (or --experiment_name)",
      parameters: "--parameter",
      program: "--program (or --run_program)",
      max_eval: "--max_eval",
    }[key] ?? `--${key}`
  );
}

/**
 * OmniOpt2's --dryrun: one quick trial to test the installation, paths and environment. As
 * OmniOpt2 does, it sets max_eval to 1 whatever was given and forces local execution (the trial
 * runs here, not on Slurm); one trial at a time. OmniOpt2 also skips its random steps and asks
 * for the point (HUMAN_INTERVENTION_MINIMUM); here the one trial is the strategy's first point.
 */
function dryrunFlags(flags: Record<string, unknown>, warnings: Warnings): Record<string, unknown> {
  warnings.warn(
    "--dryrun: one quick trial to test the set-up: max_eval set to 1 (ignoring your setting), run locally, not on Slurm",
  );
  return {
    ...flags,
    max_eval: 1,
    force_local_execution: true,
    executor: undefined,
    num_parallel_jobs: 1,
    parallelism: undefined,
  };
}
