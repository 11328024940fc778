import type { AttemptResult } from "../executor/executor.js";
import type { Point } from "../space/parameters.js";

/** How a campaign's program is run for a point and how its output becomes a trial outcome. */
export interface TrialProgram {
  render(
    point: Point,
    trial: { index: number; id: number; attemptDir: string; budget?: TrialRun },
  ): { command: string; env: Record<string, string> };
  /** The command text stored with trial `index` (results.csv's program_string). */
  describe(point: Point, index: number, budget?: TrialRun): string;
  outcome(result: AttemptResult): TrialOutcomeValues;
}

/**
 * A trial at a budget (successive halving): the budget the program gets, and the bottom-rung
 * trial that first ran the configuration (a SMAC-style program gets that trial's seed and
 * instance at every budget, as SMAC keeps them for a configuration).
 */
export interface TrialRun {
  readonly budget: number;
  readonly configIndex: number | null;
}

export interface TrialOutcomeValues {
  /** EARLY_STOPPED: set by the runner (never by a program) for a trial the early-stopping rule ended. */
  state: "COMPLETED" | "EARLY_STOPPED" | "FAILED" | "TIMEOUT" | "CANCELLED";
  values: Record<string, number>;
  sems: Record<string, number>;
  extras: Record<string, string>;
  reason: string | null;
  /** The program asked to end the campaign (SMAC status STOP): the reason to record. */
  stopCampaign?: string;
}
