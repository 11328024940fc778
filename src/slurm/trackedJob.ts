import type { AttemptRef } from "../executor/executor.js";
import type { ExitStatus } from "../executor/exitStatusFile.js";
import type { SacctJob } from "./sacct.js";
import type { SqueueRow } from "./squeue.js";
import { slurmStateMeaning, type StateMeaning } from "./slurmStates.js";

/** What Slurm said about a finished job, before its files are read. */
export interface FinalFacts {
  /** null: Slurm forgot the job (LOST). */
  meaning: StateMeaning | null;
  sacctExitCode: number | null;
  sacctSignal: number | null;
  nodes: string | null;
  startTime: number | null;
  endTime: number | null;
}

/** One attempt the Slurm executor watches. */
export interface Tracked {
  ref: AttemptRef;
  dir: string;
  jobName: string;
  jobId: string;
  arrayTaskId: number | null;
  /** "123" or "123_4". */
  key: string;
  timeoutMs: number | null;
  /** When squeue or sacct last knew the job (submission time at first). */
  lastSeenAt: number;
  started: boolean;
  startedAt: number | null;
  final: FinalFacts | null;
  /** When slurmopt learned the job had finished. */
  finalAt: number | null;
  /** slurmopt cancelled it for running past its time limit. */
  backstop: boolean;
  lostReason?: string;
  /** Its exit-status file was seen (exitStatusWatch.ts): it is not looked for again. */
  exitSeen?: boolean;
}

export function finalFromSqueue(row: SqueueRow): FinalFacts {
  return {
    meaning: row.meaning,
    sacctExitCode: null,
    sacctSignal: null,
    nodes: row.nodes,
    startTime: row.startTime,
    endTime: null,
  };
}

/** sacct's facts; the allocation's exit code, or the batch step's when the allocation has none. */
export function finalFromSacct(job: SacctJob, earlier: FinalFacts | null): FinalFacts {
  const a = job.allocation;
  const batch = job.steps.find((s) => s.step === "batch");
  return {
    meaning: a.meaning,
    sacctExitCode: a.exitCode ?? batch?.exitCode ?? null,
    sacctSignal: a.signal ?? batch?.signal ?? null,
    nodes: a.nodes ?? batch?.nodes ?? earlier?.nodes ?? null,
    startTime: a.startTime ?? earlier?.startTime ?? null,
    endTime: a.endTime,
  };
}

/** Without accounting, a job that left squeue is judged by its own exit-status file. */
export function finalFromExitStatus(status: ExitStatus): FinalFacts {
  return {
    meaning: slurmStateMeaning(status.exitCode === 0 ? "COMPLETED" : "FAILED"),
    sacctExitCode: null,
    sacctSignal: null,
    nodes: status.hostname,
    startTime: status.startTime,
    endTime: status.endTime,
  };
}
