import { describe, expect, it } from "vitest";
import { parseExitStatus } from "../../../src/executor/exitStatusFile.js";
import {
  buildSlurmAttemptResult,
  type FinishedJobFacts,
} from "../../../src/slurm/slurmAttemptResult.js";
import { slurmStateMeaning } from "../../../src/slurm/slurmStates.js";

const facts = (over: Partial<FinishedJobFacts>): FinishedJobFacts => ({
  meaning: slurmStateMeaning("COMPLETED"),
  sacctExitCode: 0,
  sacctSignal: 0,
  exitStatus: parseExitStatus("exit=0 start=100 end=160 host=node7"),
  stdout: "RESULT: 1.5\n",
  slurmStderr: "",
  programStderr: "",
  nodes: "node7",
  startTime: 99_000,
  endTime: 161_000,
  now: 200_000,
  started: true,
  ...over,
});

describe("buildSlurmAttemptResult", () => {
  it("reports a completed job from its exit-status file, without a fault", () => {
    expect(buildSlurmAttemptResult(facts({}))).toEqual({
      exitCode: 0,
      signal: null,
      fault: null,
      faultReason: null,
      stdout: "RESULT: 1.5\n",
      startTime: 100_000,
      endTime: 160_000,
      hostname: "node7",
      retryable: false,
    });
  });

  it("keeps a failing program's exit code and no fault", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        sacctExitCode: 3,
        exitStatus: parseExitStatus("exit=3 start=1 end=2 host=n"),
      }),
    );
    expect(r).toMatchObject({ exitCode: 3, fault: null, signal: null });
  });

  it("maps TIMEOUT and records the signal the script forwarded", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("TIMEOUT"),
        exitStatus: parseExitStatus("exit=143 start=1 end=2 host=n signal=TERM"),
      }),
    );
    expect(r).toMatchObject({
      fault: "TIMEOUT",
      exitCode: 143,
      signal: "SIGTERM",
      retryable: false,
    });
  });

  it("does not count a forwarded signal the program caught before it exited on its own", () => {
    const r = buildSlurmAttemptResult(
      facts({ exitStatus: parseExitStatus("exit=0 start=1 end=2 host=n signal=USR1") }),
    );
    expect(r).toMatchObject({ fault: null, exitCode: 0, signal: null });
    const died = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        sacctExitCode: 138,
        exitStatus: parseExitStatus("exit=138 start=1 end=2 host=n signal=USR1"),
      }),
    );
    expect(died).toMatchObject({ fault: null, exitCode: 138, signal: "SIGUSR1" });
  });

  it("reads exit codes above 128 as exit codes unless the wait status names a signal", () => {
    for (const code of [252, 255, 137]) {
      const r = buildSlurmAttemptResult(
        facts({ exitStatus: parseExitStatus(`exit=${code} start=1 end=2 host=n`) }),
      );
      expect(r).toMatchObject({ exitCode: code, signal: null, fault: null });
    }
    const killed = buildSlurmAttemptResult(
      facts({ exitStatus: parseExitStatus("exit=139 start=1 end=2 host=n killed=11") }),
    );
    expect(killed).toMatchObject({ exitCode: 139, signal: "SIGSEGV", fault: null });
  });

  it("turns OverMemoryKill (FAILED 0:9, batch step CANCELLED by 0) into OUT_OF_MEMORY with the message", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        sacctExitCode: 0,
        sacctSignal: 9,
        exitStatus: null,
        slurmStderr:
          "slurmstepd-vm: error: StepId=15.batch exceeded memory limit (413958144 > 104857600), being killed\nslurmstepd-vm: error: Exceeded job memory limit\n",
      }),
    );
    expect(r.fault).toBe("OUT_OF_MEMORY");
    expect(r.faultReason).toContain("exceeded memory limit (413958144 > 104857600)");
    expect(r.signal).toBe("SIGKILL");
    expect(r.exitCode).toBeNull();
  });

  it("maps the OUT_OF_MEMORY state even without a message", () => {
    expect(
      buildSlurmAttemptResult(facts({ meaning: slurmStateMeaning("OUT_OF_MEMORY") })).fault,
    ).toBe("OUT_OF_MEMORY");
  });

  it("reports CANCELLED with who cancelled, and a job cancelled while pending without times", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("CANCELLED by 1000"),
        exitStatus: null,
        sacctExitCode: 0,
        startTime: null,
        endTime: null,
        nodes: null,
        stdout: "",
        started: false,
      }),
    );
    expect(r).toMatchObject({
      fault: "CANCELLED",
      faultReason: "cancelled by uid 1000",
      startTime: null,
      endTime: 200_000,
      hostname: null,
    });
  });

  it("makes NODE_FAIL and PREEMPTED retryable", () => {
    expect(
      buildSlurmAttemptResult(facts({ meaning: slurmStateMeaning("NODE_FAIL"), exitStatus: null })),
    ).toMatchObject({
      fault: "NODE_FAIL",
      retryable: true,
      hostname: "node7",
    });
    expect(
      buildSlurmAttemptResult(facts({ meaning: slurmStateMeaning("PREEMPTED") })).retryable,
    ).toBe(true);
  });

  it("calls a FAILED job killed by a signal before writing its status KILLED", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        exitStatus: null,
        sacctExitCode: 0,
        sacctSignal: 15,
      }),
    );
    expect(r).toMatchObject({ fault: "KILLED", signal: "SIGTERM" });
  });

  it("reports a job Slurm forgot as LOST, retryable only if it never started", () => {
    const lost = facts({
      meaning: null,
      exitStatus: null,
      started: false,
      lostReason: "not in squeue or sacct for 120 s",
    });
    expect(buildSlurmAttemptResult(lost)).toMatchObject({
      fault: "LOST",
      retryable: true,
      faultReason: "not in squeue or sacct for 120 s",
    });
    expect(buildSlurmAttemptResult({ ...lost, started: true }).retryable).toBe(false);
  });

  it("without accounting, trusts the exit-status file for the exit code", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        sacctExitCode: null,
        sacctSignal: null,
        exitStatus: parseExitStatus("exit=2 start=1 end=2 host=n"),
      }),
    );
    expect(r).toMatchObject({ exitCode: 2, fault: null });
  });

  it("says so when a finished job left no exit-status file and no exit code", () => {
    const r = buildSlurmAttemptResult(
      facts({
        meaning: slurmStateMeaning("FAILED"),
        sacctExitCode: null,
        sacctSignal: null,
        exitStatus: null,
      }),
    );
    expect(r.exitCode).toBeNull();
    expect(r.fault).toBeNull();
    expect(r.faultReason).toMatch(/no exit-status file/);
  });
});
