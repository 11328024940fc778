import { TextDecoder } from "node:util";
import { errorMessage } from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import type { Db } from "../store/openStore.js";
import type { TrialOutcomeValues } from "../engine/trialProgram.js";
import {
  insertProgress,
  lastProgressValues,
  progressAtStep,
  type ProgressValue,
} from "../store/progressRows.js";
import type { TrialWithAttempt } from "../store/trialRows.js";
import { ProgressLineParser } from "./progressLines.js";
import { decideEarlyStop, type EarlyStopping } from "./stoppingRules.js";

/** A running attempt the rule says to stop. */
export interface StopOrder {
  readonly attemptId: number;
  readonly trialIndex: number;
  readonly reason: string;
}

interface Followed {
  offset: number;
  readonly parser: ProgressLineParser;
  readonly decoder: TextDecoder;
}

/**
 * Follows the stdout of a campaign's running attempts: each call reads only what was added
 * since the last one (the offset is remembered per attempt), stores the progress values per
 * trial and step, and decides at each new value of the rule's metric whether the trial is to be
 * stopped. Remembers which attempts it ordered stopped until they are collected.
 */
export class ProgressFollower {
  private readonly followed = new Map<number, Followed>();
  private readonly ordered = new Map<number, string>();
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly db: Db,
    private readonly campaignId: number,
    private readonly rule: EarlyStopping,
    private readonly goal: "min" | "max",
    names: readonly string[],
    private readonly warn: (message: string) => void,
  ) {
    this.names = new Set(names);
  }

  /** Reads the new output of the running attempts; returns the ones to stop now. */
  async poll(executor: Executor, open: readonly TrialWithAttempt[]): Promise<StopOrder[]> {
    const read = executor.readOutputFrom?.bind(executor);
    if (read === undefined) return [];
    const orders: StopOrder[] = [];
    const live = new Set<number>();
    for (const { trial, attempt } of open) {
      if (attempt.state !== "RUNNING") continue;
      live.add(attempt.id);
      if (this.ordered.has(attempt.id)) continue;
      let f = this.followed.get(attempt.id);
      if (f === undefined) {
        f = { offset: 0, parser: new ProgressLineParser(this.names), decoder: new TextDecoder() };
        this.followed.set(attempt.id, f);
      }
      let bytes: Buffer | null;
      try {
        bytes = await read(attempt.dir, f.offset);
      } catch (e) {
        this.warn(`trial ${trial.trial_index}: cannot read its output: ${errorMessage(e)}`);
        continue;
      }
      if (bytes === null || bytes.length === 0) continue;
      f.offset += bytes.length;
      const values = f.parser.feed(f.decoder.decode(bytes, { stream: true }));
      if (values.length === 0) continue;
      insertProgress(this.db, trial.id, values);
      const reason = this.decide(trial.id, values);
      if (reason !== null) {
        this.ordered.set(attempt.id, reason);
        orders.push({ attemptId: attempt.id, trialIndex: trial.trial_index, reason });
      }
    }
    // Attempts no longer running are forgotten (their outcome was collected).
    for (const id of this.followed.keys()) if (!live.has(id)) this.followed.delete(id);
    return orders;
  }

  /**
   * The outcome to store for a finished attempt: one this follower ordered stopped that ended
   * by the cancel is EARLY_STOPPED with its last progress values as results (Ax keeps them as
   * data); one that finished on its own meanwhile keeps its own outcome. The progress lines of
   * its whole output are stored (once more: a step printed again keeps its last value).
   */
  outcome(
    attemptId: number,
    trialId: number,
    o: TrialOutcomeValues,
    stdout: string,
  ): TrialOutcomeValues {
    const reason = this.ordered.get(attemptId);
    this.ordered.delete(attemptId);
    this.followed.delete(attemptId);
    // What it printed after the last read (it may have ended between two polls) counts too.
    insertProgress(this.db, trialId, new ProgressLineParser(this.names).feed(`${stdout}\n`));
    if (reason === undefined || o.state !== "CANCELLED") return o;
    return {
      ...o,
      state: "EARLY_STOPPED",
      values: { ...o.values, ...lastProgressValues(this.db, trialId) },
      reason,
    };
  }

  /** The first new value of the rule's metric that says stop, as a reason; null: go on. */
  private decide(trialId: number, values: readonly ProgressValue[]): string | null {
    for (const v of values) {
      if (v.metric !== this.rule.metric) continue;
      const others = progressAtStep(this.db, this.campaignId, v.metric, v.step, trialId);
      const d = decideEarlyStop(this.rule, this.goal, v.step, v.value, others);
      if (d.stop) return `early stopped: ${d.reason}`;
    }
    return null;
  }
}
