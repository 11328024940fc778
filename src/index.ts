/**
 * slurmopt as a library: open or create a campaign, then ask for trials, evaluate them
 * anywhere and tell the results (the same campaign.db that `slurmopt run`, `resume` and
 * `status` use). See docs/api.md.
 */
import { resolveCampaignFolder } from "./engine/campaignFolder.js";
import type { Warnings } from "./spec/buildParameters.js";
import { buildCampaign } from "./spec/buildCampaign.js";
import type { specSchema } from "./spec/specSchema.js";
import type { z } from "zod";
import { CampaignSession, type SessionOptions } from "./session/campaignSession.js";
import { planLoad } from "./priorTrials/continueCampaign.js";

export { CampaignSession, ATTACHED_NODE } from "./session/campaignSession.js";
export type { SessionOptions } from "./session/campaignSession.js";
export { optimize, type Evaluation, type OptimizeOptions } from "./session/optimize.js";
export type {
  AskedTrial,
  BestTrial,
  NodeParallelism,
  Parameters,
  TrialRecord,
  TrialResults,
} from "./session/publicTypes.js";
export {
  continueCampaign,
  createCampaignWithTrials,
  planContinuation,
  planLoad,
  type ContinueOptions,
  type PriorTrialsPlan,
} from "./priorTrials/continueCampaign.js";
export type { Campaign, StrategyNode } from "./spec/campaign.js";
export type { CampaignStatus } from "./report/campaignStatus.js";
export type { TrialState, CampaignState } from "./store/rowTypes.js";
export { FINAL_TRIAL_STATES, ACTIVE_TRIAL_STATES } from "./store/rowTypes.js";
export {
  SlurmoptError,
  InputError,
  StateError,
  ClusterError,
  GeneratorError,
  type ErrorCode,
} from "./errors/errors.js";

/** A campaign spec as written in a spec file (YAML/JSON/TOML), as an object. */
export type CampaignSpec = z.input<typeof specSchema>;

export interface CreateOptions extends SessionOptions {
  /** Where relative paths of the spec (run_dir, workdir) are resolved; default: process.cwd(). */
  cwd?: string;
  /** Receives the spec's warnings; default: ignored. */
  warnings?: Warnings;
  /**
   * Earlier runs (slurmopt campaign folders, OmniOpt2 run folders or results.csv files) whose
   * trials with results the campaign starts with, as OmniOpt2's --load_data_from_existing_jobs;
   * the spec's max_eval then counts the new trials.
   */
  loadFrom?: readonly string[];
}

/**
 * Validates a spec and creates its campaign folder runs/<name>/<N>/ (run_dir defaults to
 * ./runs), with the trials of `loadFrom` in it; nothing runs until you ask.
 */
export async function createCampaign(
  spec: CampaignSpec,
  options: CreateOptions = {},
): Promise<CampaignSession> {
  const warnings = options.warnings ?? { warn: () => undefined };
  const campaign = buildCampaign(spec, { cwd: options.cwd ?? process.cwd(), warnings });
  const plan = planLoad(campaign, options.loadFrom ?? [], warnings);
  return CampaignSession.create(plan.campaign, options, plan.trials);
}

/** Opens a campaign folder (runs/<name>/<N>, its campaign.db, or runs/<name> for the latest). */
export async function openCampaign(
  dir: string,
  options: SessionOptions = {},
): Promise<CampaignSession> {
  return CampaignSession.open(resolveCampaignFolder(dir), options);
}
