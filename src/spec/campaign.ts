import type { Objective } from "../generators/generator.js";
import type { Parameter } from "../space/parameters.js";

/** One node of a generation strategy: a model and how many trials with data it produces. */
export interface StrategyNode {
  /** Canonical model: sobol, random, gp, tpe, grid, external. */
  readonly model: ModelName;
  /** The name the user wrote (e.g. BOTORCH_MODULAR), for reports. */
  readonly label: string;
  /** Trials with data before the next node takes over; null = until the end. */
  readonly trials: number | null;
}

export type ModelName = "sobol" | "random" | "gp" | "tpe" | "grid" | "external";

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
  readonly remoteDir: string;
  readonly pathPrefix: string | null;
  readonly setup: readonly string[];
}

export interface ExternalGeneratorSettings {
  readonly command: string;
  readonly timeoutSeconds: number;
  readonly maxRetries: number;
  readonly onFailure: "fallback" | "stop";
  readonly onDuplicate: "accept" | "reject";
}

export interface OccSettings {
  readonly type: "euclid" | "geometric" | "signed_harmonic" | "minkowski" | "weighted_euclidean";
  readonly minkowskiP: number;
  readonly weights: readonly number[];
}

/** A validated campaign: everything downstream works from this, never from raw input. */
export interface Campaign {
  readonly name: string;
  readonly runDir: string;
  readonly workdir: string;
  readonly parameters: readonly Parameter[];
  readonly constraints: readonly string[];
  readonly objectives: readonly Objective[];
  readonly program: string;
  readonly programStyle: "omniopt" | "smac";
  readonly smacInstance: string | null;
  readonly maxEval: number;
  readonly parallelism: number;
  readonly seed: number;
  readonly workerTimeoutSeconds: number | null;
  readonly executor: "local" | "slurm" | "auto";
  readonly strategy: readonly StrategyNode[];
  readonly generateAllJobsAtOnce: boolean;
  readonly maxFailedJobs: number | null;
  readonly maxRetries: number;
  readonly revertToRandomWhenExhausted: boolean;
  readonly maxZeroResults: number;
  readonly occ: OccSettings | null;
  readonly externalGenerator: ExternalGeneratorSettings | null;
  readonly slurm: SlurmSettings;
  readonly ssh: SshSettings | null;
}
