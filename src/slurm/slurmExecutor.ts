import { posix } from "node:path";
import { STDOUT_FILE } from "../executor/exitStatusFile.js";
import type {
  AttemptEvent,
  AttemptRef,
  AttemptToRun,
  Executor,
  ResumeFinding,
  StoredAttempt,
  SubmitRecord,
} from "../executor/executor.js";
import { attemptKey } from "../executor/executor.js";
import type { SlurmSettings } from "../spec/campaign.js";
import { collectFinishedJob, settleUnknownJob, type CollectContext } from "./collectJob.js";
import { PollSchedule } from "./pollSchedule.js";
import { CampaignJobSetup } from "./campaignJobSetup.js";
import { SlurmCommands } from "./slurmCommands.js";
import { jobKey } from "./slurmJobId.js";
import { JobSubmitter, settingsFor } from "./jobSubmitter.js";
import { findLostSubmission } from "./sbatchInFlight.js";
import type { Tracked } from "./trackedJob.js";
import { observeJobs } from "./observeJobs.js";
import {
  DEFAULT_EXIT_STATUS_WATCH_MS,
  ExitStatusWatch,
  settlesWithoutSlurm,
} from "./exitStatusWatch.js";
import { finalFromExitStatus } from "./trackedJob.js";
import type { SlurmExecutorOptions } from "./slurmExecutorOptions.js";

export type { SlurmExecutorOptions } from "./slurmExecutorOptions.js";

/**
 * Runs attempts as Slurm jobs through a Transport (local or SSH). Attempts submitted together
 * under one job name become one job array (task index = position in the batch); each poll
 * cycle runs at most one squeue and one sacct for every attempt it watches.
 */
export class SlurmExecutor implements Executor {
  readonly kind = "slurm" as const;
  readonly commands: SlurmCommands;
  private readonly tracked = new Map<string, Tracked>();
  private readonly events: AttemptEvent[] = [];
  private readonly schedule: PollSchedule;
  private readonly setup: CampaignJobSetup;
  private readonly exitWatch: ExitStatusWatch;
  /** null until sacct has answered once. */
  private accounting: boolean | null = null;
  private accountingKnownAt = 0;
  private polling: Promise<AttemptEvent[]> | null = null;
  private cycles = 0;
  private readonly submitter: JobSubmitter;
  private readonly o: SlurmExecutorOptions;

