/** Node's timers hold at most 2^31 - 1 ms (~24.8 days); a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending call after a delay of any length; `clear()` cancels it. */
export interface LongTimeout {
  clear(): void;
}

/**
 * Calls `fn` after `ms` milliseconds, chaining Node timers for delays beyond MAX_TIMER_MS, so a
 * time limit of months or years waits that long instead of firing at once. The timers are
 * unref'ed when `unref` is set (they then keep no process alive).
 */
export function setLongTimeout(fn: () => void, ms: number, unref = false): LongTimeout {
  const due = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout | null = null;
  let cleared = false;
  const arm = (left: number): void => {
    timer = setTimeout(
      () => {
        if (cleared) return;
        const rest = due - Date.now();
        if (rest > 0) arm(rest);
        else fn();
      },
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
    if (unref) timer.unref();
  };
  // Infinity (no limit expressed as a number) never fires.
  if (Number.isFinite(due)) arm(ms);
  return {
    clear(): void {
      cleared = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
