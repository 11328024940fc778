import { InputError, StateError } from "../errors/errors.js";
import { CampaignSession, type SessionOptions } from "../session/campaignSession.js";
import type { Warnings } from "../spec/buildParameters.js";
import type { Campaign } from "../spec/campaign.js";
import type { ImportedTrial } from "../store/importedTrials.js";
import { carryTrials, type CarryMode } from "./carryTrials.js";
import { readPriorRun, type PriorRun } from "./priorRun.js";

/** A new campaign and the trials of earlier runs it starts with; nothing is written yet. */
export interface PriorTrialsPlan {
  /** Its maxEval counts the carried trials and the new ones. */
  readonly campaign: Campaign;
  readonly trials: readonly ImportedTrial[];
}

export interface ContinueOptions {
  /**
   * The campaign of the new folder, made from the stored one (null when the earlier run is an
   * OmniOpt2 results.csv: its settings live in OmniOpt2's state files, which are not read).
   * Its maxEval is the number of NEW trials, as OmniOpt2's --max_eval on a continued job.
   * Default: the stored campaign unchanged (as many new trials as it ran, as OmniOpt2).
   */
  campaign?: (stored: Campaign | null) => Campaign;
  /** Further runs whose trials with results come along (--load_data_from_existing_jobs). */
  loadFrom?: readonly string[];
  /** Receives the notes (trials outside the new space, trials left out). */
  warnings?: Warnings;
}

const NO_WARNINGS: Warnings = { warn: () => undefined };

/**
 * OmniOpt2's --continue_previous_job: a NEW campaign folder runs/<name>/<N+1>/ that starts with
 * every trial of the earlier run (read from a slurmopt campaign folder or an OmniOpt2
 * results.csv; the earlier folder is never written to). Parameters keep their names; their
 * ranges may widen (new trials use the wider range) or narrow (earlier trials outside it stay
 * as rows for reference but give the models no data). Checks everything before it writes.
 */
export function planContinuation(from: string, options: ContinueOptions = {}): PriorTrialsPlan {
  const run = readPriorRun(from);
  const build =
    options.campaign ??
    ((stored: Campaign | null): Campaign => {
      if (stored === null)
        throw new InputError(
          "PRIOR_RUN_INVALID",
          `${from} is an OmniOpt2 results.csv, which holds the trials but not the campaign's settings: give the campaign too (its program, --parameter and --result_names flags, or a spec file)`,
        );
      return { ...stored, maxEval: newTrialsOf(stored) };
    });
  const wanted = build(run.campaign);
  if (run.campaign) checkContinuable(from, run.campaign, wanted);
  const others = (options.loadFrom ?? []).map(readPriorRun);
  return plan(
    wanted,
    [{ run, mode: "continue" }, ...others.map((r) => ({ run: r, mode: "load" as const }))],
    options.warnings ?? NO_WARNINGS,
  );
}

/**
 * OmniOpt2's --load_data_from_existing_jobs: a new campaign (as given, its maxEval the number of
 * new trials) that starts with the trials of earlier runs that have a result for every
 * objective, as data that no strategy node counts as its own.
 */
export function planLoad(
  campaign: Campaign,
  sources: readonly string[],
  warnings: Warnings = NO_WARNINGS,
): PriorTrialsPlan {
  const runs = sources.map(readPriorRun);
  return plan(
    campaign,
    runs.map((run) => ({ run, mode: "load" as const })),
    warnings,
  );
}

/** planContinuation, then the new folder: an open session of the continued campaign. */
export async function continueCampaign(
  from: string,
  options: ContinueOptions & SessionOptions = {},
): Promise<CampaignSession> {
  const p = planContinuation(from, options);
  return CampaignSession.create(p.campaign, options, p.trials);
}

/** planLoad, then the new folder: an open session of the new campaign. */
export async function createCampaignWithTrials(
  campaign: Campaign,
  sources: readonly string[],
  options: SessionOptions & { warnings?: Warnings } = {},
): Promise<CampaignSession> {
  const p = planLoad(campaign, sources, options.warnings);
  return CampaignSession.create(p.campaign, options, p.trials);
}

function plan(
  campaign: Campaign,
  sources: readonly { run: PriorRun; mode: CarryMode }[],
  warnings: Warnings,
): PriorTrialsPlan {
  const trials: ImportedTrial[] = [];
  for (const { run, mode } of sources) {
    const carried = carryTrials([run], campaign, mode, trials.length);
    if (carried.outsideSpace > 0)
      warnings.warn(
        `${carried.outsideSpace} of the ${carried.trials.length} trials from ${run.source} lie outside the search space (a narrowed range, a removed choice): they are kept for reference and give the models no data`,
      );
    if (carried.skipped > 0)
      warnings.warn(
        `${carried.skipped} trials of ${run.source} have no result for every objective and were left out`,
      );
    // A loop, not push(...): a spread of 120,000+ arguments overflows the stack.
    for (const t of carried.trials) trials.push(t);
  }
  return {
    campaign: {
      ...campaign,
      maxEval: campaign.maxEval + trials.length,
      carriedTrials: trials.length,
    },
    trials,
  };
}

/**
 * The number of new trials a campaign ran (its maxEval without the trials it started with):
 * what a continue of it runs without --max_eval, as OmniOpt2, which reads the earlier run's
 * max_eval, so that continuing a continued run adds as many trials again rather than doubling.
 */
export function newTrialsOf(stored: Campaign): number {
  return Math.max(1, stored.maxEval - (stored.carriedTrials ?? 0));
}

/**
 * A continued campaign keeps the earlier run's parameter and objective names (OmniOpt2: "you
 * cannot remove parameters here or add names of parameters that have previously not
 * existed"); ranges, choices, the strategy and the run settings may change.
 */
function checkContinuable(from: string, stored: Campaign, wanted: Campaign): void {
  const names = (ps: Campaign["parameters"]): string =>
    ps
      .map((p) => p.name)
      .sort()
      .join(", ");
  const problems: string[] = [];
  if (names(stored.parameters) !== names(wanted.parameters))
    problems.push(
      `its parameters are ${names(stored.parameters)}, the new campaign's ${names(wanted.parameters)}`,
    );
  const objectives = (c: Campaign): string =>
    (c.occ?.results ?? c.objectives)
      .map((o) => o.name)
      .sort()
      .join(", ");
  if (objectives(stored) !== objectives(wanted))
    problems.push(
      `its results are ${objectives(stored)}, the new campaign's ${objectives(wanted)}`,
    );
  if (problems.length > 0)
    throw new StateError(
      "RESUME_INCOMPATIBLE",
      `cannot continue ${from}: ${problems.join("; ")}. A continued campaign keeps the names (ranges, choices and settings may change); start a new campaign for another study, or bring the trials that fit with --load_data_from_existing_jobs`,
    );
}
