import type { Logger } from "pino";
import { boundedText } from "../store/boundedText.js";
import {
  createCampaignRecord,
  inMemoryCampaignRecord,
  openCampaignRecord,
  type OpenCampaign,
} from "../engine/campaignRecord.js";
import type { TrialView } from "../engine/trialCache.js";
import { InputError, StateError } from "../errors/errors.js";
import { silentLogger } from "../log/logger.js";
import { campaignStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { writeResultsCsv } from "../report/writeResultsCsv.js";
import type { Campaign } from "../spec/campaign.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { SearchSpace } from "../space/searchSpace.js";
import {
  addCampaignEvent,
  getCampaignById,
  markCampaignStarted,
  setCampaignState,
  updateCampaignSpec,
} from "../store/campaignRows.js";
import type { ImportedTrial } from "../store/importedTrials.js";
import type { Db } from "../store/openStore.js";
import type { CampaignRow, CampaignState, TrialRow } from "../store/rowTypes.js";
import {
  finishServiceTrial,
  getTrialByIndex,
  insertServiceTrials,
} from "../store/serviceTrials.js";
import { insertProgress } from "../store/progressRows.js";
import { listTrials } from "../store/trialRows.js";
import {
  freeSlots,
  proposeAndStore,
  type Proposal,
  type ProposalContext,
} from "./proposeTrials.js";
import type {
  AskedTrial,
  BestTrial,
  NodeParallelism,
  Parameters as ParameterSet,
  TrialRecord,
  TrialResults,
} from "./publicTypes.js";
import { campaignParts, type CampaignParts } from "./campaignParts.js";
import {
  activeClientTrial,
  askedTrialInputs,
  insertAttachedTrial,
  refuseWhileDriven,
  stopClientTrialIfDue,
} from "./clientTrials.js";
import { lockAndSettle, type SessionOptions } from "./sessionLock.js";
import { bestTrial, paretoTrials, toAskedTrial, toTrialRecord } from "./trialRecords.js";
import { checkProgress } from "./reportedProgress.js";
import { checkAttachedPoint, checkResults } from "./trialValues.js";

export { ATTACHED_NODE } from "./clientTrials.js";

export type { SessionOptions };

/**
 * One campaign, opened: the core every client uses (the foreground runner, the daemon, the
 * ask/tell command line and programs importing slurmopt). It owns the campaign folder's store
 * and, when asked, its lock; proposals go through ask(), results come back through tell().
 */
export class CampaignSession {
  readonly dir: string;
  readonly db: Db;
  readonly logger: Logger;
  private rowValue: CampaignRow;
  private campaignValue: Campaign;
  private parts: CampaignParts;
  private release: (() => Promise<void>) | null;
  private closed = false;

  private constructor(open: OpenCampaign, release: (() => Promise<void>) | null, logger: Logger) {
    this.dir = open.dir;
    this.db = open.db;
    this.rowValue = open.row;
    this.campaignValue = open.campaign;
    this.release = release;
    this.logger = logger;
    this.parts = this.makeParts(open.campaign);
  }

  /**
   * Creates runs/<name>/<N>/ with the campaign (nothing runs) and opens it; `trials` from
   * earlier runs (continueCampaign, loadTrials) are stored with it in one step.
   */
  static async create(
    campaign: Campaign,
    options: SessionOptions = {},
    trials: readonly ImportedTrial[] = [],
  ): Promise<CampaignSession> {
    const open = createCampaignRecord(campaign, trials);
    return CampaignSession.fromRecord(open, options);
  }

  /** Opens the campaign in a campaign folder (runs/<name>/<N>). */
  static async open(dir: string, options: SessionOptions = {}): Promise<CampaignSession> {
    return CampaignSession.fromRecord(openCampaignRecord(dir, options.readonly), options);
  }

  /** A campaign in memory, as if in `dir` (nothing is written): what a dry run shows. */
  static inMemory(campaign: Campaign, dir: string): CampaignSession {
    return new CampaignSession(inMemoryCampaignRecord(campaign, dir), null, silentLogger());
  }

  private static async fromRecord(
    open: OpenCampaign,
    options: SessionOptions,
  ): Promise<CampaignSession> {
    const locked = await lockAndSettle(open, options);
    return new CampaignSession(locked.open, locked.release, options.logger ?? silentLogger());
  }

  get row(): CampaignRow {
    return this.rowValue;
  }
  get campaign(): Campaign {
    return this.campaignValue;
  }
  get campaignId(): number {
    return this.rowValue.id;
  }
  get space(): SearchSpace {
    return this.parts.space;
  }
  get constraints(): ConstraintSet {
    return this.parts.constraints;
  }
  /** The open store, row and campaign (for the report writers). */
  record(): OpenCampaign {
    this.assertOpen();
    return { db: this.db, row: this.refreshRow(), campaign: this.campaign, dir: this.dir };
  }

  /** Whether this session holds the controller lock. */
  get controls(): boolean {
    return this.release !== null;
  }

  /**
   * The trials as stored now: counts, keys, pending trials and (for a model-based strategy)
   * the history, followed change by change (do not modify).
   */
  view(): TrialView {
    this.assertOpen();
    return this.parts.cache.refresh();
  }

  /** Trial rows read from the store by this session's view so far. */
  get storeRowsRead(): number {
    return this.parts.cache.rowsRead;
  }

  /**
   * Up to n new trials to evaluate, stored as RUNNING (pending: later asks and the models see
   * them). Fewer, or none, when the strategy node's parallelism is used up, the budget
   * (max_eval) is reached or the space is exhausted. Refused while a controller drives the
   * campaign (it proposes its own trials).
   */
  async ask(n = 1): Promise<AskedTrial[]> {
    this.assertOpen();
    if (!Number.isInteger(n) || n < 1)
      throw new InputError("FLAG_INVALID", `ask: n must be a whole number >= 1, got ${n}`);
    refuseWhileDriven(this.dir, this.controls, "ask for trials");
    const { stored, proposal } = await this.propose({
      limit: (trials) => Math.min(n, freeSlots(this.campaign, trials)),
      store: (p) => {
        if (p.points.length > 0) markCampaignStarted(this.db, this.campaignId);
        return insertServiceTrials(this.db, this.campaignId, askedTrialInputs(p));
      },
    });
    for (const w of proposal?.warnings ?? []) this.log("warn", w);
    return stored.map((row) => toAskedTrial(row, this.space.parameters));
  }

  /** The proposal pipeline with its store step (the runner stores trials with attempts). */
  propose<T>(options: {
    limit: (view: TrialView) => number;
    signal?: AbortSignal;
    store: (proposal: Proposal, firstIndex: number) => T[];
  }): Promise<{ stored: T[]; proposal: Proposal | null; waiting: string | null }> {
    this.assertOpen();
    const ctx: ProposalContext = {
      db: this.db,
      campaignId: this.campaignId,
      campaign: this.campaign,
      dir: this.dir,
      space: this.space,
      constraints: this.constraints,
      trials: this.parts.cache,
      generatorFor: this.parts.generatorFor,
    };
    return proposeAndStore(ctx, options);
  }

  /** Records the results of a trial handed out by ask() or attached without results. */
  tell(index: number, results: TrialResults): TrialRecord {
    this.assertOpen();
    const checked = checkResults(this.campaign, index, results);
    return this.finish(index, "tell", () => ({
      state: "COMPLETED",
      resultsJson: checked.resultsJson,
      semsJson: checked.semsJson,
      reason: null,
    }));
  }

  /**
   * Records intermediate values of an asked or attached trial at a step (an epoch, an
   * iteration, the budget used), as a progress line `NAME@STEP: value` of a trial run by
   * slurmopt is recorded; a step reported again keeps its last values.
   */
  report(index: number, step: number, values: Readonly<Record<string, number>>): void {
    this.assertOpen();
    const progress = checkProgress(this.campaign, index, step, values);
    this.db
      .transaction(() => insertProgress(this.db, this.activeTrial(index, "report").id, progress))
      .immediate();
  }

  /**
   * Whether to stop an asked or attached trial now (Ax: should_stop_early), by the campaign's
   * early_stopping rule at the trial's latest reported step. When it says stop, the trial is
   * stored EARLY_STOPPED with its last reported values as its results (data for the models,
   * as Ax keeps them) and the rule's decision as its reason; asking again says true.
   */
  shouldStop(index: number): boolean {
    this.assertOpen();
    return stopClientTrialIfDue(this.db, this, index);
  }

  /** Records that a trial's evaluation failed (the models keep away from its point). */
  fail(index: number, reason: string): TrialRecord {
    this.assertOpen();
    return this.finish(index, "fail", () => ({
      state: "FAILED",
      resultsJson: null,
      semsJson: null,
      reason: reason.trim() === "" ? "failed (no reason given)" : reason,
    }));
  }

  /** Gives a trial up unevaluated: it counts as no data, and its point is never proposed again. */
  abandon(index: number, reason = "abandoned"): TrialRecord {
    this.assertOpen();
    return this.finish(index, "abandon", () => ({
      state: "CANCELLED",
      resultsJson: null,
      semsJson: null,
      reason,
    }));
  }

  /**
   * Adds a trial the user chose (Ax: attach_trial), checked against the space and the
   * constraints. With results it is data at once; without, it is pending until told.
   */
  attach(parameters: ParameterSet, results?: TrialResults): TrialRecord {
    this.assertOpen();
    const point = checkAttachedPoint(this.space, this.constraints, parameters);
    const checked = results ? checkResults(this.campaign, null, results) : null;
    const row = insertAttachedTrial(this.db, this.campaignId, point, checked);
    return toTrialRecord(row, this.space.parameters);
  }

  /** Every trial, in index order (the rows of results.csv). */
  trials(): TrialRecord[] {
    this.assertOpen();
    return listTrials(this.db, this.campaignId).map((t) => toTrialRecord(t, this.space.parameters));
  }

  /**
   * Single objective: the best completed trial (null before any). The model's prediction is
   * not computed here yet: `predicted` is null.
   */
  best(): BestTrial | null {
    this.assertOpen();
    return bestTrial(this.campaign, this.trials());
  }

  /** The completed trials no other completed trial dominates (any number of objectives). */
  pareto(): TrialRecord[] {
    this.assertOpen();
    return paretoTrials(this.campaign, this.trials());
  }

  /** Trials that may run at once, per strategy node (Ax: get_max_parallelism). */
  maxParallelism(): NodeParallelism[] {
    return this.campaign.strategy.map((n) => ({
      node: n.label,
      trials: n.trials,
      maxParallelism: Math.min(n.maxParallelism ?? Infinity, this.campaign.parallelism),
    }));
  }

  /** Counts, best trial or Pareto front, recent failures and events (slurmopt status). */
  status(): CampaignStatus {
    this.assertOpen();
    return campaignStatus(this.db, this.refreshRow(), this.campaign);
  }

  /** Rewrites results.csv from the store; returns its path. */
  writeResultsCsv(): string {
    this.assertOpen();
    return writeResultsCsv(this.db, this.campaignId, this.campaign, this.dir);
  }

  /** Replaces the stored campaign (resume's changes, checked by the caller). */
  changeCampaign(changed: Campaign): void {
    this.assertOpen();
    updateCampaignSpec(this.db, this.campaignId, JSON.stringify(changed));
    this.campaignValue = changed;
    // The space, the objectives or the strategy may differ: all is built anew.
    this.parts = this.makeParts(changed);
  }

  setState(state: CampaignState, reason: string | null): void {
    this.assertOpen();
    setCampaignState(this.db, this.campaignId, state, reason);
    this.rowValue = getCampaignById(this.db, this.campaignId) ?? this.rowValue;
  }

  /** Re-reads the campaign row (state, stop reason). */
  refreshRow(): CampaignRow {
    this.rowValue = getCampaignById(this.db, this.campaignId) ?? this.rowValue;
    return this.rowValue;
  }

  /** A message kept with the campaign (status shows it) and logged. */
  log(level: "info" | "warn" | "error", message: string): void {
    // Bounded once for both: a reason may quote megabytes of a program's output.
    const text = boundedText(message);
    addCampaignEvent(this.db, this.campaignId, level, text);
    this.logger[level]({ campaign: this.campaign.name }, text);
  }

  /** Closes the store and lets go of the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    const release = this.release;
    this.release = null;
    if (release) await release().catch(() => undefined);
  }

  private makeParts(campaign: Campaign): CampaignParts {
    return campaignParts(this.db, this.rowValue.id, campaign, (m) => this.log("warn", m));
  }

  /** Ends a service trial in one transaction, after checking that it may be ended. */
  private finish(
    index: number,
    verb: "tell" | "fail" | "abandon",
    outcome: () => Parameters<typeof finishServiceTrial>[2],
  ): TrialRecord {
    return this.db
      .transaction(() => {
        finishServiceTrial(this.db, this.activeTrial(index, verb).id, outcome());
        return toTrialRecord(
          getTrialByIndex(this.db, this.campaignId, index)!,
          this.space.parameters,
        );
      })
      .immediate();
  }

  /** A trial a client evaluates that has not ended (the caller's transaction); refused otherwise. */
  private activeTrial(index: number, verb: string): TrialRow {
    return activeClientTrial(this.db, this, index, verb);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new StateError("CAMPAIGN_NOT_FOUND", `the session of ${this.dir} is closed`);
  }
}
