import type { Logger } from "pino";
import { errorMessage } from "../errors/errors.js";
import type { AttemptEvent, Executor } from "../executor/executor.js";
import type { CampaignSession } from "../session/campaignSession.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import {
  cancelCreatedAttempts,
  listOpenAttempts,
  recordStarted,
  recordSubmitted,
} from "../store/trialRows.js";
import { attemptDirOf, storedAttempts, type CampaignIdentity } from "./attemptPlan.js";
import { recordEndedAttempt } from "./attemptEnd.js";
import { GlobalStopping } from "./globalStopping.js";
import { TrialRefill } from "./trialRefill.js";
import { AttemptSubmitter } from "./attemptSubmitter.js";
import { AheadHolds } from "./aheadHolds.js";
import type { TrialProgram } from "./trialProgram.js";
import { ProgressFollower } from "../earlyStopping/progressFollower.js";
import { metricNames } from "../spec/campaign.js";

export interface RunnerDeps {
  /** The open campaign (the controller's session: it holds the lock). */
  session: CampaignSession;
  executor: Executor;
  program: TrialProgram;
  logger: Logger;
  /** Called after every state change (results.csv refresh, progress line). */
  onChange?: () => void;
  /** Called when new work may be ready (a proposal arrived): wakes the loop. */
  wake?: () => void;
  /** Cancel running attempts when the campaign stops. */
  cancelOnStop?: boolean;
}

export type RunnerState = "running" | "stopping" | "finished";

export { EXHAUSTED_PREFIX, ZERO_ROUND_PAUSE_MS } from "./trialRefill.js";

/**
 * Drives one campaign on top of its session: has its free slots refilled (trialRefill.ts),
 * submits, collects, and turns executor events into stored trial outcomes (the executor's
 * tell). Holds no single-campaign global state, so one loop can drive many runners (daemon).
 */

export class CampaignRunner {
  readonly uid: string;
  state: RunnerState = "running";
  finalState: "COMPLETED" | "STOPPED" | "FAILED" | "CANCELLED" | null = null;
  stopReason: string | null = null;
  /** Proposes and submits trials for the free slots. */
  private readonly refill: TrialRefill;
  /** Stopped without waiting for cancelled jobs to report (the cluster refuses access). */
  private abandon = false;
  /** Global stopping (stop_when), checked after each completed trial. */
  private readonly globalStopping: GlobalStopping | null;
  /** Set once global stopping decided: no new trials; the campaign completes with this reason. */
  private globalStopReason: string | null = null;
  private readonly submitter: AttemptSubmitter;
  /** Executor work under way (cancels, holds): settle() waits for it. */
  private readonly cancelling = new Set<Promise<void>>();
  /** Follows running trials' progress lines (early_stopping); null without early stopping. */
  private readonly progress: ProgressFollower | null;
  /** Submit-ahead jobs held while the campaign is held or stopped (aheadHolds.ts). */
  private readonly aheadHolds: AheadHolds;

  constructor(private readonly deps: RunnerDeps) {
    this.uid = deps.session.row.uid;
    const stopWhen = deps.session.campaign.stopWhen;
    this.globalStopping = stopWhen
      ? new GlobalStopping(
          deps.session.db,
          deps.session.campaignId,
          deps.session.campaign,
          stopWhen,
        )
      : null;
    const early = deps.session.campaign.earlyStopping;
    this.progress = early
      ? new ProgressFollower(
          deps.session.db,
          deps.session.campaignId,
          early,
          deps.session.campaign.objectives.find((o) => o.name === early.metric)?.goal ?? "min",
          [
            ...deps.session.campaign.objectives.map((o) => o.name),
            ...metricNames(deps.session.campaign),
          ],
          (message) => this.log("warn", message),
        )
      : null;
    this.submitter = new AttemptSubmitter({
      db: deps.session.db,
      campaignId: deps.session.campaignId,
      executor: deps.executor,
      program: deps.program,
      identity: () => this.identity,
      running: () => this.state === "running",
      cancelling: () => this.state !== "running" && this.cancelsOnStop,
      refused: (reason) => this.stop("FAILED", reason, { abandon: true }),
      log: (level, message) => this.log(level, message),
      cancel: (ids) => this.cancelAttempts(ids),
      changed: () => this.deps.onChange?.(),
      checkFailureLimit: () => this.checkFailureLimit(),
    });
    this.refill = new TrialRefill({
      db: deps.session.db,
      campaignId: deps.session.campaignId,
      session: deps.session,
      program: deps.program,
      executorKind: deps.executor.kind,
      campaign: () => this.campaign,
      identity: () => this.identity,
      accepting: () => this.state === "running" && this.globalStopReason === null,
      submitCreated: () => this.submitter.submitCreated(),
      log: (level, message) => this.log(level, message),
      failed: (reason) => this.stop("FAILED", reason),
      changed: () => this.deps.onChange?.(),
      wake: () => this.deps.wake?.(),
    });
    this.aheadHolds = new AheadHolds({
      db: deps.session.db,
      campaignId: deps.session.campaignId,
      uid: this.uid,
      executor: deps.executor,
      log: (level, message) => this.log(level, message),
      track: (work) => this.track(work),
    });
  }

