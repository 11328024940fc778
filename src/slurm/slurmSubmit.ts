import { posix } from "node:path";
import type { Logger } from "pino";
import { ClusterError, errorMessage, isAccessRefused, isUnreachable } from "../errors/errors.js";
import type { AttemptToRun } from "../executor/executor.js";
import type { SlurmSettings } from "../spec/campaign.js";
import type { Transport } from "../transport/transport.js";
import {
  JOB_SCRIPT_FILE,
  renderArrayScript,
  renderTrialScript,
  type AttemptScript,
  type JobDirectives,
} from "./renderSbatch.js";
import type { LoadedTemplate } from "./sbatchTemplates.js";
import type { SlurmCommands } from "./slurmCommands.js";

export interface SubmittedJob {
  jobId: string;
  jobName: string;
  tasks: { attempt: AttemptToRun; arrayTaskId: number | null }[];
}

export interface SubmitJobContext {
  transport: Transport;
  commands: SlurmCommands;
  settings: SlurmSettings;
  templates: { trial: LoadedTemplate; array: LoadedTemplate };
  /** Node names to keep the job away from. */
  exclude: readonly string[];
  /** %K of the job array, or null for none. */
  throttle: number | null;
  /** Directory for an array's script and Slurm's per-task output. */
  arrayDir: string;
  /** Job ids this executor already tracks (never adopted by name). */
  knownJobIds: ReadonlySet<string>;
  /** Tries of sbatch after ambiguous failures (default 3). */
  sbatchTries: number;
  /** Wait before reconciling by name after an ambiguous failure. */
  reconcileDelayMs: number;
  /**
   * An earlier submission of this job name ended without a clear answer: look the name up
   * before submitting, and adopt a copy that sbatch made unseen (one we cancelled ourselves
   * when giving up does not count).
   */
  lookUpFirst?: boolean;
  logger: Logger | undefined;
}

/** The #SBATCH settings of a campaign's job. */
export function directivesFor(
  settings: SlurmSettings,
  jobName: string,
  timeLimitS: number | null,
  exclude: readonly string[],
): JobDirectives {
  return {
    jobName,
    partition: settings.partition,
    timeLimitS,
    mem: settings.mem,
    cpusPerTask: settings.cpusPerTask,
    nodes: settings.nodes,
    gpus: settings.gpus,
    account: settings.account,
    reservation: settings.reservation,
    qos: settings.qos,
    exclude,
    constraint: settings.constraint,
    extraDirectives: settings.extraDirectives,
    signal: { name: settings.signal, delayS: settings.signalDelaySeconds },
    noRequeue: true,
  };
}

/** The time limit of a batch: the longest of its attempts' limits, else the campaign's. */
export function timeLimitFor(
  batch: readonly AttemptToRun[],
  settings: SlurmSettings,
): number | null {
  const limits = batch.map((a) => a.timeoutMs).filter((t): t is number => t !== null);
  if (limits.length === batch.length && limits.length > 0)
    return Math.ceil(Math.max(...limits) / 1000);
  return settings.timeSeconds;
}

const scriptOf = (a: AttemptToRun): AttemptScript => ({
  dir: a.dir,
  workdir: a.workdir,
  command: a.command,
  env: a.env,
});

/** Renders the batch's script (one trial, or a job array) and where it goes. */
export function renderJob(
  batch: readonly AttemptToRun[],
  ctx: Pick<SubmitJobContext, "settings" | "templates" | "exclude" | "throttle" | "arrayDir">,
): { path: string; script: string; tasks: SubmittedJob["tasks"] } {
  const first = batch[0];
  if (!first) throw new Error("renderJob needs at least one attempt");
  const directives = directivesFor(
    ctx.settings,
    first.jobName,
    timeLimitFor(batch, ctx.settings),
    ctx.exclude,
  );
  const setup = ctx.settings.setup;
  if (batch.length === 1) {
    const script = renderTrialScript(
      ctx.templates.trial.text,
      { directives, attempt: scriptOf(first), setup },
      ctx.templates.trial.name,
    );
    return {
      path: posix.join(first.dir, JOB_SCRIPT_FILE),
      script,
      tasks: [{ attempt: first, arrayTaskId: null }],
    };
  }
  const tasks = batch.map((attempt, i) => ({ attempt, arrayTaskId: i }));
  const script = renderArrayScript(
    ctx.templates.array.text,
    {
      directives,
      tasks: new Map(tasks.map((t) => [t.arrayTaskId, scriptOf(t.attempt)])),
      throttle: ctx.throttle !== null && ctx.throttle < batch.length ? ctx.throttle : null,
      arrayDir: ctx.arrayDir,
      setup,
    },
    ctx.templates.array.name,
  );
  return { path: posix.join(ctx.arrayDir, JOB_SCRIPT_FILE), script, tasks };
}

/**
 * sbatch's --dependency for a job submitted ahead: only a single trial's job waits behind one
 * other job (an array never does), and only a job id as Slurm prints it reaches the command.
 */
