/** Row shapes of the campaign database, as stored. Times are milliseconds since the epoch. */

/**
 * CREATED: made (slurmopt create, createCampaign) and nothing asked, attached or run yet; the
 * first ask or attach, or a controller that drives it, makes it RUNNING.
 */
export type CampaignState =
  "CREATED" | "RUNNING" | "STOPPED" | "COMPLETED" | "FAILED" | "CANCELLED";

/**
 * EARLY_STOPPED: stopped by the early-stopping rule while running (docs/early-stopping.md); its
 * last progress values are kept as its results, and the models count them as data, as Ax does.
 */
export type TrialState =
  | "PROPOSED"
  | "SUBMITTED"
  | "RUNNING"
  | "COMPLETED"
  | "EARLY_STOPPED"
  | "FAILED"
  | "TIMEOUT"
  | "CANCELLED";

export const FINAL_TRIAL_STATES: readonly TrialState[] = [
  "COMPLETED",
  "EARLY_STOPPED",
  "FAILED",
  "TIMEOUT",
  "CANCELLED",
];
/** A count of zero for every trial state: where each count by state starts. */
export function zeroTrialCounts(): Record<TrialState, number> {
  return {
    PROPOSED: 0,
    SUBMITTED: 0,
    RUNNING: 0,
    COMPLETED: 0,
    FAILED: 0,
    TIMEOUT: 0,
    CANCELLED: 0,
    EARLY_STOPPED: 0,
  };
}

/** Whether a trial in this state gives the models data (its results, or its last progress values). */
export function givesData(state: TrialState): boolean {
  return state === "COMPLETED" || state === "EARLY_STOPPED";
}

/** Handed out and not ended: proposed, submitted or running (pending for the models). */
export const ACTIVE_TRIAL_STATES: readonly TrialState[] = ["PROPOSED", "SUBMITTED", "RUNNING"];

/** Whether a trial is handed out and not ended (see ACTIVE_TRIAL_STATES). */
export function isActiveTrial(state: TrialState): boolean {
  return state === "PROPOSED" || state === "SUBMITTED" || state === "RUNNING";
}

/** Whether a trial ended as a failure (FAILED, or TIMEOUT: past its time limit). */
export function isFailedTrial(state: TrialState): boolean {
  return state === "FAILED" || state === "TIMEOUT";
}

export type AttemptState = "CREATED" | "SUBMITTED" | "RUNNING" | "FINISHED";

export interface CampaignRow {
  id: number;
  uid: string;
  name: string;
  dir: string;
  spec_json: string;
  state: CampaignState;
  stop_reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface TrialRow {
  id: number;
  campaign_id: number;
  trial_index: number;
  state: TrialState;
  params_json: string;
  generator: string;
  generation_node: string;
  node_position: number;
  generation_ms: number | null;
  created_at: number;
  submit_time: number | null;
  start_time: number | null;
  end_time: number | null;
  results_json: string | null;
  sems_json: string | null;
  extras_json: string | null;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  hostname: string | null;
  program_string: string | null;
  /** Campaigns with budgets (successive halving): the budget the trial runs at; else null. */
  budget: number | null;
  bracket: number | null;
  /** 0 is the bottom rung (lowest budget). */
  rung: number | null;
  /** The trial of the rung below whose configuration this one runs again (a promotion). */
  parent_index: number | null;
  /** The bottom-rung trial that first ran this configuration (itself there). */
  config_index: number | null;
  /** 1: run at a budget below the campaign's max: never among the best trials. */
  below_max_budget: number;
  /** Increases with every change of the row (see the trials_rev triggers). */
  rev: number;
}

export interface AttemptRow {
  id: number;
  trial_id: number;
  attempt_no: number;
  state: AttemptState;
  executor: string;
  job_name: string;
  job_id: string | null;
  array_task_id: number | null;
  pid: number | null;
  pid_start: number | null;
  dir: string;
  submit_time: number | null;
  start_time: number | null;
  end_time: number | null;
  exit_code: number | null;
  signal: string | null;
  fault: string | null;
  reason: string | null;
  hostname: string | null;
  /** Slurm submit-ahead: the job this attempt starts after (migration 4), or null. */
  after_job: string | null;
}