  /**
   * The daemon holds the campaign (paused, submit window closed) or lets it go on: the trials
   * queued behind running jobs are held in Slurm meanwhile, so nothing new starts.
   */
  setHeld(held: boolean): void {
    if (held) this.aheadHolds.hold();
    else this.aheadHolds.release();
  }

  /** The stop under way (or the next one) cancels the running attempts. */
  private get cancelsOnStop(): boolean {
    return this.deps.cancelOnStop === true || this.finalState === "CANCELLED";
  }

  private get identity(): CampaignIdentity {
    return {
      campaign: this.campaign,
      uid: this.uid,
      // The folder opened, not the one stored: they differ for a moved campaign until it is
      // recorded.
      dir: this.deps.session.dir,
      executorKind: this.deps.executor.kind,
    };
  }

  /** Trial rows read from the store by this runner so far (each read only what changed). */
  get storeRowsRead(): number {
    return this.deps.session.storeRowsRead;
  }

  private get db(): Db {
    return this.deps.session.db;
  }

  get campaignId(): number {
    return this.deps.session.campaignId;
  }

  get campaign(): Campaign {
    return this.deps.session.campaign;
  }

  /** Applies one executor event (synchronously, one transaction each). */
  handleEvent(ev: AttemptEvent): void {
    const db = this.db;
    if (ev.type === "started") {
      recordStarted(db, ev.attemptId, ev.time, ev.hostname);
      this.deps.onChange?.();
      return;
    }
    const ended = recordEndedAttempt(db, ev.attemptId, ev.result, {
      identity: this.identity,
      program: this.deps.program,
      progress: this.progress,
      // Retries only while the campaign goes on.
      maxRetries: this.state === "running" ? this.campaign.maxRetries : 0,
      retryAfter: (a) => this.refill.retryAfter(a),
    });
    if (ended?.kind === "retry")
      this.log(
        "warn",
        `trial ${ended.trialIndex}: ${ended.reason}; retrying (attempt ${ended.attemptNo})`,
      );
    else if (ended?.kind === "outcome") {
      const o = ended.outcome;
      if (o.stopCampaign !== undefined) this.stop("STOPPED", o.stopCampaign);
      if (o.state === "COMPLETED") this.checkGlobalStopping();
      if (o.state !== "COMPLETED" && o.state !== "EARLY_STOPPED")
        this.log("warn", `trial ${ended.trialIndex} ${o.state}: ${o.reason ?? "no reason given"}`);
      this.checkFailureLimit();
    }
    if (ended !== null) this.deps.onChange?.();
  }

  /**
   * Reads what the running trials printed since the last call (early_stopping only), stores
   * their progress values and cancels the trials the rule stops.
   */
  async followProgress(): Promise<void> {
    if (this.progress === null || this.state !== "running") return;
    // Attempt directories are stored relative to the campaign folder (or its remote folder).
    const open = listOpenAttempts(this.db, this.campaignId).map((o) => ({
      ...o,
      attempt: { ...o.attempt, dir: attemptDirOf(this.identity, o.attempt.dir) },
    }));
    const orders = await this.progress.poll(this.deps.executor, open);
    for (const s of orders) this.log("info", `trial ${s.trialIndex}: ${s.reason}; cancelling it`);
    if (orders.length > 0) this.cancelAttempts(orders.map((s) => s.attemptId));
  }

  /**
   * Before anything new is proposed after a restart: reconciles every unfinished attempt with
   * the executor (adopts what runs, collects what finished, learns job ids that were never
   * recorded); attempts that never reached the cluster stay CREATED and are submitted by fill().
   */
  async resume(): Promise<{ tracked: number; notSubmitted: number }> {
    const db = this.db;
    const executor = this.deps.executor;
    const stored = storedAttempts(db, this.campaignId, this.identity);
    const findings = await executor.resume(stored);
    const tracked = findings.flatMap((f) => (f.found === "tracked" ? [f.record] : []));
    recordSubmitted(db, tracked);
    // Queued jobs an earlier stop held go on now.
    this.aheadHolds.release(true);
    const notSubmitted = findings.length - tracked.length;
    if (stored.length > 0)
      this.log(
        "info",
        `resumed: ${tracked.length} attempt(s) re-attached or collected, ${notSubmitted} never submitted (submitting them now)`,
      );
    return { tracked: tracked.length, notSubmitted };
  }

