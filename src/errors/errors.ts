/**
 * The few error classes slurmopt raises. Each carries a stable `code` (for scripts and tests)
 * and a message that names the input, what is wrong and how to fix it.
 */

export type ErrorCode =
  | "SPEC_INVALID"
  | "FLAG_INVALID"
  | "CONSTRAINT_INVALID"
  | "SPACE_INFEASIBLE"
  | "STORE_ERROR"
  | "CAMPAIGN_NOT_FOUND"
  | "CAMPAIGN_LOCKED"
  | "RESUME_INCOMPATIBLE"
  | "EXECUTOR_ERROR"
  | "SLURM_ERROR"
  /** Slurm (or the host it runs on) did not answer: worth trying again later. */
  | "CLUSTER_UNREACHABLE"
  | "PREFLIGHT_FAILED"
  | "TRANSPORT_ERROR"
  | "SSH_HOST_KEY"
  | "SSH_AUTH"
  | "GENERATOR_ERROR"
  | "EXTERNAL_GENERATOR_ERROR"
  | "TOO_MANY_FAILURES"
  /** No daemon answers on the socket (none runs, or it is not reachable). */
  | "DAEMON_UNAVAILABLE"
  /** The daemon answered with an error, or another daemon already runs. */
  | "DAEMON_ERROR"
  /** ask/tell: no such trial; a trial the executor runs; a trial already ended. */
  | "TRIAL_UNKNOWN"
  | "TRIAL_CONTROLLED"
  | "TRIAL_FINISHED"
  /** A told result that is not a number, or lacks an objective. */
  | "RESULT_INVALID"
  /** An attached point outside the space or against a constraint. */
  | "POINT_INVALID"
  /** A run to continue or load trials from is missing or unreadable (folder, results.csv). */
  | "PRIOR_RUN_INVALID"
  /** shouldStop on a campaign without an early_stopping rule. */
  | "EARLY_STOPPING_OFF";

export class SlurmoptError extends Error {
  readonly code: ErrorCode;
  /** The other side did not answer (a lost connection, not an answer): worth trying later. */
  readonly unreachable: boolean;
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; unreachable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.unreachable = options?.unreachable === true || code === "CLUSTER_UNREACHABLE";
    this.name = new.target.name;
  }
}

/** Invalid user input: spec file, flags, constraints, parameters. Exit code 2. */
export class InputError extends SlurmoptError {}

/** A problem talking to the cluster or a remote host (sbatch, squeue, ssh). Exit code 4. */
export class ClusterError extends SlurmoptError {}

/** A campaign's stored state cannot be used as asked (missing, locked, incompatible). Exit code 3. */
export class StateError extends SlurmoptError {}

/** A generator (built-in or external) could not propose points. Exit code 5. */
export class GeneratorError extends SlurmoptError {}

export function isSlurmoptError(e: unknown): e is SlurmoptError {
  return e instanceof SlurmoptError;
}

/** Exit codes of the CLI, documented in README.md. */
export const EXIT = {
  ok: 0,
  failure: 1,
  input: 2,
  state: 3,
  cluster: 4,
  generator: 5,
  /** The campaign completed early: global stopping (stop_when) found no more improvement. */
  globalStop: 6,
  /** OmniOpt2's code: the search space seems exhausted (max_nr_of_zero_results rounds). */
  exhausted: 87,
  /** OmniOpt2's code: every trial that ended failed (none completed). */
  allFailed: 89,
  interrupted: 130,
} as const;

export function exitCodeFor(e: unknown): number {
  if (e instanceof InputError) return EXIT.input;
  if (e instanceof StateError) return EXIT.state;
  if (e instanceof ClusterError) return EXIT.cluster;
  if (e instanceof GeneratorError) return EXIT.generator;
  return EXIT.failure;
}

/** The error or one of its causes (a few levels deep) is a SlurmoptError that passes `test`. */
function inChain(e: unknown, test: (x: SlurmoptError) => boolean): boolean {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    if (cur instanceof SlurmoptError && test(cur)) return true;
    cur = cur.cause;
  }
  return false;
}

/**
 * The cluster could not be reached (slurmctld not answering, the SSH connection lost): nothing
 * was decided, so what failed can be tried again later. An answer (permission denied, a
 * refused job) is not this.
 */
export function isUnreachable(e: unknown): boolean {
  return !isAccessRefused(e) && inChain(e, (x) => x.unreachable);
}

/** The SSH host key or the credentials were refused: trying again cannot help. */
export function isAccessRefused(e: unknown): boolean {
  return inChain(e, (x) => x.code === "SSH_HOST_KEY" || x.code === "SSH_AUTH");
}

/**
 * Why a campaign stops when the cluster refuses access (a changed host key, a refused login),
 * the same whichever command met the refusal first (a poll or a submission).
 */
export function accessRefusedReason(e: unknown): string {
  return `the cluster refused access: ${errorMessage(e).replace(/\.$/, "")}; the running jobs go on, nothing more is submitted; fix it, then slurmopt resume`;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
