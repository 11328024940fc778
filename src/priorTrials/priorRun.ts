import { existsSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { CAMPAIGN_FILES } from "../engine/campaignPaths.js";
import { InputError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import type { ParamValue } from "../space/parameters.js";
import type { TrialState } from "../store/rowTypes.js";
import { readCampaignFolderTrials } from "./readCampaignFolder.js";
import { readOmniopt2ResultsCsv } from "./readOmniopt2ResultsCsv.js";

/**
 * A trial of an earlier run, as read from it: a slurmopt campaign folder gives typed values,
 * an OmniOpt2 results.csv gives text cells that are read against the new campaign's
 * parameters and objectives only when they are carried over (carryTrials.ts).
 */
export interface PriorTrial {
  /** Its trial_index in the earlier run. */
  readonly index: number;
  /** Its line in results.csv (1 = the header), for messages; null for a campaign folder. */
  readonly line: number | null;
  readonly state: TrialState;
  /** A slurmopt folder's trial: its parameters and results. Empty for a results.csv row. */
  readonly parameters: Readonly<Record<string, ParamValue>>;
  readonly values: Readonly<Record<string, number>>;
  readonly sems: Readonly<Record<string, number>>;
  /** A results.csv row: every cell that is neither bookkeeping nor OO_Info_*, by column. */
  readonly cells: Readonly<Record<string, string>> | null;
  readonly generationNode: string;
  readonly generator: string;
  readonly generationMs: number | null;
  /** Epoch milliseconds. */
  readonly createdAt: number | null;
  readonly submitTime: number | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  /** OO_Info_* and printed_* values (results.csv's extra columns). */
  readonly extras: Readonly<Record<string, string>> | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly reason: string | null;
  readonly hostname: string | null;
  readonly programString: string | null;
  /** The budget columns (successive halving), indices those of the earlier run; null: none. */
  readonly budget?: PriorBudget | null;
}

export interface PriorBudget {
  readonly budget: number;
  readonly bracket: number | null;
  readonly rung: number | null;
  readonly parentIndex: number | null;
  readonly configIndex: number | null;
}

/** An earlier run whose trials a new campaign starts with. */
export interface PriorRun {
  /** The path as given. */
  readonly source: string;
  readonly kind: "slurmopt" | "omniopt2";
  /**
   * The campaign stored in a slurmopt campaign folder; null for an OmniOpt2 results.csv (its
   * settings live in OmniOpt2's state files, which slurmopt does not read).
   */
  readonly campaign: Campaign | null;
  readonly trials: readonly PriorTrial[];
}

const HOW =
  "give a slurmopt campaign folder (runs/<name>/<N>), an OmniOpt2 run folder with a results.csv, or that results.csv";

/**
 * Reads an earlier run: a slurmopt campaign folder (its campaign.db, copied first, so the
 * folder is never written to), the campaign.db itself, an OmniOpt2 run folder (its
 * results.csv) or a results.csv file. Nothing is written anywhere.
 */
export function readPriorRun(source: string): PriorRun {
  if (!existsSync(source))
    throw new InputError("PRIOR_RUN_INVALID", `${source} does not exist; ${HOW}`);
  if (statSync(source).isDirectory()) {
    const db = join(source, CAMPAIGN_FILES.db);
    if (existsSync(db)) return { source, kind: "slurmopt", ...readCampaignFolderTrials(db) };
    const csv = join(source, CAMPAIGN_FILES.resultsCsv);
    if (existsSync(csv))
      return { source, kind: "omniopt2", campaign: null, trials: readOmniopt2ResultsCsv(csv) };
    throw new InputError(
      "PRIOR_RUN_INVALID",
      `${source} holds neither ${CAMPAIGN_FILES.db} nor ${CAMPAIGN_FILES.resultsCsv}; ${HOW}`,
    );
  }
  if (basename(source) === CAMPAIGN_FILES.db)
    return { source, kind: "slurmopt", ...readCampaignFolderTrials(source) };
  return { source, kind: "omniopt2", campaign: null, trials: readOmniopt2ResultsCsv(source) };
}
