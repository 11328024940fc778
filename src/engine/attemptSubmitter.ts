import {
  accessRefusedReason,
  errorMessage,
  isAccessRefused,
  isUnreachable,
} from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import type { Db } from "../store/openStore.js";
import type { AttemptRow, TrialRow } from "../store/rowTypes.js";
import {
  getAttempt,
  listOpenAttempts,
  recordAttemptEnd,
  recordSubmitted,
} from "../store/trialRows.js";
import { attemptToRun, type CampaignIdentity } from "./attemptPlan.js";
import { faultPoint } from "./faultPoints.js";
import { SubmissionHold } from "./submissionHold.js";
import type { TrialProgram } from "./trialProgram.js";

/** What the submitter needs of its campaign runner. */
export interface SubmitterHost {
  readonly db: Db;
  readonly campaignId: number;
  readonly executor: Executor;
  readonly program: TrialProgram;
  identity(): CampaignIdentity;
  /** The campaign still takes submissions. */
  running(): boolean;
  /** A cancelling stop is under way: what gets submitted now is cancelled at once. */
  cancelling(): boolean;
  /** The cluster refused access (host key, login): the campaign stops with this reason. */
  refused(reason: string): void;
  log(level: "info" | "warn" | "error", message: string): void;
  cancel(attemptIds: readonly number[]): void;
  changed(): void;
  checkFailureLimit(): void;
}

/**
 * Submits a campaign's CREATED attempts, one call at a time (an attempt whose submission is in
 * flight is never submitted twice), and decides what a failed submission means:
 * - the cluster did not answer (isUnreachable): the attempts stay CREATED and wait
 *   (SubmissionHold), also while the campaign stops, so that resume looks up by name a copy an
 *   unanswered sbatch may have made;
 * - access refused (host key, login): the campaign stops, the attempts stay CREATED;
 * - any other error is final for them: FAILED, fault SUBMIT_FAILED, with the executor's words.
 */
export class AttemptSubmitter {
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private inFlight = 0;
  private readonly hold = new SubmissionHold();
  /** Attempts left out of a submission, by id: how many times in a row. */
  private readonly leftOut = new Map<number, number>();

  constructor(private readonly host: SubmitterHost) {}

  /** Submits what is CREATED; resolves when done. At most one call waits behind the running one. */
  submitCreated(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(async () => {
      this.queued = null;
      this.inFlight++;
      try {
        await this.submitNow();
      } finally {
        this.inFlight--;
      }
    });
    this.queued = next;
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when no submission is in flight (shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** A submission is under way or waiting (its outcome is not stored yet). */
  get busy(): boolean {
    return this.inFlight > 0 || this.queued !== null;
  }

  /** Submits CREATED attempts grouped by job name (each group may become one job array). */
  private async submitNow(): Promise<void> {
    const h = this.host;
    const open = listOpenAttempts(h.db, h.campaignId, true);
    if (open.length === 0 || !h.running() || this.hold.holding) return;
    const groups = new Map<string, { trial: TrialRow; attempt: AttemptRow }[]>();
    for (const o of open) {
      const g = groups.get(o.attempt.job_name) ?? [];
      g.push(o);
      groups.set(o.attempt.job_name, g);
    }
    let first = true;
    for (const all of groups.values()) {
      // A stop while an earlier group was submitted (a signal, a cancel, the failure limit)
      // submits nothing more; a cancel ended the attempts it found CREATED.
      if (!h.running()) return;
      const group = first
        ? all
        : all.filter((o) => getAttempt(h.db, o.attempt.id)?.state === "CREATED");
      first = false;
      if (group.length === 0) continue;
      const batch = group.map((o) => attemptToRun(h.identity(), h.program, o.trial, o.attempt));
      try {
        const records = await h.executor.submit(batch);
        faultPoint("after-submit-before-record");
        recordSubmitted(h.db, records);
        this.hold.clear();
        // Submitted while a cancelling stop ended them: their jobs must not run on their own.
        if (h.cancelling()) h.cancel(records.map((r) => r.attemptId));
        this.noteLeftOut(group, records);
      } catch (e) {
        if (isAccessRefused(e)) {
          h.refused(accessRefusedReason(e));
          return;
        }
        if (isUnreachable(e)) {
          h.log("warn", this.hold.wait(group.length, errorMessage(e)));
          return;
        }
        h.log("error", `submission failed: ${errorMessage(e)}`);
        recordSubmitFailed(
          h.db,
          group.map((o) => o.attempt),
          e,
        );
        h.checkFailureLimit();
      }
      h.changed();
    }
  }

  /**
   * Attempts an executor left out of a submission (one could not start; a later array chunk
   * failed) stay CREATED and are tried again next cycle, on their own, where their error shows;
   * one left out three times in a row fails.
   */
  private noteLeftOut(
    group: readonly { attempt: AttemptRow }[],
    records: readonly { attemptId: number }[],
  ): void {
    const done = new Set(records.map((r) => r.attemptId));
    const failing: AttemptRow[] = [];
    for (const { attempt } of group) {
      if (done.has(attempt.id)) {
        this.leftOut.delete(attempt.id);
        continue;
      }
      const n = (this.leftOut.get(attempt.id) ?? 0) + 1;
      this.leftOut.set(attempt.id, n);
      if (n >= 3) failing.push(attempt);
    }
    if (failing.length === 0) return;
    recordSubmitFailed(
      this.host.db,
      failing,
      new Error("left out of 3 submissions in a row (the executor could not start it)"),
    );
    for (const a of failing) this.leftOut.delete(a.id);
    this.host.checkFailureLimit();
  }
}

/** Ends never-submitted attempts FAILED (fault SUBMIT_FAILED) with the executor's reason. */
export function recordSubmitFailed(db: Db, attempts: readonly AttemptRow[], e: unknown): void {
  for (const a of attempts)
    recordAttemptEnd(
      db,
      a.id,
      {
        endTime: Date.now(),
        startTime: null,
        exitCode: null,
        signal: null,
        fault: "SUBMIT_FAILED",
        reason: errorMessage(e),
        hostname: null,
      },
      {
        state: "FAILED",
        resultsJson: null,
        semsJson: null,
        extrasJson: null,
        reason: `submission failed: ${errorMessage(e)}`,
      },
      null,
    );
}
