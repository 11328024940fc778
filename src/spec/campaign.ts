import type { BudgetSettings } from "../budgets/rungs.js";
import type { EarlyStopping } from "../earlyStopping/stoppingRules.js";
import type { OutcomeConstraint } from "../evaluate/outcomeConstraints.js";
import type { Objective } from "../generators/generator.js";
import type { Parameter } from "../space/parameters.js";
import type { ScheduleSettings } from "./scheduleSchema.js";

/**
 * One node of a generation strategy, with Ax's transition criteria (docs/strategies.md). A node
 * hands over when every criterion it has is met; a node without any runs until the end.
 */
export interface StrategyNode {
  /** Canonical model: sobol, random, gp, tpe, randomforest, grid, external. */
  readonly model: ModelName;
  /** The name the user wrote (e.g. BOTORCH_MODULAR), for reports. */
  readonly label: string;
  /**
   * Trials this node GENERATES before the next node takes over (failed and cancelled ones do not
   * count: Ax's MinTrials/MaxTrials with not_in_statuses); null = no such criterion.
   */
  readonly trials: number | null;
  /**
   * true (Ax's enforce_num_trials, MaxTrials): no more than `trials` are generated; false
   * (MinTrials): the node keeps generating while the next node waits for data.
   */
  readonly enforce: boolean;
  /** Hands over only once this many of its OWN trials have results (MinTrials with count_only_trials_with_data). */
  readonly trialsWithData: number | null;
  /** Results (COMPLETED trials) of the earlier nodes this node needs before it proposes (Ax's min_trials_observed). */
  readonly minTrialsObserved: number;
  /** At most this many of this node's trials pending at once (Ax's MaxGenerationParallelism); null = no limit. */
  readonly maxParallelism: number | null;
  /** While this node waits for data, free slots get the previous node's points (else they stay free). */
  readonly fill: boolean;
  /** Hands over after its first proposal round (Ax's AutoTransitionAfterGen). */
  readonly autoTransition: boolean;
  /** Passed over when the campaign has a single objective (Ax's IsSingleObjective). */
  readonly skipIfSingleObjective: boolean;
}

export type ModelName = "sobol" | "random" | "gp" | "tpe" | "randomforest" | "grid" | "external";

export interface SlurmSettings {
  readonly partition: string | null;
  /** Each trial job's time limit in seconds (from worker_timeout), null for the partition default. */
  readonly timeSeconds: number | null;
  /** Memory per job, in Slurm's syntax ("2G", "500M"), or null for the default. */
  readonly mem: string | null;
  readonly cpusPerTask: number;
  readonly nodes: number;
  readonly gpus: number;
  readonly account: string | null;
  readonly reservation: string | null;
  readonly qos: string | null;
  readonly exclude: string | null;
  readonly constraint: string | null;
  readonly extraDirectives: readonly string[];
  readonly setup: readonly string[];
  readonly signal: string;
  readonly signalDelaySeconds: number;
  readonly template: string | null;
  readonly arrayTemplate: string | null;
  readonly maxArraySize: number;
  /**
   * Trials queued behind running ones (sbatch --dependency=afterany), so a finished job's slot
   * is refilled by Slurm itself: a count, or "auto" (one per slot while the strategy's node
   * needs no trial history: sobol, random, grid; none for model-based nodes). Absent in
   * campaigns stored before it existed: "auto".
   */
  readonly submitAhead?: number | "auto";
  readonly pollIntervalSeconds: number;
  readonly maxPollIntervalSeconds: number;
  readonly maxRetries: number;
  readonly outputGraceSeconds: number;
}

export interface SshSettings {
  readonly host: string;
  readonly user: string | null;
  readonly port: number | null;
  readonly identityFile: string | null;
  readonly knownHosts: string | null;
  /** Campaign folders on the cluster: <remoteDir>/<name>/<uid>/jobs/... */
  readonly remoteDir: string;
  /** Where programs run on the cluster (default: remoteDir). */
  readonly workdir: string;
  /** Directories put in front of PATH on the cluster (path_prefix split on ":"). */
  readonly pathPrefix: readonly string[];
  readonly setup: readonly string[];
  /** ssh config file; null: ~/.ssh/config; false: read none (ssh_config: none). */
  readonly sshConfig: string | false | null;
  /** Environment variable holding the passphrase of an encrypted key (default SLURMOPT_SSH_PASSPHRASE). */
  readonly passphraseEnv: string | null;
  /** Keepalive interval in seconds (0 disables); null: ServerAliveInterval, else 15 s. */
  readonly keepaliveSeconds: number | null;
}

export interface ExternalGeneratorSettings {
  /** The command (base64 already decoded), split on whitespace and run without a shell. */
  readonly command: string;
  /** A call still running after this many seconds is killed (its whole process group). */
  readonly timeoutSeconds: number;
  /** New calls after a failed one (crash, time-out, invalid results.json, rejected duplicate). */
  readonly maxRetries: number;
  /** When the retries are used up: propose with Sobol (with a warning) or stop the campaign. */
  readonly onFailure: "fallback" | "stop";
  /** A proposal equal to an evaluated, failed or pending point: evaluate it again, or ask again. */
  readonly onDuplicate: "accept" | "reject";
}

