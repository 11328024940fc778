import { errorMessage } from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import { listOpenAttemptRows } from "../store/campaignAttempts.js";
import type { Db } from "../store/openStore.js";
import { unstartedAttempts } from "./submitAhead.js";

/** What the holds need of their campaign runner. */
export interface AheadHoldsHost {
  readonly db: Db;
  readonly campaignId: number;
  readonly uid: string;
  readonly executor: Executor;
  log(level: "info" | "warn", message: string): void;
  /** Work the runner waits for before it settles. */
  track(work: Promise<void>): void;
}

/**
 * Submitted jobs of a campaign that must not start: while the daemon holds the campaign (paused,
 * submit window closed) and after a stop that lets the running trials finish, every job Slurm has
 * not started (queued behind a running one, submit-ahead, or pending for resources) is held in
 * Slurm (scontrol hold), so nothing new starts; they are released when the campaign goes on
 * (continue, window open, resume).
 */
export class AheadHolds {
  private readonly held = new Set<number>();

  constructor(private readonly host: AheadHoldsHost) {}

  /** Holds the queued jobs that have not started and are not held yet. */
  hold(): void {
    const ids = this.unstarted().filter((id) => !this.held.has(id));
    if (ids.length === 0) return;
    for (const id of ids) this.held.add(id);
    this.send(ids, true);
  }

  /** Releases what this runner held, or (`all`, on resume) every unstarted job of the campaign. */
  release(all = false): void {
    const ids = all ? this.unstarted() : [...this.held];
    this.held.clear();
    if (ids.length > 0) this.send(ids, false);
  }

  private unstarted(): number[] {
    if (this.host.executor.holdQueued === undefined) return [];
    return unstartedAttempts(listOpenAttemptRows(this.host.db, this.host.campaignId));
  }

  private send(ids: readonly number[], hold: boolean): void {
    const h = this.host;
    const refs = ids.map((attemptId) => ({ campaignUid: h.uid, attemptId }));
    h.log(
      "info",
      `${hold ? "holding" : "releasing"} ${ids.length} trial job(s) Slurm has not started`,
    );
    h.track(
      (h.executor.holdQueued?.(refs, hold) ?? Promise.resolve()).catch((e: unknown) =>
        h.log(
          "warn",
          `${hold ? "holding" : "releasing"} queued trial jobs failed: ${errorMessage(e)}; ${hold ? "they may start when the jobs before them end" : `release them with scontrol release`}`,
        ),
      ),
    );
  }
}
