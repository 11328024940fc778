/**
 * The JSON the report page draws from: built from campaign.db alone (buildReportData), embedded
 * in report.html or served by the dashboard. Times are milliseconds since the epoch.
 */
import type { Objective } from "../generators/generator.js";
import type { TrialState } from "../store/rowTypes.js";

export const REPORT_DATA_VERSION = 1;

export interface ReportParameter {
  name: string;
  kind: "range" | "choice" | "fixed";
  log: boolean;
  valueType: "int" | "float" | "string";
  /** Choice values, or the fixed value. */
  values: (string | number)[];
  low: number | null;
  high: number | null;
  /** Active only under a condition (active_if): null in a trial's params means inactive. */
  conditional: boolean;
}

export interface ReportTrial {
  index: number;
  state: TrialState;
  /** Values in the order of ReportData.parameters. */
  params: (string | number | null)[];
  results: Record<string, number> | null;
  node: string;
  generator: string;
  created: number;
  submit: number | null;
  start: number | null;
  end: number | null;
  host: string | null;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  attempts: number;
  /** False when a completed trial violates an outcome constraint. */
  feasible: boolean;
  /** With budgets: run below the max budget, so never the best (absent otherwise). */
  belowMaxBudget?: true;
}

export interface ReportAttempt {
  trial: number;
  attempt: number;
  /** QUEUED, RUNNING, or how the attempt ended: COMPLETED, EARLY_STOPPED, FAILED, TIMEOUT, CANCELLED, RETRIED. */
  outcome: string;
  submit: number | null;
  start: number | null;
  end: number | null;
  host: string | null;
  jobId: string | null;
  exitCode: number | null;
  reason: string | null;
}

export interface ReportFailure {
  trial: number;
  state: TrialState;
  reason: string | null;
  exitCode: number | null;
  signal: string | null;
  host: string | null;
  jobId: string | null;
  /** The last lines of the last attempt's stderr, when its folder is readable from here. */
  stderrTail: string | null;
}

export interface ReportNode {
  node: string;
  generator: string;
  trials: number;
  completed: number;
  failed: number;
  meanGenerationMs: number | null;
}

export interface MetricInfo {
  name: string;
  role: "objective" | "constraint" | "tracking";
  /** Outcome constraint: the bound and its direction. */
  bound: number | null;
  op: "<=" | ">=" | null;
}

export interface ModelContour {
  /** The two parameters of the contour (the most important numeric ones). */
  xParam: string;
  yParam: string;
  xLog: boolean;
  yLog: boolean;
  x: number[];
  y: number[];
  /** mean[j][i] at (x[i], y[j]), in the objective's units; sd likewise. */
  mean: number[][];
  sd: number[][];
  /** Parameters held fixed in the contour, at the best trial's values. */
  heldAt: Record<string, string | number>;
}

export interface ModelView {
  objective: string;
  /** Importance of each free parameter: inverse fitted lengthscales, summing to 1. */
  importance: { name: string; value: number }[];
  /** Null when fewer than two numeric parameters are free. */
  contour: ModelContour | null;
  /** Trials the GP was fitted on, and how many had results. */
  fittedOn: number;
  completed: number;
  /**
   * Completed trials when the hyperparameters (lengthscales, so the importance) were fitted:
   * fewer than `completed` when the dashboard reused an earlier fit (ModelFitMemory).
   */
  hyperparametersFittedAt: number;
}

export interface ParetoView {
  /** Trial indices of the Pareto-optimal (feasible, completed) trials. */
  front: number[];
  reference: number[];
  referenceSource: string;
  /** Hypervolume after each completed trial (trial indices); null with more than 3 objectives. */
  hypervolume: { trial: number[]; value: number[] } | null;
}

export interface ReportData {
  version: number;
  generatedAt: number;
  campaign: {
    name: string;
    uid: string;
    dir: string;
    state: string;
    stopReason: string | null;
    createdAt: number;
    updatedAt: number;
    maxEval: number;
    parallelism: number;
    executor: string;
    strategy: string;
    seed: number;
    program: string;
  };
  parameters: ReportParameter[];
  objectives: Objective[];
  metrics: MetricInfo[];
  counts: Record<TrialState, number>;
  wallTimeMs: number;
  /** Sum of the run times of all attempts (Slurm time used, or local process time). */
  runTimeMs: number;
  nodes: ReportNode[];
  /** Trial indices of the best trial (one objective) or the Pareto set (several). */
  best: number[];
  trials: ReportTrial[];
  /** Positions in `trials` that point plots draw (all of them unless the campaign is large). */
  sample: number[];
  attempts: ReportAttempt[];
  /** Queue wait and run time of every attempt that started / ended (seconds), for histograms. */
  durations: { queueWaitS: number[]; runTimeS: number[] };
  failures: ReportFailure[];
  model: ModelView | null;
  /** Why there is no model view (no GP in the strategy, too few results...). */
  modelNote: string;
  pareto: ParetoView | null;
  /** What was downsampled or left out, per section, to be said on the page. */
  notes: Record<string, string>;
}

/** The report's data but its trials (streamed into report.html, or added by buildReportData). */
export type ReportSummary = Omit<ReportData, "trials">;
