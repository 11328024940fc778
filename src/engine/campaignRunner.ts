import type { Logger } from "pino";
import { errorMessage } from "../errors/errors.js";
import type { AttemptEvent, Executor } from "../executor/executor.js";
import type { Generator } from "../generators/generator.js";
import { strategyNode } from "../generators/modelNames.js";
import type { Campaign, StrategyNode } from "../spec/campaign.js";
import { ConstraintSet } from "../space/constraints.js";
import { SearchSpace } from "../space/searchSpace.js";
import { addCampaignEvent, setCampaignState } from "../store/campaignRows.js";
import type { Db } from "../store/openStore.js";
import type { CampaignRow } from "../store/rowTypes.js";
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
import { newAttempt, outcomeRecord, storedAttempts, type CampaignIdentity } from "./attemptPlan.js";
import { faultPoint } from "./faultPoints.js";
import { buildGeneratorInput, needsHistory } from "./generatorInput.js";
import { GlobalStopping } from "./globalStopping.js";
import { checkProposedPoints, proposePoints } from "./proposePoints.js";
import { AttemptSubmitter } from "./attemptSubmitter.js";
import { planFromCounts, type ProposalPlan } from "./strategyState.js";
import { TrialCache } from "./trialCache.js";
import type { TrialProgram } from "./trialProgram.js";

export interface RunnerDeps {
  db: Db;
  row: CampaignRow;
  campaign: Campaign;
  executor: Executor;
  program: TrialProgram;
  generatorFor: (node: StrategyNode) => Generator;
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
 * Drives one campaign: refills free slots asynchronously, submits, and turns executor events
 * into stored trial outcomes. Holds no single-campaign global state, so one loop can drive
 * many runners (daemon).
 */
export class CampaignRunner {
  readonly uid: string;
  readonly space: SearchSpace;
  readonly constraints: ConstraintSet;
  state: RunnerState = "running";
  finalState: "COMPLETED" | "STOPPED" | "FAILED" | "CANCELLED" | null = null;
  stopReason: string | null = null;
  private proposing: Promise<void> | null = null;
  private zeroRounds = 0;
  /** Stopped without waiting for cancelled jobs to report (the cluster refuses access). */
  private abandon = false;
  private proposalAbort: AbortController | null = null;
  private readonly trials: TrialCache;
  /** Global stopping (stop_when), checked after each completed trial. */
  private readonly globalStopping: GlobalStopping | null;
  /** Set once global stopping decided: no new trials; the campaign completes with this reason. */
  private globalStopReason: string | null = null;
  private readonly submitter: AttemptSubmitter;
  /** Cancellations under way (shutdown waits for them). */
  private readonly cancelling = new Set<Promise<void>>();