  /** Submits attempts waiting for submission and starts a proposal for free slots. */
  fill(): void {
    if (this.state === "finished") return;
    // In the background: a submission that waits for an unanswering cluster must not hold up
    // the loop's polls (nor other campaigns'). A stopping campaign submits nothing.
    if (this.state === "running")
      this.submitter.submitCreated().catch((e: unknown) =>
        this.safely(() => {
          this.log("error", `submitting failed: ${errorMessage(e)}`);
          this.stop("FAILED", errorMessage(e));
        }),
      );
    // The runner's trial view follows the store change by change: no walk over every trial.
    const view = this.deps.session.view();
    const counts = view.counts;
    const active = counts.PROPOSED + counts.SUBMITTED + counts.RUNNING;
    const total = view.total;
    if (this.state === "stopping") {
      const waitForCancel = !this.abandon && this.cancelsOnStop;
      // Never while a submission is under way: its jobs are recorded (and cancelled) first.
      if ((active === 0 || !waitForCancel) && !this.submitter.busy)
        this.finish(this.finalState ?? "STOPPED", this.stopReason);
      return;
    }
    // After global stopping or exhaustion no new trial starts; the running ones finish and are
    // collected first.
    const exhausted = this.refill.exhausted;
    if (exhausted !== null) {
      if (active === 0) this.finish("STOPPED", exhausted);
      return;
    }
    const remaining = this.globalStopReason !== null ? 0 : this.campaign.maxEval - total;
    if (remaining <= 0 && active === 0) {
      this.finish("COMPLETED", this.globalStopReason);
      return;
    }
    this.refill.start(view, active, remaining);
  }

  /** Ax's global stopping: decides after a completed trial whether to start no more trials. */
  private checkGlobalStopping(): void {
    if (!this.globalStopping || this.globalStopReason !== null || this.state !== "running") return;
    const d = this.globalStopping.check();
    if (!d.stop) return;
    this.globalStopReason = d.message;
    this.refill.abort(d.message);
    this.log("info", `${d.message}; no new trials, the running ones finish`);
    this.deps.wake?.();
  }

  get isProposing(): boolean {
    return this.refill.busy;
  }

  /** Stops proposing; running attempts are left alone unless cancelOnStop. */
  stop(
    state: "STOPPED" | "FAILED" | "CANCELLED",
    reason: string | null,
    options: { abandon?: boolean } = {},
  ): void {
    if (this.state !== "running") return;
    this.state = "stopping";
    this.abandon = options.abandon === true;
    this.finalState = state;
    this.stopReason = reason;
    // Kept with the campaign's events: a resume later replaces the state and its reason.
    if (state === "FAILED" && reason !== null) this.log("error", `campaign stops: ${reason}`);
    this.refill.abort(reason ?? "campaign stopping");
    if (this.cancelsOnStop) {
      const open = listOpenAttempts(this.db, this.campaignId);
      // Never-submitted attempts end here; submitted ones end through the executor's events.
      cancelCreatedAttempts(this.db, this.campaignId, reason ?? "cancelled");
      const submitted = open.filter((x) => x.attempt.state !== "CREATED");
      this.cancelAttempts(submitted.map((o) => o.attempt.id));
    } else if (!this.abandon) {
      // The running trials finish; the ones queued behind them must not start.
      this.aheadHolds.hold();
    }
    this.deps.wake?.();
  }

  private cancelAttempts(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.track(
      this.deps.executor
        .cancel(ids.map((attemptId) => ({ campaignUid: this.uid, attemptId })))
        .catch((e: unknown) =>
          this.safely(() => this.log("error", `cancelling failed: ${errorMessage(e)}`)),
        ),
    );
  }

  /** Keeps executor work (cancels, holds) for settle() to wait for. */
  private track(work: Promise<void>): void {
    const done = work.finally(() => this.cancelling.delete(done));
    this.cancelling.add(done);
  }

  /** Runs an error handler that must not throw itself (the store may be what failed). */
  private safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.deps.logger.error({ err: e }, `campaign ${this.campaign.name}: ${errorMessage(e)}`);
    }
  }

  /** Waits for a proposal in flight (used on shutdown). */
  async settle(): Promise<void> {
    await this.refill.settled();
    await this.submitter.settled();
    await Promise.all([...this.cancelling]);
  }

  private finish(
    state: "COMPLETED" | "STOPPED" | "FAILED" | "CANCELLED",
    reason: string | null,
  ): void {
    this.state = "finished";
    this.finalState = state;
    this.deps.session.setState(state, reason);
    this.deps.onChange?.();
  }

  private checkFailureLimit(): void {
    // OmniOpt2's meaning: up to max_failed_jobs failed trials are tolerated, one more ends the
    // search; 0 (or none) means no limit of its own (OmniOpt2 uses max_eval then, which a
    // campaign whose failed trials count toward max_eval can never exceed).
    const limit = this.campaign.maxFailedJobs;
    if (limit === null || limit <= 0) return;
    const c = this.deps.session.view().counts;
    const failed = c.FAILED + c.TIMEOUT;
    if (failed > limit && this.state === "running")
      this.stop(
        "FAILED",
        `${failed} trials failed, more than max_failed_jobs = ${limit}; look at "slurmopt status" for the reasons, fix the program, then "slurmopt resume" (raise max_failed_jobs to go on as is)`,
      );
  }

  /** A warning recorded with the campaign (status shows it) and logged. */
  warn(message: string): void {
    this.log("warn", message);
  }

  /** A note or warning recorded with the campaign (status shows it) and logged; never throws. */
  note(level: "info" | "warn", message: string): void {
    this.safely(() => this.log(level, message));
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.deps.session.log(level, message);
  }
}
