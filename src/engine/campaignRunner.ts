import type { Logger } from "pino";
import { errorMessage } from "../errors/errors.js";
import type { AttemptEvent, Executor } from "../executor/executor.js";
import type { CampaignSession } from "../session/campaignSession.js";
import { freeSlots, nodeLabelOf, nodePositionOf } from "../session/proposeTrials.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import type { AttemptRow } from "../store/rowTypes.js";
import { listOpenAttemptRows } from "../store/campaignAttempts.js";
import {
  cancelCreatedAttempts,
  getAttempt,
  getTrial,
  insertProposedTrials,
  listOpenAttempts,
  recordAttemptEnd,
  recordStarted,
  recordSubmitted,
} from "../store/trialRows.js";
import {
  attemptDirOf,
  newAttempt,
  outcomeRecord,
  storedAttempts,
  type CampaignIdentity,
} from "./attemptPlan.js";
import { faultPoint } from "./faultPoints.js";
import { GlobalStopping } from "./globalStopping.js";
import { AttemptSubmitter } from "./attemptSubmitter.js";
import { planFromCounts } from "./strategyState.js";
import { AheadHolds } from "./aheadHolds.js";
import { aheadLimit, planAhead, retryAfterJob, type AheadPlan } from "./submitAhead.js";
import type { TrialProgram } from "./trialProgram.js";
import { planCampaignSlots } from "../budgets/budgetSlots.js";
import type { TrialView } from "./trialCache.js";
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

/**
 * Drives one campaign on top of its session: asks the session for free slots' trials, submits,
 * collects, and turns executor events into stored trial outcomes (the executor's tell). Holds
 * no single-campaign global state, so one loop can drive many runners (daemon).
 */
/** The stop reason of a campaign that ended because its search space seems exhausted. */
export const EXHAUSTED_PREFIX = "the search space seems exhausted: ";
/** The least time between two counted proposal rounds without a new point. */
export const ZERO_ROUND_PAUSE_MS = 200;

