import { ClusterError, errorMessage, isUnreachable } from "../errors/errors.js";
import type { AttemptToRun, SubmitRecord } from "../executor/executor.js";
import type { SlurmSettings } from "../spec/campaign.js";
import type { CampaignJobSetup } from "./campaignJobSetup.js";
import { chunks, defaultArrayDir, groupByJobName } from "./jobGroups.js";
import type { SlurmCommands } from "./slurmCommands.js";
import type { SlurmExecutorOptions } from "./slurmExecutorOptions.js";
import { renderJob, submitJob } from "./slurmSubmit.js";

/** The campaign's Slurm settings (the executor's options hold one or a function of the uid). */
export function settingsFor(o: SlurmExecutorOptions, uid: string): SlurmSettings {
  return typeof o.settings === "function" ? o.settings(uid) : o.settings;
}

function throttleFor(o: SlurmExecutorOptions, uid: string): number | null {
  const t = o.throttle;
  return typeof t === "function" ? t(uid) : (t ?? null);
}

/** What the submitter needs of the executor's watched jobs. */
export interface SubmittedJobs {
  /** Job ids already watched (a job found by name must be another). */
  knownJobIds(): Set<string>;
  /** Watch a task just submitted. */
  track(attempt: AttemptToRun, jobId: string, arrayTaskId: number | null): void;
}

/**
 * The SlurmExecutor's submissions: a batch grouped by job name into one job or job arrays of at
 * most maxArraySize tasks, a gap between sbatch calls, and job names whose last sbatch ended
 * without a clear answer looked up before they are submitted again.
 */
export class JobSubmitter {
  private lastSbatchAt = 0;
  /** Job names whose last submission ended without a clear answer. */
  private readonly unclear = new Set<string>();

  constructor(
    private readonly o: SlurmExecutorOptions,
    private readonly commands: SlurmCommands,
    private readonly setup: CampaignJobSetup,
    private readonly jobs: SubmittedJobs,
  ) {}

  /**
   * The scripts `submit` would write for this batch, without writing or submitting anything
   * (for --dry-run): one per job name (and per array chunk).
   */
  async render(batch: readonly AttemptToRun[]): Promise<{ path: string; script: string }[]> {
    const out: { path: string; script: string }[] = [];
    for (const group of groupByJobName(batch)) {
      const uid = group[0]!.campaignUid;
      const s = settingsFor(this.o, uid);
      const templates = await this.setup.templatesFor(uid, s);
      for (const part of chunks(group, Math.max(1, this.o.maxArraySize ?? s.maxArraySize))) {
        const { path, script } = renderJob(part, {
          settings: s,
          templates,
          exclude: await this.setup.excludeFor(uid, s),
          throttle: throttleFor(this.o, uid),
          arrayDir: (this.o.arrayDirFor ?? defaultArrayDir)(part),
        });
        out.push({ path, script });
      }
    }
    return out;
  }

  /**
   * Submits the batch, one job name after the other; the records of what was submitted, or the
   * first error when nothing was.
   */
  async submit(batch: readonly AttemptToRun[]): Promise<SubmitRecord[]> {
    const records: SubmitRecord[] = [];
    let firstError: unknown = null;
    for (const group of groupByJobName(batch)) {
      const { submitted, error } = await this.submitGroup(group);
      records.push(...submitted);
      if (error !== null) {
        this.o.logger?.error({ err: error, jobName: group[0]!.jobName }, "submission failed");
        firstError ??= error;
      }
    }
    if (records.length === 0 && firstError !== null) {
      throw firstError instanceof Error
        ? firstError
        : new ClusterError("SLURM_ERROR", `submission failed: ${errorMessage(firstError)}`);
    }
    return records;
  }

  /**
   * One job name: one job, or job arrays of at most maxArraySize tasks. The chunks submitted
   * before one failed are returned with the error (they run and are tracked).
   */
  private async submitGroup(
    group: readonly AttemptToRun[],
  ): Promise<{ submitted: SubmitRecord[]; error: unknown }> {
    const records: SubmitRecord[] = [];
    try {
      await this.submitChunks(group, records);
      return { submitted: records, error: null };
    } catch (e) {
      return { submitted: records, error: e };
    }
  }

  private async submitChunks(
    group: readonly AttemptToRun[],
    records: SubmitRecord[],
  ): Promise<void> {
    const uid = group[0]!.campaignUid;
    const s = settingsFor(this.o, uid);
    if (this.o.preflight ?? true) await this.setup.preflightOnce(uid, s);
    const templates = await this.setup.templatesFor(uid, s);
    const exclude = await this.setup.excludeFor(uid, s);
    const max = Math.max(1, this.o.maxArraySize ?? s.maxArraySize);
    for (const part of chunks(group, max)) {
      const gap = (this.o.sbatchGapMs ?? 200) - (Date.now() - this.lastSbatchAt);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      const name = part[0]!.jobName;
      let job;
      try {
        job = await submitJob(part, {
          transport: this.o.transport,
          commands: this.commands,
          settings: s,
          templates,
          exclude,
          throttle: throttleFor(this.o, uid),
          arrayDir: (this.o.arrayDirFor ?? defaultArrayDir)(part),
          knownJobIds: this.jobs.knownJobIds(),
          sbatchTries: 3,
          reconcileDelayMs: this.o.reconcileDelayMs ?? 2000,
          lookUpFirst: this.unclear.has(name),
          logger: this.o.logger,
        });
      } catch (e) {
        // Unclear: sbatch may have made the job unseen; the next try looks the name up first.
        if (isUnreachable(e)) this.unclear.add(name);
        throw e;
      }
      this.unclear.delete(name);
      this.lastSbatchAt = Date.now();
      for (const t of job.tasks) {
        this.jobs.track(t.attempt, job.jobId, t.arrayTaskId);
        records.push({
          attemptId: t.attempt.attemptId,
          jobId: job.jobId,
          arrayTaskId: t.arrayTaskId,
          pid: null,
          pidStartTime: null,
        });
      }
    }
  }
}
