/** First and longest wait before attempts that could not reach the cluster are tried again. */
export const HOLD_FIRST_MS = 5_000;
export const HOLD_LONGEST_MS = 300_000;

/**
 * Attempts whose submission could not reach the cluster (slurmctld or the connection down)
 * stay CREATED and wait: the next try comes after a pause that doubles from 5 s to 5 min and
 * drops back after a submission that worked. Nothing is decided in between, so an outage of
 * any length costs no trial; running trials are watched meanwhile.
 */
export class SubmissionHold {
  private retryAt = 0;
  private waitMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether submissions wait now. */
  get holding(): boolean {
    return this.now() < this.retryAt;
  }

  /** Something could not be submitted: wait longer before the next try. Returns the wait. */
  hold(): number {
    this.waitMs = Math.min(HOLD_LONGEST_MS, Math.max(HOLD_FIRST_MS, this.waitMs * 2));
    this.retryAt = this.now() + this.waitMs;
    return this.waitMs;
  }

  /** `n` attempts could not be submitted (`why`): holds, and says so for the log. */
  wait(n: number, why: string): string {
    const waitS = Math.round(this.hold() / 1000);
    return `${n} trial(s) wait for submission (${why}); trying again in ${waitS} s, running trials are still watched`;
  }

  /** A submission worked: the next hold starts short again. */
  clear(): void {
    this.waitMs = 0;
    this.retryAt = 0;
  }
}
