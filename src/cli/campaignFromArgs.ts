import { InputError } from "../errors/errors.js";
import type { Warnings } from "../spec/buildParameters.js";
import { buildCampaign } from "../spec/buildCampaign.js";
import type { Campaign } from "../spec/campaign.js";
import { loadSpecFile } from "../spec/loadSpecFile.js";
import { extractGroupedFlags, objectivesFromWords, parameterFromWords } from "./groupedFlags.js";
import { mergeSpec, specOverlayFromFlags } from "./runOptions.js";

export interface RunArgs {
  specFile: string | undefined;
  flags: Record<string, unknown>;
  grouped: ReturnType<typeof extractGroupedFlags>;
}

/** Spec file, then flags over it, then one validation: the Campaign everything else uses. */
export function campaignFromArgs(args: RunArgs, cwd: string, warnings: Warnings): Campaign {
  const file = args.specFile ? loadSpecFile(args.specFile) : {};
  const overlay = specOverlayFromFlags(args.flags);
  if (args.grouped.parameters.length > 0)
    overlay.parameters = args.grouped.parameters.map(parameterFromWords);
  if (args.grouped.resultNames.length > 0)
    overlay.objectives = objectivesFromWords(args.grouped.resultNames);
  const merged = mergeSpec(file, overlay);
  if (!args.specFile) {
    const missing = ["name", "parameters", "program", "max_eval"].filter(
      (k) => merged[k] === undefined,
    );
    if (missing.length > 0)
      throw new InputError(
        "FLAG_INVALID",
        `without a spec file these are needed: ${missing.map((k) => flagFor(k)).join(", ")} (or give a spec file: slurmopt run spec.yaml)`,
      );
  }
  const options: Parameters<typeof buildCampaign>[1] = { cwd, warnings };
  if (typeof args.flags.model === "string") options.defaultModel = args.flags.model;
  if (typeof args.flags.num_random_steps === "number")
    options.numRandomSteps = args.flags.num_random_steps;
  return buildCampaign(merged, options);
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
