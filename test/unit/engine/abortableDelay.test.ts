import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortableDelay } from "../../../src/engine/abortableDelay.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Whether the promise has settled after the pending microtasks ran. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe("AbortableDelay", () => {
  it("ends after the given time", async () => {
    const d = new AbortableDelay();
    const p = d.wait(1000);
    expect(await settled(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(p)).toBe(true);
  });

  it("ends early on wake() and clears its timer", async () => {
    const d = new AbortableDelay();
    const p = d.wait(60_000);
    d.wake();
    expect(await settled(p)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("remembers a wake() between waits: the next wait ends at once, the one after does not", async () => {
    const d = new AbortableDelay();
    d.wake();
    expect(await settled(d.wait(60_000))).toBe(true);
    const later = d.wait(60_000);
    expect(await settled(later)).toBe(false);
    d.wake();
    expect(await settled(later)).toBe(true);
  });

  it("ends the current wait on cancel() and every later wait at once", async () => {
    const d = new AbortableDelay();
    const p = d.wait(60_000);
    d.cancel();
    expect(await settled(p)).toBe(true);
    expect(await settled(d.wait(60_000))).toBe(true);
    expect(await settled(d.wait(60_000))).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancel() before any wait makes waits end at once", async () => {
    const d = new AbortableDelay();
    d.cancel();
    expect(await settled(d.wait(1000))).toBe(true);
  });
});
