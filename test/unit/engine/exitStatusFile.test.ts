import { describe, expect, it } from "vitest";
import { parseExitStatus } from "../../../src/executor/exitStatusFile.js";

describe("parseExitStatus", () => {
  it("reads the exit code, times (to milliseconds) and host", () => {
    expect(parseExitStatus("exit=0 start=1700000000 end=1700000042 host=node01\n")).toEqual({
      exitCode: 0,
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_042_000,
      hostname: "node01",
      signal: null,
      killedBy: null,
    });
  });

  it("reads fields in any order, with fractional seconds and a forwarded signal", () => {
    expect(
      parseExitStatus("host=n2.cluster.local signal=USR1 end=10.5 exit=143 start=9.25"),
    ).toEqual({
      exitCode: 143,
      startTime: 9250,
      endTime: 10_500,
      hostname: "n2.cluster.local",
      signal: "USR1",
      killedBy: null,
    });
  });

  it("gives null for empty or missing fields", () => {
    expect(parseExitStatus("exit= start= host=")).toEqual({
      exitCode: null,
      startTime: null,
      endTime: null,
      hostname: null,
      signal: null,
      killedBy: null,
    });
    expect(parseExitStatus("exit=1")).toMatchObject({
      exitCode: 1,
      startTime: null,
      hostname: null,
    });
  });

  it("names the signal that ended the program from killed=<number>", () => {
    expect(parseExitStatus("exit=137 killed=9")?.killedBy).toBe("SIGKILL");
    expect(parseExitStatus("exit=139 killed=11")?.killedBy).toBe("SIGSEGV");
    expect(parseExitStatus("exit=252")?.killedBy).toBe(null);
    expect(parseExitStatus("exit=1 killed=abc")?.killedBy).toBe(null);
  });

  it("gives null for numbers it cannot read", () => {
    expect(parseExitStatus("exit=abc start=soon end=1")).toMatchObject({
      exitCode: null,
      startTime: null,
      endTime: 1000,
    });
  });

  it("returns null when there is no exit field (an unfinished or foreign file)", () => {
    expect(parseExitStatus("")).toBeNull();
    expect(parseExitStatus("start=1700000000 host=n1")).toBeNull();
  });

  it("lets a later line win when the file was written twice (requeued job)", () => {
    expect(
      parseExitStatus("exit=1 start=100 end=110 host=a\nexit=0 start=200 end=230 host=b\n"),
    ).toMatchObject({ exitCode: 0, startTime: 200_000, endTime: 230_000, hostname: "b" });
  });
});
