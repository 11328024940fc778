import { join } from "node:path";
import { LocalExecutor } from "../executor/localExecutor.js";
import type { Executor } from "../executor/executor.js";
import { createCampaignRecord } from "../engine/campaignRecord.js";
import { driveCampaign } from "../engine/driveCampaign.js";
import { createLogger } from "../log/logger.js";
import { formatStatus } from "../report/campaignStatus.js";
import type { Campaign } from "../spec/campaign.js";
import { campaignFromArgs, type RunArgs } from "./campaignFromArgs.js";
import { ProgressLine, progressText } from "./progressLine.js";
import { EXIT } from "../errors/errors.js";

export interface RunCommandOptions {
  dryRun: boolean;
  quiet: boolean;
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
  const logger = createLogger({ file: join(open.dir, "slurmopt.log") });
  logger.info({ dir: open.dir, uid: open.row.uid, seed: campaign.seed }, `campaign ${campaign.name} started`);
  process.stderr.write(`slurmopt: campaign ${campaign.name} in ${open.dir} (seed ${campaign.seed})\n`);
  const executor = createExecutor(campaign);
  const line = new ProgressLine(process.stdout, !options.quiet && process.stdout.isTTY);
  const startedAt = Date.now();
  const handle = driveCampaign(open, {
    executor,
    logger,
    onProgress: (s) => line.update(progressText(s, startedAt)),
  });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`\nslurmopt: second ${sig}: exiting now (the stored state is consistent)\n`);
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\nslurmopt: ${sig}: stopping; running trials keep running (resume with "slurmopt resume ${open.dir}")\n`);
    handle.runner.stop("STOPPED", `stopped by ${sig}`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const status = await handle.done;
    line.end();
    process.stdout.write(`${formatStatus(status)}\nresults: ${join(open.dir, "results.csv")}\n`);
    return status.state === "COMPLETED" || status.state === "STOPPED" ? EXIT.ok : EXIT.failure;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await executor.close();
    open.db.close();
    logger.flush();
  }
}

function createExecutor(_campaign: Campaign): Executor {
  return new LocalExecutor();
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
