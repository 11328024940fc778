import type { Logger } from "pino";
import type { AttemptToRun } from "../executor/executor.js";
import type { SlurmSettings } from "../spec/campaign.js";
import type { Transport } from "../transport/transport.js";

export interface SlurmExecutorOptions {
  transport: Transport;
  /** The campaign's Slurm settings (a function when one executor serves several campaigns). */
  settings: SlurmSettings | ((campaignUid: string) => SlurmSettings);
  /** %K of job arrays: at most this many tasks of one array run at once (the parallelism). */
  throttle?: number | null | ((campaignUid: string) => number | null);
  logger?: Logger;
  /** Time-out of each Slurm command (default 60 s). */
  commandTimeoutMs?: number;
  /**
   * How often to look for the exit-status files of running attempts (default 1000 ms; 0: never,
   * only squeue and sacct tell that a job ended).
   */
  exitStatusWatchMs?: number;
  /** Poll interval bounds; default from the settings (5 s to 60 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** The lowest poll interval allowed (default 5 s; tests go lower). */
  pollFloorMs?: number;
  /** A job that neither squeue nor sacct knows for this long is LOST (default 120 s). */
  lostGraceMs?: number;
  /** How long to wait for a finished job's files on a slow shared filesystem (default from settings). */
  outputGraceMs?: number;
  /** A running job this far past its time limit is cancelled by slurmopt (default 120 s). */
  timeLimitBackstopMs?: number;
  /** Where relative template paths in the settings are resolved. */
  templateBaseDir?: string;
  /** Directory of a job array's script and Slurm output (default <campaign folder>/slurm-arrays/<job name>). */
  arrayDirFor?: (batch: readonly AttemptToRun[]) => string;
  /** Largest job array (default: the settings' max_array_size). */
  maxArraySize?: number;
  /** Pause between two sbatch calls (default 200 ms, as submitit). */
  sbatchGapMs?: number;
  /** Check partition limits before a campaign's first submission (default true). */
  preflight?: boolean;
  /** Wait before reconciling an ambiguous sbatch by name (default 2 s). */
  reconcileDelayMs?: number;
}