/**
 * OCC: the program prints `results` (the objectives the user named); their combination is the
 * campaign's single objective (Campaign.objectives = [{name: OCC_OBJECTIVE, goal}]).
 */
export interface OccSettings {
  readonly type: "euclid" | "geometric" | "signed_harmonic" | "minkowski" | "weighted_euclidean";
  readonly minkowskiP: number;
  /** One weight per result (weighted_euclidean; all 1 when none were given). */
  readonly weights: readonly number[];
  /** The results the program prints, combined in this order. */
  readonly results: readonly Objective[];
}

/** The name of the combined objective of an OCC campaign. */
export const OCC_OBJECTIVE = "OCC";

/** Metrics the program prints besides the objectives (constraint metrics, then tracking ones). */
export function metricNames(c: Pick<Campaign, "outcomeConstraints" | "trackingMetrics">): string[] {
  const names = [...c.outcomeConstraints.map((o) => o.metric), ...c.trackingMetrics];
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** How SMAC-style trials get their `--seed=` and `--instance=` (evaluate/smacRunDetails.ts). */
export interface SmacRunSettings {
  /** per_trial: each trial its own seed derived from the campaign seed; campaign: all the same. */
  readonly seeds: "per_trial" | "campaign";
  readonly instances: readonly { readonly name: string; readonly features: readonly number[] }[];
  readonly instanceOrder: "round_robin" | "random";
}

/**
 * Ax's ImprovementGlobalStoppingStrategy: after at least max(minTrials, noImprovementIn)
 * completed trials, stop when the best (or the hypervolume) improved by less than `tolerance`
 * over the last `noImprovementIn` completed trials (engine/globalStopping.ts).
 */
export interface StopWhen {
  readonly noImprovementIn: number;
  readonly minTrials: number;
  readonly tolerance: number;
}

/** A validated campaign: everything downstream works from this, never from raw input. */
export interface Campaign {
  readonly name: string;
  readonly runDir: string;
  readonly workdir: string;
  readonly parameters: readonly Parameter[];
  readonly constraints: readonly string[];
  /** Forbidden clauses (conditional spaces); absent in campaigns stored before they existed. */
  readonly forbidden?: readonly string[];
  readonly objectives: readonly Objective[];
  /** Constraints on metrics the program prints; a trial breaking one is COMPLETED but infeasible. */
  readonly outcomeConstraints: readonly OutcomeConstraint[];
  /** Metrics the program prints that are stored and shown but not optimized. */
  readonly trackingMetrics: readonly string[];
  /**
   * Ax's objective thresholds (several objectives): the hypervolume's reference point;
   * absent in campaigns stored before they existed.
   */
  readonly objectiveThresholds?: readonly OutcomeConstraint[];
  /** Global stopping (Ax's ImprovementGlobalStoppingStrategy); null or absent: none. */
  readonly stopWhen?: StopWhen | null;
  /** Early stopping of running trials (Ax's percentile / Optuna's median rule); null or absent: none. */
  readonly earlyStopping?: EarlyStopping | null;
  /**
   * Successive halving on the program's budget argument (src/budgets); null or absent: every
   * trial runs the program as it is.
   */
  readonly budget?: BudgetSettings | null;
  readonly program: string;
  readonly programStyle: "omniopt" | "smac";
  /** Superseded by smacRuns.instances; kept for campaigns stored before them. */
  readonly smacInstance: string | null;
  /** SMAC-style programs: seed per trial and instances (absent in campaigns stored before). */
  readonly smacRuns?: SmacRunSettings;
  /**
   * SMAC's crash_cost: the value per objective a FAILED or TIMEOUT trial gives the model (the
   * trial stays FAILED/TIMEOUT; best, results.csv and the report do not count it). Absent: failed
   * trials give the model no value.
   */
  readonly crashCost?: Readonly<Record<string, number>>;
  readonly maxEval: number;
  /**
   * How many of maxEval's trials the campaign started with (--continue_previous_job,
   * --load_data_from_existing_jobs); maxEval minus these is its number of new trials, what a
   * continue of this campaign runs again without --max_eval. Absent: none (or stored before it).
   */
  readonly carriedTrials?: number;
  readonly parallelism: number;
  readonly seed: number;
  readonly workerTimeoutSeconds: number | null;
  readonly executor: "local" | "slurm" | "auto";
  readonly strategy: readonly StrategyNode[];
  /** Trees of the RANDOMFOREST model (spec n_estimators_randomforest; default 10, SMAC's). */
  readonly randomForestTrees: number;
  readonly generateAllJobsAtOnce: boolean;
  readonly maxFailedJobs: number | null;
  readonly maxRetries: number;
  readonly revertToRandomWhenExhausted: boolean;
  readonly maxZeroResults: number;
  readonly occ: OccSettings | null;
  readonly externalGenerator: ExternalGeneratorSettings | null;
  readonly slurm: SlurmSettings;
  readonly ssh: SshSettings | null;
  /**
   * The spec's `schedule:` (followed when the daemon drives the campaign); absent when the spec
   * has none, and in campaigns stored before it existed.
   */
  readonly schedule?: ScheduleSettings;
}