  constructor(options: SlurmExecutorOptions) {
    this.o = options;
    this.commands = new SlurmCommands(options.transport, options.commandTimeoutMs ?? 60_000);
    this.setup = new CampaignJobSetup(this.commands, {
      ...(options.templateBaseDir !== undefined
        ? { templateBaseDir: options.templateBaseDir }
        : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
    this.exitWatch = new ExitStatusWatch(
      options.transport,
      options.exitStatusWatchMs ?? DEFAULT_EXIT_STATUS_WATCH_MS,
      options.logger,
    );
    this.submitter = new JobSubmitter(options, this.commands, this.setup, {
      knownJobIds: () => new Set([...this.tracked.values()].map((t) => t.jobId)),
      track: (a, jobId, arrayTaskId) => this.track(a, a.jobName, jobId, arrayTaskId, a.timeoutMs),
    });
    const s = typeof options.settings === "function" ? null : options.settings;
    this.schedule = new PollSchedule({
      minMs: options.pollIntervalMs ?? (s ? s.pollIntervalSeconds * 1000 : 5000),
      maxMs: options.maxPollIntervalMs ?? (s ? s.maxPollIntervalSeconds * 1000 : 60_000),
      ...(options.pollFloorMs !== undefined ? { floorMs: options.pollFloorMs } : {}),
    });
  }

  /** Whether sacct works on this cluster (null: not asked yet). */
  get hasAccounting(): boolean | null {
    return this.accounting;
  }

  /** The current poll interval (grows while nothing changes). */
  get pollIntervalMs(): number {
    return this.schedule.currentIntervalMs;
  }

  /** Poll cycles that asked Slurm (each one squeue for every attempt watched). */
  get pollCycles(): number {
    return this.cycles;
  }

  /** Attempts submitted and not yet reported finished. */
  get activeCount(): number {
    return this.tracked.size;
  }

  private settingsFor(uid: string): SlurmSettings {
    return settingsFor(this.o, uid);
  }

  /** Checks partition, time and memory against the cluster's limits; throws InputError PREFLIGHT_FAILED. */
  preflight(
    settings: SlurmSettings,
    timeLimitS: number | null = settings.timeSeconds,
  ): Promise<void> {
    return this.setup.preflight(settings, timeLimitS);
  }

  /**
   * The scripts `submit` would write for this batch, without writing or submitting anything
   * (for --dry-run): one per job name (and per array chunk).
   */
  render(batch: readonly AttemptToRun[]): Promise<{ path: string; script: string }[]> {
    return this.submitter.render(batch);
  }

  async submit(batch: readonly AttemptToRun[]): Promise<SubmitRecord[]> {
    const records = await this.submitter.submit(batch);
    // A job queued behind a running one (submit-ahead) starts when that one ends, which the
    // exit-status watch learns of: it needs no quicker squeue.
    if (batch.some((a) => a.afterJob === undefined)) this.schedule.reset();
    return records;
  }

  private track(
    ref: { campaignUid: string; attemptId: number; dir: string },
    jobName: string,
    jobId: string,
    arrayTaskId: number | null,
    timeoutMs: number | null,
  ): Tracked {
    const t: Tracked = {
      ref: { campaignUid: ref.campaignUid, attemptId: ref.attemptId },
      dir: ref.dir,
      jobName,
      jobId,
      arrayTaskId,
      key: jobKey(jobId, arrayTaskId),
      timeoutMs,
      lastSeenAt: Date.now(),
      started: false,
      startedAt: null,
      final: null,
      finalAt: null,
      backstop: false,
    };
    this.tracked.set(attemptKey(ref), t);
    return t;
  }

  /**
   * Reconciles attempts an earlier controller left unfinished: those with a job id are watched
   * again (their events follow via poll; a job Slurm forgot becomes LOST after the grace);
   * those without one are looked up by job name, and reported "not-submitted" only when Slurm
   * confirms that no such job exists. Never submits anything.
   */
  async resume(attempts: readonly StoredAttempt[]): Promise<ResumeFinding[]> {
    const findings: ResumeFinding[] = [];
    const watch = (q: StoredAttempt, jobId: string, task: number | null): void => {
      // The backstop counts from the start: the whole limit is what remains plus what ran.
      const ran = q.startTime !== null ? Math.max(0, Date.now() - q.startTime) : 0;
      const limit = q.remainingMs === null ? null : q.remainingMs + ran;
      const t = this.track(q, q.jobName, jobId, task, limit);
      if (q.state === "RUNNING") {
        t.started = true;
        t.startedAt = q.startTime;
      }
      const record = {
        attemptId: q.attemptId,
        jobId,
        arrayTaskId: task,
        pid: null,
        pidStartTime: null,
      };
      findings.push({ attemptId: q.attemptId, found: "tracked", record });
    };
    const byName = new Map<string, StoredAttempt[]>();
    for (const q of attempts) {
      if (q.jobId !== null) watch(q, q.jobId, q.arrayTaskId);
      else byName.set(q.jobName, [...(byName.get(q.jobName) ?? []), q]);
    }
    for (const [name, group] of byName) {
      const job = await findLostSubmission(name, group, {
        commands: this.commands,
        transport: this.o.transport,
        logger: this.o.logger,
        knownJobIds: new Set([...this.tracked.values()].map((t) => t.jobId)),
        sbatchWindowMs: (this.o.commandTimeoutMs ?? 60_000) + 5000,
      });
      for (const q of group) {
        if (job === null) findings.push({ attemptId: q.attemptId, found: "not-submitted" });
        else watch(q, job.jobId, job.isArray ? q.indexInJob : null);
      }
    }
    this.schedule.reset();
    return findings;
  }

  /**
   * One cycle: a look for attempts whose exit-status file appeared (every cycle, about once a
   * second), then, when due, at most one squeue and one sacct for every attempt it watches.
   */
  poll(): Promise<AttemptEvent[]> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<AttemptEvent[]> {
    const now = Date.now();
    if (this.tracked.size > 0) await this.collectEnded(now);
    if (this.tracked.size === 0 || !this.schedule.isDue(now)) return this.events.splice(0);
    // A cluster without accounting may get it back: ask sacct again every 10 minutes.
    if (this.accounting === false && now - this.accountingKnownAt > 600_000) this.accounting = null;
    const all = [...this.tracked.values()];
    const open = all.filter((t) => t.final === null);
    this.cycles++;
    // One line per cycle (debug level): how many attempts one squeue call covered.
    this.o.logger?.debug(
      { cycle: this.cycles, watched: open.length, jobs: new Set(open.map((t) => t.jobId)).size },
      "slurm poll cycle",
    );
    const seen = await observeJobs(
      open,
      {
        commands: this.commands,
        logger: this.o.logger,
        accounting: this.accounting,
        onStarted: (t, time, nodes) => this.markStarted(t, time, nodes),
        onRunning: (t) => this.backstop(t, now),
      },
      now,
    );
    if (seen.accounting !== this.accounting) this.accountingKnownAt = now;
    this.accounting = seen.accounting;
    let changed = seen.changed;
    if (!seen.failed) {
      for (const t of seen.asked) {
        if (t.final === null && (await settleUnknownJob(this.collectContext(t), t, now))) {
          changed = true;
        }
      }
      for (const t of all) if (t.final !== null && (await this.collect(t, now))) changed = true;
    }
    this.schedule.polled(now, changed);
    return this.events.splice(0);
  }

  /**
   * Reports attempts whose program ended with exit code 0 as soon as their exit-status file
   * appears, so the slot is refilled before Slurm's epilogue and accounting settle; any other
   * ending asks squeue promptly, which names what happened.
   */
  private async collectEnded(now: number): Promise<void> {
    for (const { tracked: t, status } of await this.exitWatch.ended(this.tracked.values(), now)) {
      if (!settlesWithoutSlurm(status)) {
        this.schedule.reset();
        continue;
      }
      if (!t.started) this.markStarted(t, status.startTime ?? now, status.hostname);
      t.final = finalFromExitStatus(status);
      t.finalAt = now;
      await this.collect(t, now);
    }
  }

  private markStarted(t: Tracked, time: number, nodes: string | null): void {
    t.started = true;
    t.startedAt = time;
    this.events.push({
      type: "started",
      campaignUid: t.ref.campaignUid,
      attemptId: t.ref.attemptId,
      time,
      hostname: nodes,
    });
  }

  /** scancel as a backstop when a job runs well past its time limit. */
  private async backstop(t: Tracked, now: number): Promise<void> {
    if (t.timeoutMs === null || t.startedAt === null || t.backstop) return;
    if (now - t.startedAt < t.timeoutMs + (this.o.timeLimitBackstopMs ?? 120_000)) return;
    t.backstop = true;
    this.o.logger?.warn({ job: t.key }, "job runs past its time limit; cancelling it");
    await this.commands
      .scancel([t.key])
      .catch((e: unknown) => this.o.logger?.warn({ err: e }, "scancel failed"));
  }

  private collectContext(t: Tracked): CollectContext {
    return {
      transport: this.o.transport,
      commands: this.commands,
      logger: this.o.logger,
      accounting: this.accounting,
      lostGraceMs: this.o.lostGraceMs ?? 120_000,
      outputGraceMs:
        this.o.outputGraceMs ?? this.settingsFor(t.ref.campaignUid).outputGraceSeconds * 1000,
    };
  }

  /** Reports a finished job once its files are read; false while it waits for late files. */
  private async collect(t: Tracked, now: number): Promise<boolean> {
    const result = await collectFinishedJob(this.collectContext(t), t, now);
    if (result === null) return false;
    const nodes = t.final?.nodes;
    if (
      (result.fault === "NODE_FAIL" || result.fault === "PREEMPTED") &&
      nodes &&
      /^[\w.-]+$/.test(nodes)
    ) {
      this.setup.noteFailedNode(t.ref.campaignUid, nodes);
    }
    this.tracked.delete(attemptKey(t.ref));
    this.events.push({
      type: "finished",
      campaignUid: t.ref.campaignUid,
      attemptId: t.ref.attemptId,
      result,
    });
    return true;
  }

  /** scancel for all given attempts in one call; their "finished" events follow via poll. */
  /** The job's stdout on the cluster's filesystem (null where the transport cannot follow a file). */
  async readOutputFrom(dir: string, offset: number): Promise<Buffer | null> {
    const transport = this.o.transport;
    if (transport.readFrom === undefined) return null;
    return transport.readFrom(posix.join(dir, STDOUT_FILE), offset);
  }

  async cancel(attempts: readonly AttemptRef[]): Promise<void> {
    const keys = attempts
      .map((a) => this.tracked.get(attemptKey(a))?.key)
      .filter((k): k is string => k !== undefined);
    if (keys.length === 0) return;
    await this.commands.scancel([...new Set(keys)]);
    this.schedule.reset();
  }

  async holdQueued(attempts: readonly AttemptRef[], hold: boolean): Promise<void> {
    const keys = attempts
      .map((a) => this.tracked.get(attemptKey(a))?.key)
      .filter((k): k is string => k !== undefined);
    await this.commands.hold([...new Set(keys)], !hold);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
