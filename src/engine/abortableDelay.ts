/**
 * A delay that `wake()` ends early (new events) and that ends at once after `cancel()` (stop).
 * The poll loop's shape: while (!stopping) { work(); await delay.wait(ms); }
 */
export class AbortableDelay {
  private timer: NodeJS.Timeout | null = null;
  private resolve: (() => void) | null = null;
  private woken = false;
  private cancelled = false;

  wait(ms: number): Promise<void> {
    if (this.cancelled || this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.fire(), ms);
    });
  }

  /** Ends the current wait (or the next one, if none is in progress). */
  wake(): void {
    if (this.resolve) this.fire();
    else this.woken = true;
  }

  cancel(): void {
    this.cancelled = true;
    this.wake();
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const r = this.resolve;
    this.resolve = null;
    r?.();
  }
}