export class CampaignRunner {
  readonly uid: string;
  state: RunnerState = "running";
  finalState: "COMPLETED" | "STOPPED" | "FAILED" | "CANCELLED" | null = null;
  stopReason: string | null = null;
  private proposing: Promise<void> | null = null;
  private zeroRounds = 0;
  /**
   * After a proposal round without a new point, the next round waits: for a trial to end when
   * trials are active (new data may give new points), else ZERO_ROUND_PAUSE_MS.
   */
  private nextRoundAfter: { finished: number; time: number } | null = null;
  /** Set once max_nr_of_zero_results rounds gave nothing: no new trials; running ones finish. */
  private exhaustedReason: string | null = null;
  /** Stopped without waiting for cancelled jobs to report (the cluster refuses access). */
  private abandon = false;
  private proposalAbort: AbortController | null = null;
  /** Global stopping (stop_when), checked after each completed trial. */
  private readonly globalStopping: GlobalStopping | null;
  /** Set once global stopping decided: no new trials; the campaign completes with this reason. */
  private globalStopReason: string | null = null;
  private readonly submitter: AttemptSubmitter;
  /** Cancellations under way (shutdown waits for them). */
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
    const attempt = getAttempt(db, ev.attemptId);
    if (!attempt || attempt.state === "FINISHED") return;
    const trial = getTrial(db, attempt.trial_id)!;
    const r = ev.result;
    const end = {
      endTime: r.endTime,
      startTime: r.startTime,
      exitCode: r.exitCode,
      signal: r.signal,
      fault: r.fault,
      reason: r.faultReason,
      hostname: r.hostname,
    };
    if (r.retryable && attempt.attempt_no <= this.campaign.maxRetries && this.state === "running") {
      // A job queued behind the ended one took its slot: the retry waits behind that job.
      const after = this.retryBehind(attempt);
      recordAttemptEnd(db, attempt.id, end, null, {
        ...newAttempt(this.identity, trial.trial_index, attempt.attempt_no + 1),
        afterJob: after,
      });
      this.log(
        "warn",
        `trial ${trial.trial_index}: ${r.faultReason ?? r.fault}; retrying (attempt ${attempt.attempt_no + 1})`,
      );
    } else {
      let o = this.deps.program.outcome(r);
      if (this.progress) o = this.progress.outcome(attempt.id, trial.id, o, r.stdout);
      faultPoint("collect-before-write");
      recordAttemptEnd(db, attempt.id, end, outcomeRecord(o), null);
      if (o.stopCampaign !== undefined) this.stop("STOPPED", o.stopCampaign);
      if (o.state === "COMPLETED") this.checkGlobalStopping();
      if (o.state !== "COMPLETED" && o.state !== "EARLY_STOPPED")
        this.log("warn", `trial ${trial.trial_index} ${o.state}: ${o.reason ?? "no reason given"}`);
      this.checkFailureLimit();
    }
    this.deps.onChange?.();
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
    if (this.exhaustedReason !== null) {
      if (active === 0) this.finish("STOPPED", this.exhaustedReason);
      return;
    }
    const remaining = this.globalStopReason !== null ? 0 : this.campaign.maxEval - total;
    if (remaining <= 0 && active === 0) {
      this.finish("COMPLETED", this.globalStopReason);
      return;
    }
    if (this.proposing || remaining <= 0) return;
    const ahead = this.aheadPlan();
    // Trials queued behind running jobs (submit-ahead) hold no slot until their job ends.
    const regular = Math.max(0, this.campaign.parallelism - (active - ahead.waiting));
    const free = Math.min(regular + ahead.parents.length, remaining);
    if (free <= 0) return;
    const wait = this.nextRoundAfter;
    if (wait !== null) {
      const finished = total - active;
      if (active > 0 ? finished === wait.finished : performance.now() < wait.time) return;
      this.nextRoundAfter = null;
    }
    // A node waiting for data (or at its max_parallelism) leaves the slots free.
    // Budgets (successive halving) promote on results: nothing is queued ahead there.
    let behind: string[] = [];
    let count: number;
    if (this.campaign.budget)
      count = this.budgetSlots(Math.min(regular, remaining), remaining, view);
    else {
      const plan = planFromCounts(
        this.campaign.strategy,
        view.nodes,
        free,
        this.campaign.objectives.length === 1,
        view.outside.withData,
      );
      // Queued ahead only by a node whose proposals need no history ("auto"), or as the spec says.
      const limit = aheadLimit(
        this.campaign.slurm.submitAhead,
        this.campaign.parallelism,
        plan.choice.node.model,
      );
      behind = ahead.parents.slice(0, limit);
      count = Math.min(plan.count, regular + behind.length);
    }
    if (count > 0) {
      this.proposing = this.proposeAndSubmit(count, {
        regular,
        parents: behind,
        waiting: ahead.waiting,
      })
        .catch((e: unknown) => {
          if (this.state !== "running" || this.globalStopReason !== null) {
            this.log("info", `proposal ended by the stop: ${errorMessage(e)}`);
            return;
          }
          this.log("error", `proposing failed: ${errorMessage(e)}`);
          this.stop("FAILED", errorMessage(e));
        })
        .finally(() => {
          this.proposing = null;
          this.deps.wake?.();
        });
    }
  }

  /**
   * With budgets: the trials to propose now, the promotions owed (even while the strategy node
   * waits for data) and the new configurations the node may propose; 0 while every free slot
   * waits for a rung to end (max_eval's rest is kept for the brackets under way).
   */
  private budgetSlots(free: number, remaining: number, view: TrialView): number {
    const slots = planCampaignSlots(
      this.db,
      this.campaignId,
      this.campaign.budget!,
      this.campaign,
      free,
      remaining,
    );
    const promotions = slots.filter((s) => s.kind === "promotion").length;
    const news = planFromCounts(
      this.campaign.strategy,
      view.nodes,
      slots.length - promotions,
      this.campaign.objectives.length === 1,
      view.outside.withData,
    );
    return promotions + news.count;
  }

  /** Ax's global stopping: decides after a completed trial whether to start no more trials. */
  private checkGlobalStopping(): void {
    if (!this.globalStopping || this.globalStopReason !== null || this.state !== "running") return;
    const d = this.globalStopping.check();
    if (!d.stop) return;
    this.globalStopReason = d.message;
    this.proposalAbort?.abort(new Error(d.message));
    this.log("info", `${d.message}; no new trials, the running ones finish`);
    this.deps.wake?.();
  }

  get isProposing(): boolean {
    return this.proposing !== null;
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
    this.proposalAbort?.abort(new Error(reason ?? "campaign stopping"));
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
    await this.proposing;
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

  /**
   * Submit-ahead on Slurm (engine/submitAhead.ts): the open attempts queued behind a job still
   * open, and the jobs a new trial may be queued behind. Nothing for other executors.
   */
  private aheadPlan(): AheadPlan {
    const s = this.campaign.slurm.submitAhead;
    if (this.identity.executorKind !== "slurm" || s === 0) return { waiting: 0, parents: [] };
    const open = listOpenAttemptRows(this.db, this.campaignId);
    return planAhead(open, s === undefined || s === "auto" ? this.campaign.parallelism : s);
  }

  /** Submit-ahead: the job a retry of `ended` waits behind (submitAhead.ts), or null. */
  private retryBehind(ended: AttemptRow): string | null {
    if (this.identity.executorKind !== "slurm" || this.campaign.slurm.submitAhead === 0)
      return null;
    return retryAfterJob(listOpenAttemptRows(this.db, this.campaignId), ended);
  }

  /**
   * Asks the session for up to n trials (stored with their first attempts), then submits. The
   * first `ahead.regular` take free slots; the others are queued behind `ahead.parents`.
   */
  private async proposeAndSubmit(
    n: number,
    ahead: { regular: number; parents: readonly string[]; waiting: number },
  ): Promise<void> {
    const campaign = this.campaign;
    // stop() aborts a proposal in flight (an external generator's process, a GP fit).
    const abort = new AbortController();
    this.proposalAbort = abort;
    const maxArray = campaign.slurm.maxArraySize;
    const { stored, proposal } = await this.deps.session.propose({
      limit: (view) => Math.min(n, freeSlots(campaign, view, ahead.waiting + ahead.parents.length)),
      signal: abort.signal,
      // A stop during the proposal: nothing new is stored (nor submitted).
      store: (p, first) =>
        this.state !== "running" || this.globalStopReason !== null
          ? []
          : insertProposedTrials(
              this.db,
              this.campaignId,
              p.points.map((pt, k) => ({
                ...(pt.budget ? { budget: pt.budget } : {}),
                paramsJson: JSON.stringify(pt.point),
                generator: pt.generator,
                generationNode: nodeLabelOf(pt, p.choice),
                nodePosition: nodePositionOf(pt, p.choice),
                generationMs: p.msPerPoint,
                programString: this.deps.program.describe(
                  pt.point,
                  first + k,
                  pt.budget && { budget: pt.budget.budget, configIndex: pt.budget.configIndex },
                ),
              })),
              (index) => {
                const after = ahead.parents[index - first - ahead.regular];
                // A trial queued behind a job is a job of its own, with that dependency.
                if (index - first >= ahead.regular && after !== undefined)
                  return { ...newAttempt(this.identity, index, 1), afterJob: after };
                // Trials proposed together share a job name (one Slurm job array per chunk).
                const chunkStart = first + Math.floor((index - first) / maxArray) * maxArray;
                return newAttempt(this.identity, index, 1, chunkStart);
              },
            ),
    });
    if (proposal === null) return;
    if (this.state !== "running" || this.globalStopReason !== null) return;
    for (const w of proposal.warnings) this.log("warn", w);
    if (stored.length === 0) {
      // As OmniOpt2 counts them: a round counts only when no trial is active (a running trial's
      // result may let the model find new points); either way the next round waits.
      const view = this.deps.session.view();
      const c = view.counts;
      const active = c.PROPOSED + c.SUBMITTED + c.RUNNING;
      this.nextRoundAfter = {
        finished: view.total - active,
        time: performance.now() + ZERO_ROUND_PAUSE_MS,
      };
      if (active > 0) return;
      this.zeroRounds++;
      if (this.zeroRounds >= campaign.maxZeroResults) {
        this.exhaustedReason = `${EXHAUSTED_PREFIX}${this.zeroRounds} proposal rounds in a row gave no new point while no trial was running`;
        this.log("warn", this.exhaustedReason);
      }
      return;
    }
    this.zeroRounds = 0;
    this.nextRoundAfter = null;
    faultPoint("after-trial-rows");
    this.deps.onChange?.();
    await this.submitter.submitCreated();
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
