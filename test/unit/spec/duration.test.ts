import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { parseDuration, slurmTime } from "../../../src/spec/duration.js";

const F = 'field "worker_timeout"';

describe("parseDuration", () => {
  it.each([
    ["90s", 90],
    ["30m", 1800],
    ["2h", 7200],
    ["1d", 86400],
    ["1h30m", 5400],
    ["1h 30m 15s", 5415],
    ["1.5h", 5400],
    ["2H", 7200],
    [" 45s ", 45],
    ["5 m", 300],
  ])("reads %j as %i seconds", (text, seconds) => {
    expect(parseDuration(text, F)).toBe(seconds);
  });

  it("reads a bare number in the given unit: minutes for OmniOpt2's --worker_timeout", () => {
    expect(parseDuration("30", F, "m")).toBe(1800);
    expect(parseDuration(30, F, "m")).toBe(1800);
    expect(parseDuration("2.5", F, "m")).toBe(150);
    expect(parseDuration(90, F, "s")).toBe(90);
  });

  it("refuses a bare number where no unit is implied, showing how to write it", () => {
    expect(() => parseDuration("30", F)).toThrow(
      /field "worker_timeout": "30" has no unit; write it with one, e.g. "30m"/,
    );
  });

  it.each(["30x", "30min", "5m5", "1e3s", "-5m", "m", "", "PT5M", "5ms", "0s", "0m0s"])(
    "refuses %j and names the field and the accepted forms",
    (text) => {
      let error: unknown;
      try {
        parseDuration(text, F, "m");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe("SPEC_INVALID");
      expect((error as Error).message).toMatch(/^field "worker_timeout": /);
      expect((error as Error).message).toMatch(/"90s", "30m", "2h"|must be > 0/);
    },
  );

  it("refuses zero and negative bare numbers", () => {
    expect(() => parseDuration(0, F, "m")).toThrow(/field "worker_timeout": must be > 0, got 0/);
    expect(() => parseDuration(-5, F, "m")).toThrow(/must be > 0, got -5/);
  });
});

describe("slurmTime", () => {
  it.each([
    [0, "00:00:00"],
    [59, "00:00:59"],
    [59.2, "00:01:00"],
    [3600, "01:00:00"],
    [5415, "01:30:15"],
    [86400, "1-00:00:00"],
    [90061, "1-01:01:01"],
    [3 * 86400 + 23 * 3600, "3-23:00:00"],
  ])("writes %d seconds as %s", (seconds, text) => {
    expect(slurmTime(seconds)).toBe(text);
  });
});
