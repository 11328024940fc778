import { describe, expect, it } from "vitest";
import {
  formatSlurmDuration,
  formatSlurmMemory,
  parseSlurmDuration,
  parseSlurmMemoryMb,
  parseSlurmTimestamp,
} from "../../../src/slurm/slurmTime.js";

describe("parseSlurmDuration", () => {
  it.each([
    ["5", 300],
    ["5:00", 300],
    ["1:06", 66],
    ["00:05:00", 300],
    ["01:02:03", 3723],
    ["1-00:00:00", 86400],
    ["2-3", 2 * 86400 + 3 * 3600],
    ["2-3:04", 2 * 86400 + 3 * 3600 + 240],
    ["0:00", 0],
  ])("reads %s as %d seconds", (text, seconds) => {
    expect(parseSlurmDuration(text)).toBe(seconds);
  });

  it("reads UNLIMITED and infinite as Infinity", () => {
    expect(parseSlurmDuration("UNLIMITED")).toBe(Infinity);
    expect(parseSlurmDuration("infinite")).toBe(Infinity);
  });

  it.each(["", "NONE", "N/A", "Partition_Limit", "1:2:3:4", "abc"])("rejects %j", (text) => {
    expect(parseSlurmDuration(text)).toBeNull();
  });
});

describe("formatSlurmDuration", () => {
  it("writes D-HH:MM:SS and rounds up partial seconds", () => {
    expect(formatSlurmDuration(120)).toBe("00:02:00");
    expect(formatSlurmDuration(3723.2)).toBe("01:02:04");
    expect(formatSlurmDuration(90061)).toBe("1-01:01:01");
  });

  it("round-trips through the parser", () => {
    for (const s of [1, 59, 60, 3599, 3600, 86399, 86400, 200000]) {
      expect(parseSlurmDuration(formatSlurmDuration(s))).toBe(s);
    }
  });

  it("refuses zero, negative and infinite limits", () => {
    expect(() => formatSlurmDuration(0)).toThrow(RangeError);
    expect(() => formatSlurmDuration(-5)).toThrow(RangeError);
    expect(() => formatSlurmDuration(Infinity)).toThrow(RangeError);
  });
});

describe("Slurm memory sizes", () => {
  it.each([
    ["100M", 100],
    ["2048", 2048],
    ["4G", 4096],
    ["1.5G", 1536],
    ["512K", 0.5],
    ["1T", 1048576],
    ["16G", 16384],
  ])("reads %s as %d MB", (text, mb) => {
    expect(parseSlurmMemoryMb(text)).toBe(mb);
  });

  it("reads UNLIMITED as Infinity and rejects what is not a size", () => {
    expect(parseSlurmMemoryMb("UNLIMITED")).toBe(Infinity);
    expect(parseSlurmMemoryMb("lots")).toBeNull();
  });

  it("writes whole megabytes, rounded up", () => {
    expect(formatSlurmMemory(100)).toBe("100M");
    expect(formatSlurmMemory(1536.2)).toBe("1537M");
    expect(() => formatSlurmMemory(0)).toThrow(RangeError);
  });
});

describe("parseSlurmTimestamp", () => {
  it("reads local ISO times and treats Unknown/None as null", () => {
    expect(parseSlurmTimestamp("2026-11-23T11:53:23")).toBe(
      new Date(2026, 10, 23, 11, 53, 23).getTime(),
    );
    expect(parseSlurmTimestamp("Unknown")).toBeNull();
    expect(parseSlurmTimestamp("None")).toBeNull();
    expect(parseSlurmTimestamp("N/A")).toBeNull();
  });
});
