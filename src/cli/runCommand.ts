import { createCampaignRecord } from "../engine/campaignRecord.js";
import { EXIT } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import { campaignFromArgs, type RunArgs } from "./campaignFromArgs.js";
import { driveInForeground } from "./driveInForeground.js";

export interface RunCommandOptions {
  dryRun: boolean;
  quiet: boolean;
  cancelOnExit: boolean;
}

/** `slurmopt run`: validate, create runs/<name>/<N>/, drive the campaign in the foreground. */
export async function runCommand(args: RunArgs, options: RunCommandOptions): Promise<number> {
  const warnings: string[] = [];
  const campaign = campaignFromArgs(args, process.cwd(), { warn: (m) => warnings.push(m) });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (options.dryRun) {
    process.stdout.write(describeDryRun(campaign));
    return EXIT.ok;
  }
  const open = createCampaignRecord(campaign);
  process.stderr.write(
    `slurmopt: campaign ${campaign.name} in ${open.dir} (seed ${campaign.seed})\n`,
  );
  return driveInForeground(open, {
    quiet: options.quiet,
    cancelOnExit: options.cancelOnExit,
    resume: false,
  });
}

function describeDryRun(c: Campaign): string {
  return [
    `campaign ${c.name}: ${c.parameters.length} parameters, ${c.maxEval} trials, parallelism ${c.parallelism}, seed ${c.seed}`,
    `strategy: ${c.strategy.map((n) => `${n.label}${n.trials === null ? "" : `=${n.trials}`}`).join(", ")}`,
    `program: ${c.program}`,
    `executor: ${c.executor}`,
    "",
  ].join("\n");
}
