import { describe, expect, it } from "vitest";
import { PollSchedule } from "../../../src/slurm/pollSchedule.js";

describe("PollSchedule", () => {
  it("is due at once, then only after the interval", () => {
    const s = new PollSchedule({ minMs: 5000, maxMs: 60000 });
    expect(s.isDue(0)).toBe(true);
    s.polled(1000, true);
    expect(s.isDue(5999)).toBe(false);
    expect(s.msUntilDue(3000)).toBe(3000);
    expect(s.isDue(6000)).toBe(true);
  });

  it("backs off while nothing changes, up to the maximum, and resets on change", () => {
    const s = new PollSchedule({ minMs: 5000, maxMs: 20000, factor: 2 });
    const seen: number[] = [];
    let t = 0;
    for (let i = 0; i < 5; i++) {
      s.polled(t, false);
      seen.push(s.currentIntervalMs);
      t += s.currentIntervalMs;
    }
    expect(seen).toEqual([10000, 20000, 20000, 20000, 20000]);
    s.polled(t, true);
    expect(s.currentIntervalMs).toBe(5000);
    s.polled(t + 5000, false);
    s.reset();
    expect(s.currentIntervalMs).toBe(5000);
  });

  it("never goes below the floor unless the floor is lowered", () => {
    expect(new PollSchedule({ minMs: 100, maxMs: 1000 }).minMs).toBe(5000);
    expect(new PollSchedule({ minMs: 100, maxMs: 1000 }).maxMs).toBe(5000);
    expect(new PollSchedule({ minMs: 100, maxMs: 1000, floorMs: 50 }).minMs).toBe(100);
  });
});