  constructor(private readonly deps: RunnerDeps) {
    this.uid = deps.row.uid;
    this.space = new SearchSpace(deps.campaign.parameters);
    this.constraints = new ConstraintSet(
      deps.campaign.constraints,
      this.space,
      deps.campaign.forbidden,
    );
    this.trials = new TrialCache(deps.db, deps.row.id, {
      space: this.space,
      objectives: deps.campaign.objectives,
      nodes: deps.campaign.strategy.length,
      keepHistory: needsHistory(deps.campaign.strategy.map((n) => n.model)),
      crashCost: deps.campaign.crashCost,
    });
    const stopWhen = deps.campaign.stopWhen;
    this.globalStopping = stopWhen
      ? new GlobalStopping(deps.db, deps.row.id, deps.campaign, stopWhen)
      : null;
    this.submitter = new AttemptSubmitter({
      db: deps.db,
      campaignId: deps.row.id,
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
  }

  /** The stop under way (or the next one) cancels the running attempts. */
  private get cancelsOnStop(): boolean {
    return this.deps.cancelOnStop === true || this.finalState === "CANCELLED";
  }

  private get identity(): CampaignIdentity {
    return {
      campaign: this.deps.campaign,
      uid: this.uid,
      dir: this.deps.row.dir,
      executorKind: this.deps.executor.kind,
    };
  }

  /** Trial rows read from the store by this runner so far (each read only what changed). */
  get storeRowsRead(): number {
    return this.trials.rowsRead;
  }

  get campaignId(): number {
    return this.deps.row.id;
  }

  get campaign(): Campaign {
    return this.deps.campaign;
  }

  /** Applies one executor event (synchronously, one transaction each). */
  handleEvent(ev: AttemptEvent): void {
    const { db } = this.deps;
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
    if (
      r.retryable &&
      attempt.attempt_no <= this.deps.campaign.maxRetries &&
      this.state === "running"
    ) {
      recordAttemptEnd(
        db,
        attempt.id,
        end,
        null,
        newAttempt(this.identity, trial.trial_index, attempt.attempt_no + 1),
      );
      this.log(
        "warn",
        `trial ${trial.trial_index}: ${r.faultReason ?? r.fault}; retrying (attempt ${attempt.attempt_no + 1})`,
      );
    } else {
      const o = this.deps.program.outcome(r);
      faultPoint("collect-before-write");
      recordAttemptEnd(db, attempt.id, end, outcomeRecord(o), null);
      if (o.stopCampaign !== undefined) this.stop("STOPPED", o.stopCampaign);
      if (o.state === "COMPLETED") this.checkGlobalStopping();
      if (o.state !== "COMPLETED")
        this.log("warn", `trial ${trial.trial_index} ${o.state}: ${o.reason ?? "no reason given"}`);
      this.checkFailureLimit();
    }
    this.deps.onChange?.();
  }

  /**
   * Before anything new is proposed after a restart: reconciles every unfinished attempt with
   * the executor (adopts what runs, collects what finished, learns job ids that were never
   * recorded); attempts that never reached the cluster stay CREATED and are submitted by fill().
   */
  async resume(): Promise<{ tracked: number; notSubmitted: number }> {
    const { db, executor } = this.deps;
    const stored = storedAttempts(db, this.campaignId, this.identity);
    const findings = await executor.resume(stored);
    const tracked = findings.flatMap((f) => (f.found === "tracked" ? [f.record] : []));
    recordSubmitted(db, tracked);
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
    const view = this.trials.refresh();
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
    // After global stopping no new trial starts; the running ones finish.
    const remaining = this.globalStopReason !== null ? 0 : this.deps.campaign.maxEval - total;
    if (remaining <= 0 && active === 0) {
      this.finish("COMPLETED", this.globalStopReason);
      return;
    }
    const free = Math.min(this.deps.campaign.parallelism - active, remaining);
    if (free <= 0 || this.proposing) return;
    // A node waiting for data (or at its max_parallelism) leaves the slots free.
    const plan = planFromCounts(
      this.deps.campaign.strategy,
      view.nodes,
      free,
      this.deps.campaign.objectives.length === 1,
    );
    if (plan.count > 0) {
      this.proposing = this.proposeAndSubmit(plan)
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
      const open = listOpenAttempts(this.deps.db, this.campaignId);
      // Never-submitted attempts end here; submitted ones end through the executor's events.
      cancelCreatedAttempts(this.deps.db, this.campaignId, reason ?? "cancelled");
      const submitted = open.filter((x) => x.attempt.state !== "CREATED");
      this.cancelAttempts(submitted.map((o) => o.attempt.id));
    }
    this.deps.wake?.();
  }

  private cancelAttempts(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const done = this.deps.executor
      .cancel(ids.map((attemptId) => ({ campaignUid: this.uid, attemptId })))
      .catch((e: unknown) =>
        this.safely(() => this.log("error", `cancelling failed: ${errorMessage(e)}`)),
      )
      .finally(() => this.cancelling.delete(done));
    this.cancelling.add(done);
  }

  /** Runs an error handler that must not throw itself (the store may be what failed). */
  private safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.deps.logger.error({ err: e }, `campaign ${this.deps.campaign.name}: ${errorMessage(e)}`);
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
    setCampaignState(
      this.deps.db,
      this.campaignId,
      state === "CANCELLED" ? "CANCELLED" : state,
      reason,
    );
    this.deps.onChange?.();
  }

  private async proposeAndSubmit(plan: ProposalPlan): Promise<void> {
    const { campaign, db } = this.deps;
    const view = this.trials.refresh();
    const { choice, count: n } = plan;
    const input = buildGeneratorInput({
      view,
      space: this.space,
      constraints: this.constraints,
      objectives: campaign.objectives,
      outcomeConstraints: campaign.outcomeConstraints,
      seed: campaign.seed,
      proposedByNode: choice.proposedByNode,
      campaignDir: this.deps.row.dir,
    });
    const started = performance.now();
    // stop() aborts a proposal in flight (an external generator's process, a GP fit).
    const abort = new AbortController();
    this.proposalAbort = abort;
    const result = await proposePoints({
      generator: this.deps.generatorFor(choice.node),
      fallback: campaign.revertToRandomWhenExhausted
        ? this.deps.generatorFor(strategyNode("random", "RANDOM"))
        : null,
      input: { ...input, signal: abort.signal },
      n,
      existingKeys: view.keys,
      // An external generator may be allowed to ask for a point again (on_duplicate: accept).
      allowDuplicates:
        choice.node.model === "external" && campaign.externalGenerator?.onDuplicate === "accept",
    });
    const ms = (performance.now() - started) / Math.max(1, result.points.length);
    if (this.state !== "running" || this.globalStopReason !== null) return;
    for (const w of result.warnings) this.log("warn", w);
    if (result.points.length === 0) {
      this.zeroRounds++;
      if (this.zeroRounds >= campaign.maxZeroResults)
        this.stop(
          "STOPPED",
          `the search space seems exhausted: ${this.zeroRounds} proposal rounds in a row gave no new point`,
        );
      return;
    }
    this.zeroRounds = 0;
    checkProposedPoints(result.points, this.space, this.constraints);
    const first = view.lastIndex + 1;
    const maxArray = campaign.slurm.maxArraySize;
    insertProposedTrials(
      db,
      this.campaignId,
      result.points.map((p, k) => ({
        paramsJson: JSON.stringify(p.point),
        generator: p.generator,
        generationNode: choice.node.label,
        nodePosition: choice.position,
        generationMs: ms,
        programString: this.deps.program.describe(p.point, first + k),
      })),
      (index) => {
        // Trials proposed together share a job name (one Slurm job array per chunk).
        const chunkStart = first + Math.floor((index - first) / maxArray) * maxArray;
        return newAttempt(this.identity, index, 1, chunkStart);
      },
    );
    faultPoint("after-trial-rows");
    this.deps.onChange?.();
    await this.submitter.submitCreated();
  }

  private checkFailureLimit(): void {
    const limit = this.deps.campaign.maxFailedJobs;
    if (limit === null) return;
    const c = this.trials.refresh().counts;
    const failed = c.FAILED + c.TIMEOUT;
    if (failed >= limit && this.state === "running")
      this.stop(
        "FAILED",
        `${failed} trials failed, reaching max_failed_jobs = ${limit}; look at "slurmopt status" for the reasons, fix the program, then "slurmopt resume" (raise max_failed_jobs to go on as is)`,
      );
  }

  /** A warning recorded with the campaign (status shows it) and logged. */
  warn(message: string): void {
    this.log("warn", message);
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    addCampaignEvent(this.deps.db, this.campaignId, level, message);
    this.deps.logger[level]({ campaign: this.deps.campaign.name }, message);
  }
}
