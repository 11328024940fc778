import { TextDecoder } from "node:util";
import { errorMessage } from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import type { Db } from "../store/openStore.js";
import type { TrialOutcomeValues } from "../engine/trialProgram.js";
import {
  insertProgress,
  lastProgressValues,
  progressAtStep,
  recordStopOrder,
  STOP_ORDER_PREFIX,
  storedStopOrder,
  type ProgressValue,
} from "../store/progressRows.js";
import type { TrialWithAttempt } from "../store/trialRows.js";
import { ProgressLineParser } from "./progressLines.js";
import { decideEarlyStop, type EarlyStopping } from "./stoppingRules.js";

/** Output reads sent at once per cycle (SFTP requests in flight on the one channel). */
const READS_IN_FLIGHT = 16;

/** `fn` over `items`, at most `width` at a time; the results in the items' order. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

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

  /**
   * Reads the new output of the running attempts; returns the ones to stop now. The reads of
   * one cycle go out together (over SSH they share the transport's one SFTP channel, a few
   * requests in flight at a time), then the values are stored and judged in trial order.
   */
  async poll(executor: Executor, open: readonly TrialWithAttempt[]): Promise<StopOrder[]> {
    const read = executor.readOutputFrom?.bind(executor);
    if (read === undefined) return [];
    const orders: StopOrder[] = [];
    const live = new Set<number>();
    const toRead: {
      trial: TrialWithAttempt["trial"];
      attempt: TrialWithAttempt["attempt"];
      f: Followed;
    }[] = [];
    for (const { trial, attempt } of open) {
      if (attempt.state !== "RUNNING") continue;
      live.add(attempt.id);
      if (this.ordered.has(attempt.id)) continue;
      // A decision stored by an earlier controller that may not have cancelled it yet.
      const stored = storedStopOrder(this.db, attempt.id);
      if (stored !== null) {
        this.ordered.set(attempt.id, stored);
        orders.push({ attemptId: attempt.id, trialIndex: trial.trial_index, reason: stored });
        continue;
      }
      let f = this.followed.get(attempt.id);
      if (f === undefined) {
        f = { offset: 0, parser: new ProgressLineParser(this.names), decoder: new TextDecoder() };
        this.followed.set(attempt.id, f);
      }
      toRead.push({ trial, attempt, f });
    }
    const read1 = async (x: (typeof toRead)[number]): Promise<Buffer | null> => {
      try {
        return await read(x.attempt.dir, x.f.offset);
      } catch (e) {
        this.warn(`trial ${x.trial.trial_index}: cannot read its output: ${errorMessage(e)}`);
        return null;
      }
    };
    const got = await inBatches(toRead, READS_IN_FLIGHT, read1);
    for (const [i, { trial, attempt, f }] of toRead.entries()) {
      const bytes = got[i] ?? null;
      if (bytes === null || bytes.length === 0) continue;
      f.offset += bytes.length;
      const values = f.parser.feed(f.decoder.decode(bytes, { stream: true }));
      if (values.length === 0) continue;
      insertProgress(this.db, trial.id, values);
      const reason = this.decide(trial.id, values);
      if (reason !== null) {
        recordStopOrder(this.db, attempt.id, reason);
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
    const reason = this.ordered.get(attemptId) ?? storedStopOrder(this.db, attemptId);
    this.ordered.delete(attemptId);
    this.followed.delete(attemptId);
    // What it printed after the last read (it may have ended between two polls) counts too.
    insertProgress(this.db, trialId, new ProgressLineParser(this.names).feed(`${stdout}\n`));
    if (reason === null || o.state !== "CANCELLED") return o;
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
      if (d.stop) return `${STOP_ORDER_PREFIX}${d.reason}`;
    }
    return null;
  }
}
