import type { AttemptResult, Fault } from "../executor/executor.js";
import type { ExitStatus } from "../executor/exitStatusFile.js";
import { findMemoryKillMessage, type StateMeaning } from "./slurmStates.js";
import { signalNameOf } from "../executor/signalNames.js";

/** What slurmopt learned about one finished Slurm job (or array task). */
export interface FinishedJobFacts {
  /** The final state as squeue or sacct reported it; null when Slurm forgot the job (LOST). */
  meaning: StateMeaning | null;
  /** From sacct: the allocation's exit code and signal ("3:0" -> 3, 0). */
  sacctExitCode: number | null;
  sacctSignal: number | null;
  /** The batch script's exit-status file, or null when there is none. */
  exitStatus: ExitStatus | null;
  /** The program's stdout ("" when missing). */
  stdout: string;
  /** The batch shell's stderr (slurmstepd writes its kill messages there) and the program's. */
  slurmStderr: string;
  programStderr: string;
  nodes: string | null;
  startTime: number | null;
  endTime: number | null;
  /** When slurmopt noticed the end (fallback for endTime). */
  now: number;
  /** Whether the job was ever seen running. */
  started: boolean;
  /** Set when Slurm no longer knows the job: why it counts as lost. */
  lostReason?: string;
}

export { signalNameOf };

/**
 * Turns what Slurm and the job's files say into the attempt's result. Precedence: a memory
 * kill message beats the state (OverMemoryKill leaves FAILED / CANCELLED by 0), the state's
 * fault beats the exit code, and a program that ran to its end has no fault.
 */
export function buildSlurmAttemptResult(f: FinishedJobFacts): AttemptResult {
  const st = f.exitStatus;
  const exitCode =
    st?.exitCode ??
    (f.sacctExitCode !== null && (f.sacctSignal ?? 0) === 0 ? f.sacctExitCode : null) ??
    (f.meaning?.state === "COMPLETED" ? 0 : null);
  let signal: string | null = null;
  // The file names the last signal the script forwarded; it ended the program only when the
  // program died of a signal (a program that caught USR1 and exited on its own did not).
  if (st?.signal && (exitCode === null || exitCode > 128))
    signal = st.signal.startsWith("SIG") ? st.signal : `SIG${st.signal}`;
  // Only the wait status tells a signal from an exit code above 128 (src/executor/waitStatus.ts).
  else if (st?.killedBy) signal = st.killedBy;
  else if (f.sacctSignal !== null && f.sacctSignal > 0) signal = signalNameOf(f.sacctSignal);

  let fault: Fault | null = null;
  let reason: string | null = null;
  let retryable = false;
  const memory = findMemoryKillMessage(f.slurmStderr) ?? findMemoryKillMessage(f.programStderr);
  if (f.meaning === null) {
    fault = "LOST";
    reason = f.lostReason ?? "Slurm no longer knows the job";
    retryable = !f.started;
  } else if (memory !== null && f.meaning.state !== "COMPLETED") {
    fault = "OUT_OF_MEMORY";
    reason = `out of memory: ${memory}`;
  } else if (f.meaning.fault !== null) {
    fault = f.meaning.fault;
    reason = f.meaning.reason;
    retryable = f.meaning.retryable;
  } else if (
    f.meaning.state === "FAILED" &&
    st === null &&
    f.sacctSignal !== null &&
    f.sacctSignal > 0
  ) {
    fault = "KILLED";
    reason = `the job was killed by ${signalNameOf(f.sacctSignal)} before it wrote its exit status`;
  } else if (st === null && exitCode === null) {
    reason = `Slurm state ${f.meaning.state}, but the job wrote no exit-status file, so its exit code is unknown`;
  }
  return {
    exitCode,
    signal,
    fault,
    faultReason: reason,
    stdout: f.stdout,
    startTime: st?.startTime ?? f.startTime,
    endTime: st?.endTime ?? f.endTime ?? f.now,
    hostname: st?.hostname ?? f.nodes,
    retryable,
  };
}
