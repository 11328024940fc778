import type { Fault } from "../executor/executor.js";

/**
 * Every Slurm job state, mapped to what slurmopt needs: is the job still queued, running, or
 * finished, and if finished, with which fault. sacct prints "CANCELLED by <uid>" and squeue may
 * print a state with a "+" suffix: both are matched by prefix.
 */

export type JobPhase = "queued" | "running" | "finished";

export interface StateMeaning {
  /** The state name without suffixes ("CANCELLED" for "CANCELLED by 0"). */
  state: string;
  phase: JobPhase;
  /** For finished jobs: the fault, or null when the job ran to its end (COMPLETED, FAILED). */
  fault: Fault | null;
  /** A new attempt may be made (the program itself did nothing wrong). */
  retryable: boolean;
  reason: string | null;
}

interface Entry {
  phase: JobPhase;
  fault: Fault | null;
  retryable: boolean;
  reason: string | null;
}

const q = (reason: string | null = null): Entry => ({
  phase: "queued",
  fault: null,
  retryable: false,
  reason,
});
const r = (reason: string | null = null): Entry => ({
  phase: "running",
  fault: null,
  retryable: false,
  reason,
});
const f = (fault: Fault | null, reason: string | null, retryable = false): Entry => ({
  phase: "finished",
  fault,
  retryable,
  reason,
});

/** All job states of Slurm 20.11-24.x (squeue --long names). */
const STATES: Record<string, Entry> = {
  PENDING: q(),
  CONFIGURING: q("nodes are being configured"),
  REQUEUED: q("requeued"),
  REQUEUE_HOLD: q("requeued and held"),
  REQUEUE_FED: q("requeued by the federation"),
  RESV_DEL_HOLD: q("held after its reservation was deleted"),
  // Held after the job's exit code matched a special-exit value; it waits for a release.
  SPECIAL_EXIT: q("held in SPECIAL_EXIT"),
  RUNNING: r(),
  COMPLETING: r("completing"),
  SIGNALING: r("being signalled"),
  STAGE_OUT: r("staging out"),
  RESIZING: r("resizing"),
  SUSPENDED: r("suspended"),
  STOPPED: r("stopped (SIGSTOP)"),
  COMPLETED: f(null, null),
  FAILED: f(null, null),
  CANCELLED: f("CANCELLED", "cancelled"),
  TIMEOUT: f("TIMEOUT", "Slurm time limit reached"),
  DEADLINE: f("TIMEOUT", "Slurm deadline reached"),
  OUT_OF_MEMORY: f("OUT_OF_MEMORY", "Slurm: out of memory"),
  NODE_FAIL: f("NODE_FAIL", "node failure", true),
  BOOT_FAIL: f("NODE_FAIL", "node failed to boot", true),
  PREEMPTED: f("PREEMPTED", "preempted", true),
  REVOKED: f("CANCELLED", "revoked by the federation"),
};

/** The short codes squeue prints with %t. */
const SHORT: Record<string, string> = {
  PD: "PENDING",
  CF: "CONFIGURING",
  RQ: "REQUEUED",
  RH: "REQUEUE_HOLD",
  RF: "REQUEUE_FED",
  RD: "RESV_DEL_HOLD",
  SE: "SPECIAL_EXIT",
  R: "RUNNING",
  CG: "COMPLETING",
  SI: "SIGNALING",
  SO: "STAGE_OUT",
  RS: "RESIZING",
  S: "SUSPENDED",
  ST: "STOPPED",
  CD: "COMPLETED",
  F: "FAILED",
  CA: "CANCELLED",
  TO: "TIMEOUT",
  DL: "DEADLINE",
  OOM: "OUT_OF_MEMORY",
  NF: "NODE_FAIL",
  BF: "BOOT_FAIL",
  PR: "PREEMPTED",
  RV: "REVOKED",
};

/** Every state name this module knows (for tests and documentation). */
export const KNOWN_SLURM_STATES: readonly string[] = Object.keys(STATES);

/**
 * Maps a state as squeue or sacct prints it. An unknown state counts as running (the job is
 * kept and asked about again), with a reason that names it.
 */
export function slurmStateMeaning(printed: string): StateMeaning {
  const text = printed.trim();
  const word = /^[A-Z_]+/.exec(text.toUpperCase())?.[0] ?? "";
  const name = STATES[word] ? word : (SHORT[word] ?? word);
  const entry = STATES[name];
  if (!entry) {
    return {
      state: text,
      phase: "running",
      fault: null,
      retryable: false,
      reason: `unknown Slurm state "${text}"`,
    };
  }
  let reason = entry.reason;
  const by = /^CANCELLED by (\S+)/i.exec(text);
  if (by) reason = `cancelled by uid ${by[1]}`;
  return { state: name, ...entry, reason };
}

/** Exit code as sacct prints it, "exit:signal" ("0:9", "3:0"). */
export function parseSacctExitCode(text: string): { exitCode: number; signal: number } | null {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : null;
}

/** The messages Slurm writes to a job's stderr when it kills the job for memory. */
const MEMORY_KILL_PATTERNS = [
  /Exceeded job memory limit/i,
  /Exceeded step memory limit/i,
  /exceeded memory limit \(\d+ > \d+\), being killed/i,
  /oom[-_ ]kill event/i,
  /Detected \d+ oom[-_ ]kill event/i,
];

/** The line of a job's stderr that says Slurm killed it for memory, or null. */
export function findMemoryKillMessage(stderr: string): string | null {
  for (const line of stderr.split("\n")) {
    if (MEMORY_KILL_PATTERNS.some((p) => p.test(line))) return line.trim();
  }
  return null;
}
