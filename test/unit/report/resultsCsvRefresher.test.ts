import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RESULTS_CSV_RETRY_MS, ResultsCsvRefresher } from "../../../src/report/writeResultsCsv.js";

describe("ResultsCsvRefresher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A refresher whose rewrite "takes" `cost()` ms of the fake clock. */
  function refresher(cost: () => number): { r: ResultsCsvRefresher; writes: number[] } {
    const writes: number[] = [];
    let now = 0;
    const clock = (): number => Date.now() + now;
    const r = new ResultsCsvRefresher(
      () => {
        writes.push(clock());
        now += cost();
      },
      2000,
      clock,
    );
    return { r, writes };
  }

  it("writes at once the first time, then at most every minimum interval", () => {
    const { r, writes } = refresher(() => 1);
    r.changed();
    vi.advanceTimersByTime(0);
    expect(writes).toHaveLength(1);
    for (let i = 0; i < 50; i++) {
      r.changed();
      vi.advanceTimersByTime(100);
    }
    // 5 s of changes every 100 ms: two more rewrites, 2 s apart
    expect(writes).toHaveLength(3);
    expect(writes[2]! - writes[1]!).toBeGreaterThanOrEqual(2000);
  });

  it("spaces slow rewrites by fifty times their duration, so their share of the time stays small", () => {
    const { r, writes } = refresher(() => 400); // a large campaign: 0.4 s per rewrite
    r.changed();
    vi.advanceTimersByTime(0);
    expect(r.intervalMs).toBe(20_000);
    for (let i = 0; i < 600; i++) {
      r.changed();
      vi.advanceTimersByTime(100);
    }
    // 60 s of changes: the first write, then one 20 s after it ended, then one more
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length; i++)
      expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(20_000);
  });

  it("flush writes at once, whatever the interval", () => {
    const { r, writes } = refresher(() => 400);
    r.flush();
    r.changed();
    r.flush();
    expect(writes).toHaveLength(2);
  });

  it("a failing rewrite never throws: it is reported once, retried without further changes, and its recovery reported", () => {
    let failWith: string | null = "EISDIR: illegal operation on a directory";
    let writes = 0;
    const problems: (string | null)[] = [];
    const r = new ResultsCsvRefresher(
      () => {
        writes++;
        if (failWith !== null) throw new Error(failWith);
      },
      2000,
      () => Date.now(),
      (p) => problems.push(p),
    );
    r.changed();
    expect(() => vi.advanceTimersByTime(0)).not.toThrow();
    expect(writes).toBe(1);
    expect(r.failing).toMatch(/EISDIR/);
    expect(problems).toEqual(["EISDIR: illegal operation on a directory"]);
    // No change arrives, yet the rewrite is tried again; the same problem is not reported twice.
    vi.advanceTimersByTime(RESULTS_CSV_RETRY_MS);
    expect(writes).toBe(2);
    expect(problems).toHaveLength(1);
    expect(r.flush()).toBe(false);
    failWith = null;
    vi.advanceTimersByTime(RESULTS_CSV_RETRY_MS);
    expect(writes).toBe(4);
    expect(r.failing).toBeNull();
    expect(problems).toEqual(["EISDIR: illegal operation on a directory", null]);
    // Once it works, it waits for changes again.
    vi.advanceTimersByTime(10 * RESULTS_CSV_RETRY_MS);
    expect(writes).toBe(4);
    r.close();
  });
});
