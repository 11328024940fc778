import { errorMessage } from "../errors/errors.js";
import { budgetProposalCount } from "../budgets/budgetSlots.js";
import type { CampaignSession } from "../session/campaignSession.js";
import { freeSlots, nodeLabelOf, nodePositionOf } from "../session/proposeTrials.js";
import type { Campaign } from "../spec/campaign.js";
import { listOpenAttemptRows } from "../store/campaignAttempts.js";
import type { Db } from "../store/openStore.js";
import type { AttemptRow } from "../store/rowTypes.js";
import { insertProposedTrials } from "../store/trialRows.js";
import { newAttempt, type CampaignIdentity } from "./attemptPlan.js";
import { faultPoint } from "./faultPoints.js";
import { planFromCounts } from "./strategyState.js";
import { aheadLimit, planAhead, retryAfterJob, type AheadPlan } from "./submitAhead.js";
import type { TrialView } from "./trialCache.js";
import type { TrialProgram } from "./trialProgram.js";

/** The stop reason of a campaign that ended because its search space seems exhausted. */
export const EXHAUSTED_PREFIX = "the search space seems exhausted: ";
/** The least time between two counted proposal rounds without a new point. */
export const ZERO_ROUND_PAUSE_MS = 200;

/** What refilling needs of its campaign runner. */
export interface RefillHost {
  readonly db: Db;
  readonly campaignId: number;
  readonly session: CampaignSession;
  readonly program: TrialProgram;
  readonly executorKind: "local" | "slurm";
  campaign(): Campaign;
  identity(): CampaignIdentity;
  /** The campaign takes new trials (running, no global stop decided). */
  accepting(): boolean;
  submitCreated(): Promise<void>;
  log(level: "info" | "warn" | "error", message: string): void;
  /** Proposing failed for good: the campaign stops FAILED with this reason. */
  failed(reason: string): void;
  /** A state change (results.csv refresh, progress line). */
  changed(): void;
  /** New work may be ready: wake the loop. */
  wake(): void;
}

/**
 * Refills a campaign's free slots: decides how many trials to ask for (free slots, submit-ahead
 * slots behind running Slurm jobs, budgets' promotions), asks the session for them, stores them
 * with their first attempts and submits; counts proposal rounds that gave no new point (OmniOpt2's
 * max_nr_of_zero_results) until the search space seems exhausted. One proposal at a time.
 */
export class TrialRefill {
  private proposing: Promise<void> | null = null;
  private zeroRounds = 0;
  /**
   * After a proposal round without a new point, the next round waits: for a trial to end when
   * trials are active (new data may give new points), else ZERO_ROUND_PAUSE_MS.
   */
  private nextRoundAfter: { finished: number; time: number } | null = null;
  /** Set once max_nr_of_zero_results rounds gave nothing: no new trials; running ones finish. */
  private exhaustedReason: string | null = null;
  private proposalAbort: AbortController | null = null;

  constructor(private readonly host: RefillHost) {}

  /** Why the search space seems exhausted, or null. */
  get exhausted(): string | null {
    return this.exhaustedReason;
  }

  /** A proposal is under way. */
  get busy(): boolean {
    return this.proposing !== null;
  }

  /** Aborts a proposal in flight (an external generator's process, a GP fit). */
  abort(reason: string): void {
    this.proposalAbort?.abort(new Error(reason));
  }

  /** Resolves when no proposal is in flight. */
  async settled(): Promise<void> {
    await this.proposing;
  }

