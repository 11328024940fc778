import { describe, expect, it } from "vitest";
import {
  KNOWN_SLURM_STATES,
  findMemoryKillMessage,
  parseSacctExitCode,
  slurmStateMeaning,
} from "../../../src/slurm/slurmStates.js";

describe("slurmStateMeaning", () => {
  it("knows every Slurm job state", () => {
    expect([...KNOWN_SLURM_STATES].sort()).toEqual(
      [
        "BOOT_FAIL",
        "CANCELLED",
        "COMPLETED",
        "COMPLETING",
        "CONFIGURING",
        "DEADLINE",
        "FAILED",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PENDING",
        "PREEMPTED",
        "REQUEUED",
        "REQUEUE_FED",
        "REQUEUE_HOLD",
        "RESIZING",
        "RESV_DEL_HOLD",
        "REVOKED",
        "RUNNING",
        "SIGNALING",
        "SPECIAL_EXIT",
        "STAGE_OUT",
        "STOPPED",
        "SUSPENDED",
        "TIMEOUT",
      ].sort(),
    );
  });

  it.each([
    ["PENDING", "queued"],
    ["CONFIGURING", "queued"],
    ["REQUEUED", "queued"],
    ["REQUEUE_HOLD", "queued"],
    ["SPECIAL_EXIT", "queued"],
    ["RUNNING", "running"],
    ["COMPLETING", "running"],
    ["SUSPENDED", "running"],
    ["RESIZING", "running"],
    ["STAGE_OUT", "running"],
  ])("%s is not finished (%s)", (state, phase) => {
    const m = slurmStateMeaning(state);
    expect(m.phase).toBe(phase);
    expect(m.fault).toBeNull();
  });

  it.each([
    ["COMPLETED", null, false],
    ["FAILED", null, false],
    ["CANCELLED", "CANCELLED", false],
    ["TIMEOUT", "TIMEOUT", false],
    ["DEADLINE", "TIMEOUT", false],
    ["OUT_OF_MEMORY", "OUT_OF_MEMORY", false],
    ["NODE_FAIL", "NODE_FAIL", true],
    ["BOOT_FAIL", "NODE_FAIL", true],
    ["PREEMPTED", "PREEMPTED", true],
    ["REVOKED", "CANCELLED", false],
  ])("%s is finished with fault %s (retryable %s)", (state, fault, retryable) => {
    const m = slurmStateMeaning(state);
    expect(m.phase).toBe("finished");
    expect(m.fault).toBe(fault);
    expect(m.retryable).toBe(retryable);
  });

  it("matches CANCELLED by <uid> by prefix and keeps who cancelled", () => {
    const m = slurmStateMeaning("CANCELLED by 1000");
    expect(m).toMatchObject({ state: "CANCELLED", phase: "finished", fault: "CANCELLED" });
    expect(m.reason).toBe("cancelled by uid 1000");
  });

  it("reads squeue's short codes and '+' suffixes", () => {
    expect(slurmStateMeaning("PD").state).toBe("PENDING");
    expect(slurmStateMeaning("OOM").fault).toBe("OUT_OF_MEMORY");
    expect(slurmStateMeaning("CA").fault).toBe("CANCELLED");
    expect(slurmStateMeaning("CANCELLED+").fault).toBe("CANCELLED");
    expect(slurmStateMeaning("COMPLETING+").phase).toBe("running");
  });

  it("keeps an unknown state alive and names it", () => {
    const m = slurmStateMeaning("WEIRD_NEW_STATE");
    expect(m.phase).toBe("running");
    expect(m.reason).toContain("WEIRD_NEW_STATE");
  });
});

describe("parseSacctExitCode", () => {
  it("splits exit code and signal", () => {
    expect(parseSacctExitCode("0:9")).toEqual({ exitCode: 0, signal: 9 });
    expect(parseSacctExitCode("3:0")).toEqual({ exitCode: 3, signal: 0 });
    expect(parseSacctExitCode("")).toBeNull();
  });
});

describe("findMemoryKillMessage", () => {
  it("finds the line Slurm writes when OverMemoryKill ends a job", () => {
    const stderr = [
      "some program output",
      "slurmstepd-vm: error: StepId=4.batch exceeded memory limit (413958144 > 104857600), being killed",
      "slurmstepd-vm: error: Exceeded job memory limit",
    ].join("\n");
    expect(findMemoryKillMessage(stderr)).toBe(
      "slurmstepd-vm: error: StepId=4.batch exceeded memory limit (413958144 > 104857600), being killed",
    );
  });

  it("finds the cgroup OOM message and ignores ordinary errors", () => {
    expect(
      findMemoryKillMessage("slurmstepd: error: Detected 1 oom_kill event in StepId=7.batch."),
    ).not.toBeNull();
    expect(findMemoryKillMessage("Traceback: MemoryError in my code\nexit 1")).toBeNull();
  });
});
