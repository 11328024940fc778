/**
 * Executors run attempts: local processes or Slurm jobs. One executor instance may serve many
 * campaigns at once (the daemon drives several campaigns with one poll loop). Attempt ids are
 * unique within one campaign's store only, so executors key attempts by (campaignUid, attemptId)
 * and every event names both.
 */

/** Why an attempt ended abnormally. A fault beats a result line in the program's output. */
export type Fault =
  | "TIMEOUT"
  | "OUT_OF_MEMORY"
  | "CANCELLED"
  | "KILLED"
  | "NODE_FAIL"
  | "PREEMPTED"
  | "LOST"
  | "SUBMIT_FAILED";

export interface AttemptToRun {
  /** Unique per store; the key of every event. */
  attemptId: number;
  trialId: number;
  trialIndex: number;
  attemptNo: number;
  campaignUid: string;
  campaignName: string;
  /** Job name (Slurm) / process tag: campaign name, campaign uid and trial or batch. */
  jobName: string;
  /** The rendered shell command, run by /bin/sh -c in `workdir`. */
  command: string;
  /** Environment given to the program (SLURMOPT_TRIAL_ID, SLURMOPT_ATTEMPT_DIR, parameters...). */
  env: Record<string, string>;
  workdir: string;
  /** Absolute attempt directory: stdout, stderr, exit-status file, rendered script. */
  dir: string;
  /** Wall-clock limit in milliseconds, or null for none. */
  timeoutMs: number | null;
  /**
   * Slurm submit-ahead: the job ("123" or "123_4") this attempt is queued behind; it starts
   * when that job ends (sbatch --dependency=afterany). Executors without a queue ignore it.
   */
  afterJob?: string;
}

/** What the executor reports right after submission (stored in the same transaction as SUBMITTED). */
export interface SubmitRecord {
  attemptId: number;
  jobId: string | null;
  arrayTaskId: number | null;
  pid: number | null;
  /** Process start time (clock ticks since boot, /proc/<pid>/stat) to tell a reused pid. */
  pidStartTime: number | null;
  /**
   * When the attempt started running, if it did at submission (local processes): stored with
   * the submission, so no separate "started" event is needed.
   */
  startedAt?: { time: number; hostname: string | null };
}

export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  fault: Fault | null;
  faultReason: string | null;
  /** The program's captured stdout (the result lines are parsed from it by the collector). */
  stdout: string;
  startTime: number | null;
  endTime: number;
  hostname: string | null;
  /** True when the fault allows a new attempt (NODE_FAIL, PREEMPTED, LOST before start). */
  retryable: boolean;
}

export interface AttemptRef {
  campaignUid: string;
  attemptId: number;
}

export type AttemptEvent =
  | {
      type: "started";
      campaignUid: string;
      attemptId: number;
      time: number;
      hostname: string | null;
    }
  | { type: "finished"; campaignUid: string; attemptId: number; result: AttemptResult };

/** The key executors use for their maps of attempts. */
export function attemptKey(ref: AttemptRef): string {
  return `${ref.campaignUid}:${ref.attemptId}`;
}

/** An attempt found unfinished in the store when a campaign resumes. */
export interface StoredAttempt {
  campaignUid: string;
  attemptId: number;
  /** CREATED: written before submission, which may or may not have happened. */
  state: "CREATED" | "SUBMITTED" | "RUNNING";
  jobName: string;
  /** Position of this attempt among the attempts sharing its job name (array task index). */
  indexInJob: number;
  jobId: string | null;
  arrayTaskId: number | null;
  pid: number | null;
  pidStart: number | null;
  dir: string;
  startTime: number | null;
  /** Remaining wall-clock limit in ms, or null for none. */
  remainingMs: number | null;
}

/** What the executor found for a stored attempt on resume. */
export type ResumeFinding =
  /** It was submitted (maybe by a crashed controller): now tracked; its events follow via poll. */
  | { attemptId: number; found: "tracked"; record: SubmitRecord }
  /** It was never submitted, and nothing of it runs: safe to submit it now. */
  | { attemptId: number; found: "not-submitted" };

export interface Executor {
  readonly kind: "local" | "slurm";
  /**
   * Submits attempts (several at once may become one job array). Resolves with one record per
   * attempt that was submitted; the others were not and are tried again later, on their own,
   * where their error shows. Rejects only when nothing was submitted: an error that isUnreachable() says
   * is worth trying again later, any other is final for these attempts.
   */
  submit(batch: readonly AttemptToRun[]): Promise<SubmitRecord[]>;
  /** Returns the events since the last call. One call per poll cycle for all attempts. */
  poll(): Promise<AttemptEvent[]>;
  /** Asks running attempts to stop; their "finished" events (fault CANCELLED) follow via poll. */
  cancel(attempts: readonly AttemptRef[]): Promise<void>;
  /** Resolves when there may be new events (a child exited); lets the loop wake before its interval. */
  readonly wakeups?: { on(event: "wake", listener: () => void): unknown };
  /**
   * Reconciles attempts left unfinished by an earlier controller (by job name, job id, or pid and
   * start time): running ones are adopted, finished ones report their "finished" events via poll,
   * vanished ones finish as LOST, and CREATED ones that never reached the cluster are returned as
   * "not-submitted". Never submits anything.
   */
  resume(attempts: readonly StoredAttempt[]): Promise<ResumeFinding[]>;
  /**
   * The bytes of a running attempt's stdout from `offset` on (null while there is none), for
   * progress lines (Slurm over SSH reads it over the transport's SFTP channel). Optional:
   * without it progress lines are not followed.
   */
  readOutputFrom?(dir: string, offset: number): Promise<Buffer | null>;
  /**
   * Holds (or releases) submitted attempts that wait in the queue behind another job
   * (submit-ahead), so a paused or stopped campaign starts nothing new. Optional: executors
   * without a queue have nothing to hold.
   */
  holdQueued?(attempts: readonly AttemptRef[], hold: boolean): Promise<void>;
  /** Releases resources. Leaves running attempts alone unless they were cancelled. */
  close(): Promise<void>;
}
