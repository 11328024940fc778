/** The final state of an attempt, decided from how it ended and what it printed. */
import type { Fault } from "../executor/executor.js";

export type FinalState = "COMPLETED" | "FAILED" | "TIMEOUT" | "CANCELLED";

export interface Outcome {
  readonly state: FinalState;
  /** Why it is not a plain success (stored with the trial); null for a clean COMPLETED. */
  readonly reason: string | null;
}

/** How the process ended, as the executor reports it. */
export interface EndInfo {
  readonly exitCode: number | null;
  /** Signal that ended the program (e.g. "SIGSEGV"), when it was one. */
  readonly signal: string | null;
  readonly fault: Fault | null;
  /** The executor's own words for the fault (e.g. "worker_timeout 30m reached"). */
  readonly faultReason?: string | null;
}

const FAULTS: Record<Fault, { state: FinalState; text: string }> = {
  TIMEOUT: { state: "TIMEOUT", text: "timed out" },
  CANCELLED: { state: "CANCELLED", text: "cancelled" },
  OUT_OF_MEMORY: { state: "FAILED", text: "out of memory" },
  KILLED: { state: "FAILED", text: "killed" },
  NODE_FAIL: { state: "FAILED", text: "node failure" },
  PREEMPTED: { state: "FAILED", text: "preempted" },
  LOST: { state: "FAILED", text: "lost: the job or process vanished" },
  SUBMIT_FAILED: { state: "FAILED", text: "submission failed" },
};

/**
 * A fault (time-out, cancel, out of memory, node failure...) or a deadly signal decides the
 * outcome whatever the program printed. Returns null when the program ended on its own.
 * `printedResult` only adds a note to the reason.
 */
export function faultOutcome(end: EndInfo, printedResult: boolean): Outcome | null {
  const beats = printedResult ? "; a result was printed, but the fault beats it" : "";
  if (end.fault !== null) {
    const f = FAULTS[end.fault];
    let text = end.faultReason ?? f.text;
    if (end.fault === "KILLED" && end.faultReason == null && end.signal !== null)
      text = `killed by signal ${end.signal}`;
    return { state: f.state, reason: text + beats };
  }
  if (end.signal !== null)
    return { state: "FAILED", reason: `killed by signal ${end.signal}${beats}` };
  return null;
}

/** " (exit code 3)" for a non-zero exit code, else "". */
export function exitCodeNote(exitCode: number | null): string {
  return exitCode !== null && exitCode !== 0 ? ` (exit code ${exitCode})` : "";
}