export function dependencyArgs(batch: readonly AttemptToRun[]): string[] {
  const after = batch.length === 1 ? batch[0]!.afterJob : undefined;
  if (after === undefined) return [];
  if (!/^\d+(_\d+)?$/.test(after))
    throw new ClusterError(
      "SLURM_ERROR",
      `the job to start after, ${JSON.stringify(after)}, is not a Slurm job id (expected 123 or 123_4)`,
    );
  return [`--dependency=afterany:${after}`];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A job found by its name. */
export interface NamedJob {
  jobId: string;
  /** Whether it is a job array (its tasks carry array task ids). */
  isArray: boolean;
}

/**
 * Looks for a job submitted under this name that this executor does not track yet: squeue
 * first (it knows a job at once), then sacct. Returns the job, null when Slurm confirms there
 * is none, or undefined when Slurm could not be asked.
 */
export async function findJobByName(
  commands: SlurmCommands,
  jobName: string,
  knownJobIds: ReadonlySet<string>,
  logger?: Logger,
  options: { skipCancelled?: boolean } = {},
): Promise<NamedJob | null | undefined> {
  try {
    const skip = (state: string): boolean =>
      options.skipCancelled === true && /^CANCELLED/.test(state);
    let found = (await commands.squeue({ names: [jobName] }))
      .filter((r) => r.name === jobName && !skip(r.state))
      .map((r) => ({ jobId: r.jobId, isArray: r.arrayTaskId !== null }));
    if (found.length === 0) {
      const acct = await commands.sacct({ names: [jobName], startTime: "now-2days" });
      found = [...acct.jobs.values()]
        .filter((j) => j.allocation.name === jobName)
        .filter((j) => !skip(j.allocation.state))
        .map((j) => ({ jobId: j.jobId, isArray: j.arrayTaskId !== null }));
    }
    found = found
      .filter((j) => !knownJobIds.has(j.jobId))
      .sort((a, b) => Number(a.jobId) - Number(b.jobId));
    const ids = new Set(found.map((j) => j.jobId));
    if (ids.size > 1)
      logger?.warn({ jobName, ids: [...ids] }, "several jobs carry this name; adopting the newest");
    return found.at(-1) ?? null;
  } catch (e) {
    // Only "no answer" is unknown; an answer (an error Slurm gave) goes up as it is.
    if (!isUnreachable(e)) throw e;
    logger?.warn({ err: e, jobName }, "could not look the job up by name");
    return undefined;
  }
}

/**
 * Writes the script and submits it. An ambiguous sbatch failure (time-out, "Socket timed
 * out") is reconciled by job name before anything is submitted again, so nothing runs twice.
 */
export async function submitJob(
  batch: readonly AttemptToRun[],
  ctx: SubmitJobContext,
): Promise<SubmittedJob> {
  const { path, script, tasks } = renderJob(batch, ctx);
  const jobName = batch[0]!.jobName;
  if (ctx.lookUpFirst === true) {
    const earlier = await findJobByName(ctx.commands, jobName, ctx.knownJobIds, ctx.logger, {
      skipCancelled: true,
    });
    if (earlier === undefined)
      throw new ClusterError(
        "CLUSTER_UNREACHABLE",
        `cannot look up job ${jobName} by name (an earlier sbatch of it got no clear answer) because Slurm does not answer; it is tried again later`,
      );
    if (earlier !== null) {
      ctx.logger?.warn(
        { jobName, jobId: earlier.jobId },
        "adopting the job an earlier sbatch submitted without a clear answer",
      );
      return { jobId: earlier.jobId, jobName, tasks };
    }
  }
  try {
    await ctx.transport.writeFile(path, script, 0o700);
  } catch (e) {
    if (isAccessRefused(e)) throw e;
    throw new ClusterError(
      isUnreachable(e) ? "CLUSTER_UNREACHABLE" : "SLURM_ERROR",
      `could not write the job script ${path} on ${ctx.transport.description} (${errorMessage(e)}): check that the run directory is writable and the host reachable`,
      {
        cause: e,
      },
    );
  }
  let last = "";
  let dependency = dependencyArgs(batch);
  for (let attempt = 1; attempt <= ctx.sbatchTries; attempt++) {
    const outcome = await ctx.commands.sbatch(path, dependency);
    if (outcome.kind === "submitted") return { jobId: outcome.jobId, jobName, tasks };
    if (
      outcome.kind === "refused" &&
      dependency.length > 0 &&
      /dependency/i.test(outcome.message)
    ) {
      // The job it was to start after is gone from slurmctld (long finished): its slot is
      // free, so the job is submitted without the dependency.
      ctx.logger?.warn(
        { jobName, afterJob: batch[0]?.afterJob, message: outcome.message },
        "sbatch refused the dependency on an earlier job; submitting without it",
      );
      dependency = [];
      attempt--;
      continue;
    }
    if (outcome.kind === "refused") {
      throw new ClusterError(
        "SLURM_ERROR",
        `sbatch refused job ${jobName} (${path}): ${outcome.message}; check the slurm settings of the spec (partition, time, mem, gpus)`,
      );
    }
    last = outcome.message;
    ctx.logger?.warn(
      { jobName, message: outcome.message, attempt },
      "sbatch gave no clear answer; reconciling by job name",
    );
    let found: NamedJob | null | undefined;
    for (let look = 0; look < 5; look++) {
      await sleep(ctx.reconcileDelayMs * (look + 1));
      found = await findJobByName(ctx.commands, jobName, ctx.knownJobIds, ctx.logger);
      if (found !== undefined) break;
    }
    if (found) return { jobId: found.jobId, jobName, tasks };
    if (found === undefined) break; // Slurm cannot be asked: do not risk a second copy.
  }
  // Best effort: a copy submitted unseen must not run on its own.
  await ctx.commands.scancel([], ["--me", `--name=${jobName}`]).catch(() => undefined);
  throw new ClusterError(
    "CLUSTER_UNREACHABLE",
    `sbatch of job ${jobName} failed without a clear answer (${last}); slurmctld may be overloaded or down`,
  );
}
