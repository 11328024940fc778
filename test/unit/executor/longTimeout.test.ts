import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout } from "../../../src/executor/longTimeout.js";

describe("setLongTimeout", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits a delay beyond Node's 2^31 - 1 ms timer limit to its end", () => {
    const fn = vi.fn();
    const ms = 40_000 * 60_000; // --worker_timeout 40000 (minutes)
    setLongTimeout(fn, ms);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(ms - MAX_TIMER_MS - 1001);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("waits years, fires short delays once and never fires when cleared", () => {
    const years = vi.fn();
    setLongTimeout(years, 3 * 365 * 86_400_000);
    vi.advanceTimersByTime(2 * 365 * 86_400_000);
    expect(years).not.toHaveBeenCalled();
    const short = vi.fn();
    setLongTimeout(short, 50);
    const cleared = vi.fn();
    setLongTimeout(cleared, 3 * MAX_TIMER_MS).clear();
    vi.advanceTimersByTime(4 * MAX_TIMER_MS);
    expect(short).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
  });
});
