import { posix } from "node:path";
import type { Logger } from "pino";
import { CampaignPaths } from "../engine/campaignPaths.js";
import type { StoredAttempt } from "../executor/executor.js";
import type { Transport } from "../transport/transport.js";
import { JOB_SCRIPT_FILE } from "./renderSbatch.js";
import type { SlurmCommands } from "./slurmCommands.js";
import { findJobByName, type NamedJob } from "./slurmSubmit.js";
import { ClusterError } from "../errors/errors.js";

/**
 * Where a job's script was written just before its sbatch: the attempt's directory (one trial)
 * or <campaign folder>/slurm-arrays/<job name> (a job array).
 */
export function jobScriptCandidates(group: readonly StoredAttempt[]): string[] {
  const paths = new Set<string>();
  for (const q of group) {
    paths.add(posix.join(q.dir, JOB_SCRIPT_FILE));
    paths.add(posix.join(CampaignPaths.ofAttemptDir(q.dir).arrayDir(q.jobName), JOB_SCRIPT_FILE));
  }
  return [...paths];
}

/** Modification time of the newest of these files, or null when none exists. */
async function newestMtime(transport: Transport, paths: readonly string[]): Promise<number | null> {
  let newest: number | null = null;
  for (const path of paths) {
    const entries = await transport.list(posix.dirname(path)).catch(() => []);
    const entry = entries.find((e) => e.name === posix.basename(path) && !e.isDirectory);
    if (entry && (newest === null || entry.mtimeMs > newest)) newest = entry.mtimeMs;
  }
  return newest;
}

export interface InFlightContext {
  transport: Transport;
  logger: Logger | undefined;
  /** The longest one sbatch call may take (the command time-out). */
  sbatchWindowMs: number;
  /** Looks the job up by name again (null: none, undefined: Slurm did not answer). */
  find: () => Promise<NamedJob | null | undefined>;
  /** Pause between two look-ups. */
  everyMs?: number;
  now?: () => number;
}

/**
 * A controller killed while its sbatch was on its way leaves that sbatch running: the job
 * appears only once sbatch got its answer, possibly after the next controller looked for it by
 * name. So before an unfinished attempt that Slurm does not know is submitted again, this waits
 * while such an sbatch may still be on its way (its job script, written just before sbatch, is
 * younger than one sbatch call may take), looking the job up again meanwhile. Resolves with the
 * job once found, else null (or undefined when Slurm stopped answering).
 */
export async function awaitSbatchInFlight(
  jobName: string,
  group: readonly StoredAttempt[],
  ctx: InFlightContext,
): Promise<NamedJob | null | undefined> {
  const now = ctx.now ?? Date.now;
  const written = await newestMtime(ctx.transport, jobScriptCandidates(group));
  if (written === null) return null; // never got as far as sbatch
  // Never longer than one window from now, whatever the clocks say.
  const until = Math.min(written, now()) + ctx.sbatchWindowMs;
  if (now() >= until) return null;
  ctx.logger?.warn(
    { jobName, waitS: Math.ceil((until - now()) / 1000) },
    "the job script was written moments ago and Slurm does not know the job: an sbatch of the stopped controller may still be on its way; waiting for it before submitting again",
  );
  while (now() < until) {
    await new Promise((r) => setTimeout(r, ctx.everyMs ?? 2000));
    const job = await ctx.find();
    if (job !== null) return job;
  }
  return null;
}

/**
 * The job an unfinished attempt's sbatch made, looked up by name (after waiting out an sbatch
 * that may still be on its way), or null when there is none. Throws CLUSTER_UNREACHABLE when
 * Slurm does not answer.
 */
export async function findLostSubmission(
  name: string,
  group: readonly StoredAttempt[],
  ctx: {
    commands: SlurmCommands;
    transport: Transport;
    logger: Logger | undefined;
    knownJobIds: ReadonlySet<string>;
    sbatchWindowMs: number;
  },
): Promise<NamedJob | null> {
  const find = () => findJobByName(ctx.commands, name, ctx.knownJobIds, ctx.logger);
  let job = await find();
  if (job === null)
    job = await awaitSbatchInFlight(name, group, {
      transport: ctx.transport,
      logger: ctx.logger,
      sbatchWindowMs: ctx.sbatchWindowMs,
      find,
    });
  if (job === undefined)
    throw new ClusterError(
      "CLUSTER_UNREACHABLE",
      `cannot look up job ${name} by name because Slurm does not answer; resume again when slurmctld is reachable`,
    );
  return job;
}