  /**
   * Starts a proposal for the free slots when none is under way; `active` trials are PROPOSED,
   * SUBMITTED or RUNNING and `remaining` is what max_eval still allows.
   */
  start(view: TrialView, active: number, remaining: number): void {
    const total = view.total;
    if (this.proposing !== null || remaining <= 0) return;
    const ahead = this.aheadPlan();
    // Trials queued behind running jobs (submit-ahead) hold no slot until their job ends.
    const regular = Math.max(0, this.host.campaign().parallelism - (active - ahead.waiting));
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
    if (this.host.campaign().budget)
      count = budgetProposalCount(
        this.host.db,
        this.host.campaignId,
        this.host.campaign(),
        view,
        Math.min(regular, remaining),
        remaining,
      );
    else {
      const plan = planFromCounts(
        this.host.campaign().strategy,
        view.nodes,
        free,
        this.host.campaign().objectives.length === 1,
        view.outside.withData,
      );
      // Queued ahead only by a node whose proposals need no history ("auto"), or as the spec says.
      const limit = aheadLimit(
        this.host.campaign().slurm.submitAhead,
        this.host.campaign().parallelism,
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
          if (!this.host.accepting()) {
            this.host.log("info", `proposal ended by the stop: ${errorMessage(e)}`);
            return;
          }
          this.host.log("error", `proposing failed: ${errorMessage(e)}`);
          this.host.failed(errorMessage(e));
        })
        .finally(() => {
          this.proposing = null;
          this.host.wake();
        });
    }
  }

  /**
   * Submit-ahead on Slurm (engine/submitAhead.ts): the open attempts queued behind a job still
   * open, and the jobs a new trial may be queued behind. Nothing for other executors.
   */
  private aheadPlan(): AheadPlan {
    const s = this.host.campaign().slurm.submitAhead;
    if (this.host.executorKind !== "slurm" || s === 0) return { waiting: 0, parents: [] };
    const open = listOpenAttemptRows(this.host.db, this.host.campaignId);
    return planAhead(open, s === undefined || s === "auto" ? this.host.campaign().parallelism : s);
  }

  /** Submit-ahead: the job a retry of `ended` waits behind (submitAhead.ts), or null. */
  retryAfter(ended: AttemptRow): string | null {
    if (this.host.executorKind !== "slurm" || this.host.campaign().slurm.submitAhead === 0)
      return null;
    return retryAfterJob(listOpenAttemptRows(this.host.db, this.host.campaignId), ended);
  }

  /**
   * Asks the session for up to n trials (stored with their first attempts), then submits. The
   * first `ahead.regular` take free slots; the others are queued behind `ahead.parents`.
   */
  private async proposeAndSubmit(
    n: number,
    ahead: { regular: number; parents: readonly string[]; waiting: number },
  ): Promise<void> {
    const campaign = this.host.campaign();
    // stop() aborts a proposal in flight (an external generator's process, a GP fit).
    const abort = new AbortController();
    this.proposalAbort = abort;
    const maxArray = campaign.slurm.maxArraySize;
    const { stored, proposal } = await this.host.session.propose({
      limit: (view) => Math.min(n, freeSlots(campaign, view, ahead.waiting + ahead.parents.length)),
      signal: abort.signal,
      // A stop during the proposal: nothing new is stored (nor submitted).
      store: (p, first) =>
        !this.host.accepting()
          ? []
          : insertProposedTrials(
              this.host.db,
              this.host.campaignId,
              p.points.map((pt, k) => ({
                ...(pt.budget ? { budget: pt.budget } : {}),
                paramsJson: JSON.stringify(pt.point),
                generator: pt.generator,
                generationNode: nodeLabelOf(pt, p.choice),
                nodePosition: nodePositionOf(pt, p.choice),
                generationMs: p.msPerPoint,
                programString: this.host.program.describe(
                  pt.point,
                  first + k,
                  pt.budget && { budget: pt.budget.budget, configIndex: pt.budget.configIndex },
                ),
              })),
              (index) => {
                const after = ahead.parents[index - first - ahead.regular];
                // A trial queued behind a job is a job of its own, with that dependency.
                if (index - first >= ahead.regular && after !== undefined)
                  return { ...newAttempt(this.host.identity(), index, 1), afterJob: after };
                // Trials proposed together share a job name (one Slurm job array per chunk).
                const chunkStart = first + Math.floor((index - first) / maxArray) * maxArray;
                return newAttempt(this.host.identity(), index, 1, chunkStart);
              },
            ),
    });
    if (proposal === null) return;
    if (!this.host.accepting()) return;
    for (const w of proposal.warnings) this.host.log("warn", w);
    if (stored.length === 0) {
      // As OmniOpt2 counts them: a round counts only when no trial is active (a running trial's
      // result may let the model find new points); either way the next round waits.
      const view = this.host.session.view();
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
        this.host.log("warn", this.exhaustedReason);
      }
      return;
    }
    this.zeroRounds = 0;
    this.nextRoundAfter = null;
    faultPoint("after-trial-rows");
    this.host.changed();
    await this.host.submitCreated();
  }
}
