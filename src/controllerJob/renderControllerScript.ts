import { CampaignPaths } from "../engine/campaignPaths.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors/errors.js";
import { renderDirectives, signalName, slurmPathPattern } from "../slurm/renderSbatch.js";
import { builtinTemplateDir } from "../slurm/sbatchTemplates.js";
import { shellQuote } from "../transport/shellQuote.js";

/** The built-in template of the controller job (slurm-templates/). */
const CONTROLLER_TEMPLATE = "controller.sbatch";
export const CONTINUE_EXIT_CODE = 75;
/** The stop reason of a controller job that stopped for its continuation (--follow goes on). */
export const CONTINUATION_REASON =
  "controller job time limit near: a continuation job resumes the campaign";

export interface ControllerJobSettings {
  jobName: string;
  /** The controller job's own time limit in seconds (OmniOpt2 --time, in minutes there). */
  timeSeconds: number;
  /** Memory of the controller job in GB (OmniOpt2 --main_process_gb). */
  memGb: number;
  partition: string | null;
  account: string | null;
  qos: string | null;
  reservation: string | null;
  /** Seconds before the time limit at which the controller stops for its continuation. */
  signalDelaySeconds: number;
  signal: string;
  setup: readonly string[];
}

export interface ControllerScriptInput {
  settings: ControllerJobSettings;
  campaignDir: string;
  workdir: string;
  node: string;
  cli: string;
}

/** Renders slurm-templates/controller.sbatch for `slurmopt run --in-slurm`. */
export function renderControllerScript(input: ControllerScriptInput): string {
  const s = input.settings;
  if (s.signalDelaySeconds >= s.timeSeconds)
    throw new InputError(
      "FLAG_INVALID",
      `--in-slurm: the controller's signal delay (${s.signalDelaySeconds} s) must be shorter than its time limit (${s.timeSeconds} s); raise --time`,
    );
  const directives = renderDirectives(
    {
      jobName: s.jobName,
      partition: s.partition,
      timeLimitS: s.timeSeconds,
      mem: `${Math.max(1, Math.ceil(s.memGb * 1024))}M`,
      cpusPerTask: 1,
      nodes: 1,
      gpus: 0,
      account: s.account,
      reservation: s.reservation,
      qos: s.qos,
      exclude: [],
      constraint: null,
      extraDirectives: [],
      signal: { name: s.signal, delayS: s.signalDelaySeconds },
      noRequeue: true,
    },
    // The folder is escaped (a % in it is literal); %j is Slurm's job id.
    {
      out: new CampaignPaths(slurmPathPattern(input.campaignDir)).controllerOut("%j"),
      err: new CampaignPaths(slurmPathPattern(input.campaignDir)).controllerOut("%j"),
    },
  );
  const vars = [
    `slurmopt_campaign=${shellQuote(input.campaignDir)}`,
    `slurmopt_workdir=${shellQuote(input.workdir)}`,
    `slurmopt_node=${shellQuote(input.node)}`,
    `slurmopt_cli=${shellQuote(input.cli)}`,
    `slurmopt_script=${shellQuote(new CampaignPaths(input.campaignDir).controllerScript)}`,
    `slurmopt_jobs_log=${shellQuote(new CampaignPaths(input.campaignDir).controllerJobsLog)}`,
    `slurmopt_signal=${signalName(s.signal)}`,
  ].join("\n");
  const template = readFileSync(join(builtinTemplateDir(), CONTROLLER_TEMPLATE), "utf8");
  return template
    .replace("{{directives}}", () => directives)
    .replace("{{controller}}", () => vars)
    .replace("{{setup}}", () => (s.setup.length === 0 ? ":" : s.setup.join("\n")));
}
