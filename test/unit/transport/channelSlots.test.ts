import { describe, expect, it } from "vitest";
import { ChannelSlots } from "../../../src/transport/channelSlots.js";

describe("ChannelSlots", () => {
  it("gives at most `size` slots at once, the next waiter first, and frees a slot once per release", async () => {
    const slots = new ChannelSlots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((r) => (order.push("c"), r));
    const d = slots.acquire().then((r) => (order.push("d"), r));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // a second release of the same slot frees nothing more
    const releaseC = await c;
    await Promise.resolve();
    expect(order).toEqual(["c"]);
    b();
    await d;
    expect(order).toEqual(["c", "d"]);
    releaseC();
  });

  it("has at least one slot", async () => {
    const release = await new ChannelSlots(0).acquire();
    expect(typeof release).toBe("function");
  });
});
