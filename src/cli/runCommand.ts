import { createExecutor, prepareExecutor, resolveExecutorKind } from "../engine/createExecutor.js";
import { checkWorkdirExists } from "../engine/workdirCheck.js";
import { EXIT, InputError } from "../errors/errors.js";
import { CampaignSession } from "../session/campaignSession.js";
import type { Campaign } from "../spec/campaign.js";
import type { RunArgs } from "./campaignFromArgs.js";
import { campaignPlanFromArgs } from "./priorTrialsFromArgs.js";
import { driveInForeground } from "./driveInForeground.js";
import { printSlurmDryRun } from "./dryRunScripts.js";
import { followCampaign, readCampaignStatus } from "../controllerJob/followCampaign.js";
import { watchedCampaignExitCode } from "./campaignExitCode.js";
import type { ControllerJobSettings } from "../controllerJob/renderControllerScript.js";
import { submitControllerJob } from "../controllerJob/submitControllerJob.js";
import { handToDaemon } from "./daemonCampaignCommands.js";

export interface RunCommandOptions {
  dryRun: boolean;
  quiet: boolean;
  cancelOnExit: boolean;
  /** Write report.html when the run ends. */
  report: boolean;
  /** Run the controller as a Slurm job (with its settings) instead of in this process. */
  inSlurm: ControllerJobSettings | null;
  follow: boolean;
  /** Hand the campaign to the daemon and return (run --detach, submit). */
  detach?: boolean;
}

/** `slurmopt run`: validate, create runs/<name>/<N>/, drive the campaign in the foreground. */
export async function runCommand(args: RunArgs, options: RunCommandOptions): Promise<number> {
  const warnings: string[] = [];
  const { campaign, trials } = campaignPlanFromArgs(args, process.cwd(), {
    warn: (m) => warnings.push(m),
  });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  checkWorkdirExists(campaign);
  const onSlurm = resolveExecutorKind(campaign) === "slurm";
  if (options.dryRun) {
    process.stdout.write(describeDryRun(campaign, onSlurm ? "slurm" : "local"));
    if (onSlurm) await printSlurmDryRun(campaign, (t) => process.stdout.write(t));
    return EXIT.ok;
  }
  if (options.inSlurm && !onSlurm)
    throw new InputError(
      "FLAG_INVALID",
      "--in-slurm runs the controller as a Slurm job, so its trials must be Slurm jobs too: use --executor slurm (or auto with sbatch on PATH), not local",
    );
  if (options.detach === true && options.inSlurm)
    throw new InputError(
      "FLAG_INVALID",
      "--detach hands the campaign to the slurmopt daemon and --in-slurm runs its controller as a Slurm job: choose one",
    );
  if (options.inSlurm && campaign.ssh)
    throw new InputError(
      "FLAG_INVALID",
      "--in-slurm submits the controller job with this machine's sbatch, but the spec drives a cluster over ssh: run slurmopt on the cluster's login node with --in-slurm (and without the ssh section), or drop --in-slurm to drive it from here",
    );
  if (campaign.schedule !== undefined && options.detach !== true)
    process.stderr.write(
      `warning: the spec's "schedule:" is followed only when the daemon drives the campaign (slurmopt submit, or run --detach); this run submits without it\n`,
    );
  // Partition, time limit, memory (and the SSH side): refused before runs/<name>/<N> exists.
  if (onSlurm) await checkCluster(campaign);
  const created = await CampaignSession.create(campaign, {}, trials);
  // Driven from now on (here, by a controller job or by the daemon): no longer just CREATED.
  created.setState("RUNNING", null);
  const { dir, row } = created;
  await created.close();
  process.stderr.write(
    `slurmopt: campaign ${campaign.name} in ${dir} (seed ${campaign.seed}${trials.length > 0 ? `; ${trials.length} trials of earlier runs, ${campaign.maxEval - trials.length} new` : ""}${!onSlurm && campaign.workerTimeoutSeconds === null ? "; trials have no time limit: --worker_timeout sets one" : ""})\n`,
  );
  if (options.inSlurm)
    return startControllerJob(dir, row.uid, campaign, options.inSlurm, options.follow);
  if (options.detach === true) {
    const s = await handToDaemon(dir);
    process.stdout.write(`${dir}\n`);
    process.stderr.write(
      `slurmopt: the daemon drives it; "slurmopt follow ${dir}" shows its progress\n`,
    );
    // Usually still running; one that already ended says how, as every client does.
    return watchedCampaignExitCode(s.state === "RUNNING" ? null : readCampaignStatus(dir), EXIT.ok);
  }
  return driveInForeground(dir, {
    quiet: options.quiet,
    cancelOnExit: options.cancelOnExit,
    resume: false,
    report: options.report,
  });
}

/** --in-slurm: the controller runs as a Slurm job; this shell submits it (and follows it). */
async function startControllerJob(
  dir: string,
  uid: string,
  campaign: Campaign,
  settings: ControllerJobSettings,
  follow: boolean,
): Promise<number> {
  const jobId = await submitControllerJob({
    campaignDir: dir,
    workdir: campaign.workdir,
    settings: { ...settings, jobName: `${campaign.name}-${uid}-controller` },
  });
  process.stdout.write(
    `controller job ${jobId} submitted; its output: ${dir}/controller-${jobId}.out; watch with "slurmopt status ${dir}"${follow ? "" : " or --follow"}\n`,
  );
  if (!follow) return EXIT.ok;
  const final = await followCampaign(dir);
  // Not ended: the controller job went without finishing it or queueing a continuation.
  return watchedCampaignExitCode(final, EXIT.failure);
}

async function checkCluster(campaign: Campaign): Promise<void> {
  const executor = createExecutor(campaign);
  try {
    await prepareExecutor(executor, { resume: false });
  } finally {
    await executor.close();
  }
}

function describeDryRun(c: Campaign, kind: "local" | "slurm"): string {
  return [
    `campaign ${c.name}: ${c.parameters.length} parameters, ${c.maxEval} trials, parallelism ${c.parallelism}, seed ${c.seed}`,
    `strategy: ${c.strategy.map((n) => `${n.label}${n.trials === null ? "" : `=${n.trials}`}`).join(", ")}`,
    `program: ${c.program}`,
    `executor: ${kind}${c.executor === "auto" ? " (auto)" : ""}`,
    "",
  ].join("\n");
}
