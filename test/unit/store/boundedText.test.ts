import { describe, expect, it } from "vitest";
import { MAX_STORED_TEXT, boundedText } from "../../../src/store/boundedText.js";

describe("boundedText", () => {
  it("keeps a text that fits, and cuts a longer one with a marker saying how much was cut", () => {
    expect(boundedText("short")).toBe("short");
    expect(boundedText("x".repeat(MAX_STORED_TEXT))).toHaveLength(MAX_STORED_TEXT);
    const cut = boundedText("y".repeat(5_000_000));
    expect(cut.length).toBeLessThanOrEqual(MAX_STORED_TEXT);
    expect(cut).toMatch(/^y+ \.\.\. \[truncated: \d+ more characters\]$/);
    const kept = /^(y+)/.exec(cut)![1]!.length;
    expect(cut).toContain(`[truncated: ${5_000_000 - kept} more characters]`);
  });

  it("never cuts a surrogate pair in half", () => {
    const text = "a".repeat(35) + "😀".repeat(50);
    const cut = boundedText(text, 100);
    // The kept part is valid UTF-16: no lone high surrogate before the marker.
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut).toContain("[truncated:");
  });
});
