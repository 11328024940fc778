import { posix } from "node:path";
import type { Logger } from "pino";
import type { AttemptResult } from "../executor/executor.js";
import {
  EXIT_STATUS_FILE,
  OUTPUT_WINDOW_BYTES,
  STDERR_FILE,
  STDOUT_FILE,
  parseExitStatus,
} from "../executor/exitStatusFile.js";
import type { Transport } from "../transport/transport.js";
import { SLURM_ERR_FILE } from "./renderSbatch.js";
import { buildSlurmAttemptResult } from "./slurmAttemptResult.js";
import type { SlurmCommands } from "./slurmCommands.js";
import { finalFromExitStatus, type Tracked } from "./trackedJob.js";

/** What collecting a job's files needs from the executor. */
export interface CollectContext {
  transport: Transport;
  commands: SlurmCommands;
  logger: Logger | undefined;
  /** false: the cluster keeps no accounting; null: not known yet. */
  accounting: boolean | null;
  lostGraceMs: number;
  outputGraceMs: number;
}

/** Reads one of a job's files; output files (lastBytes) only their end, as the local executor does. */
export async function readJobFile(
  ctx: CollectContext,
  t: Tracked,
  file: string,
  lastBytes?: number,
): Promise<string | null> {
  try {
    const path = posix.join(t.dir, file);
    return await (lastBytes === undefined
      ? ctx.transport.readFile(path)
      : ctx.transport.readFile(path, { lastBytes }));
  } catch (e) {
    ctx.logger?.warn({ err: e, dir: t.dir, file }, "could not read a job file");
    return null;
  }
}

/**
 * A job neither squeue nor sacct knows. Without accounting its exit-status file tells how it
 * ended; otherwise, after the grace period, it is LOST (cancelled first, so that nothing of it
 * can still run when a new attempt starts). Returns true when the job is settled.
 */
export async function settleUnknownJob(
  ctx: CollectContext,
  t: Tracked,
  now: number,
): Promise<boolean> {
  if (ctx.accounting === false) {
    const status = parseExitStatus((await readJobFile(ctx, t, EXIT_STATUS_FILE)) ?? "");
    if (status) {
      t.final = finalFromExitStatus(status);
      t.finalAt = now;
      return true;
    }
  }
  if (now - t.lastSeenAt < ctx.lostGraceMs) return false;
  await ctx.commands.scancel([t.key]).catch(() => undefined);
  t.final = {
    meaning: null,
    sacctExitCode: null,
    sacctSignal: null,
    nodes: null,
    startTime: null,
    endTime: null,
  };
  const where = ctx.accounting ? "squeue or sacct" : "squeue";
  t.lostReason = `Slurm no longer knows job ${t.key} (not in ${where} for ${Math.round((now - t.lastSeenAt) / 1000)} s)`;
  t.finalAt = now;
  return true;
}

/**
 * Reads a finished job's files and builds its result; null while a job that ran to its end
 * has not yet written its exit-status file and the grace period for slow filesystems lasts.
 */
export async function collectFinishedJob(
  ctx: CollectContext,
  t: Tracked,
  now: number,
): Promise<AttemptResult | null> {
  const final = t.final!;
  const statusText = await readJobFile(ctx, t, EXIT_STATUS_FILE);
  const ranToEnd = final.meaning !== null && final.meaning.fault === null && t.started;
  if (statusText === null && ranToEnd && now - (t.finalAt ?? now) < ctx.outputGraceMs) return null;
  const [stdout, stderr, slurmErr] = await Promise.all([
    readJobFile(ctx, t, STDOUT_FILE, OUTPUT_WINDOW_BYTES),
    readJobFile(ctx, t, STDERR_FILE, OUTPUT_WINDOW_BYTES),
    readJobFile(ctx, t, SLURM_ERR_FILE, OUTPUT_WINDOW_BYTES),
  ]);
  const result = buildSlurmAttemptResult({
    ...final,
    exitStatus: statusText === null ? null : parseExitStatus(statusText),
    stdout: stdout ?? "",
    slurmStderr: slurmErr ?? "",
    programStderr: stderr ?? "",
    now,
    started: t.started,
    ...(t.lostReason !== undefined ? { lostReason: t.lostReason } : {}),
  });
  if (t.backstop && result.fault === "CANCELLED") {
    result.fault = "TIMEOUT";
    result.faultReason = "ran past its Slurm time limit; cancelled by slurmopt";
  }
  return result;
}
