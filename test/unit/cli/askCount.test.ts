import { describe, expect, it } from "vitest";
import { askCount } from "../../../src/cli/askTellCommands.js";

describe("askCount: the count of slurmopt ask", () => {
  it("is 1 without a count, the positional or --n when one is given", () => {
    expect(askCount(undefined, undefined)).toBe(1);
    expect(askCount("3", undefined)).toBe(3);
    expect(askCount(undefined, 4)).toBe(4);
    expect(askCount("2", 2)).toBe(2);
  });

  it("refuses a count that is no whole number >= 1, and two different counts", () => {
    for (const bad of ["abc", "0", "-1", "1.5", " "])
      expect(() => askCount(bad, undefined)).toThrow(/count must be a whole number of at least 1/);
    expect(() => askCount("2", 3)).toThrow(/count given twice \(2 and --n 3\); give it once/);
  });
});
