/**
 * When to ask Slurm next. Sites forbid squeue in tight loops: the interval starts at `minMs`
 * (with a floor), grows by `factor` for every cycle in which nothing changed, up to `maxMs`,
 * and drops back to `minMs` as soon as something changes (a submission, a state change).
 * Failed queries back off the same way.
 */

export interface PollScheduleOptions {
  minMs: number;
  maxMs: number;
  /** Growth per quiet cycle (default 1.5). */
  factor?: number;
  /** The lowest interval allowed (default 5000 ms; tests may go lower). */
  floorMs?: number;
}

export const DEFAULT_POLL_FLOOR_MS = 5000;

export class PollSchedule {
  readonly minMs: number;
  readonly maxMs: number;
  private readonly factor: number;
  private intervalMs: number;
  private lastPollAt: number | null = null;

  constructor(options: PollScheduleOptions) {
    const floor = options.floorMs ?? DEFAULT_POLL_FLOOR_MS;
    this.minMs = Math.max(floor, options.minMs);
    this.maxMs = Math.max(this.minMs, options.maxMs);
    this.factor = Math.max(1, options.factor ?? 1.5);
    this.intervalMs = this.minMs;
  }

  /** The current interval between two queries. */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /** True when a query may run now. */
  isDue(now: number): boolean {
    return this.lastPollAt === null || now - this.lastPollAt >= this.intervalMs;
  }

  /** Milliseconds until the next query is due (0 when due). */
  msUntilDue(now: number): number {
    return this.lastPollAt === null ? 0 : Math.max(0, this.lastPollAt + this.intervalMs - now);
  }

  /** Records a query; `changed` says whether it brought news. */
  polled(now: number, changed: boolean): void {
    this.lastPollAt = now;
    this.intervalMs = changed
      ? this.minMs
      : Math.min(this.maxMs, Math.round(this.intervalMs * this.factor));
  }

  /** Something happened that needs a prompt look (a submission or a cancel): back to the minimum. */
  reset(): void {
    this.intervalMs = this.minMs;
  }
}
