import { describe, expect, it } from "vitest";
import {
  ClusterError,
  InputError,
  isAccessRefused,
  isUnreachable,
} from "../../../src/errors/errors.js";
import {
  HOLD_FIRST_MS,
  HOLD_LONGEST_MS,
  SubmissionHold,
} from "../../../src/engine/submissionHold.js";

describe("SubmissionHold", () => {
  it("waits 5 s, doubling up to 5 min, and starts short again after a submission worked", () => {
    let now = 1_000_000;
    const hold = new SubmissionHold(() => now);
    expect(hold.holding).toBe(false);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) waits.push(hold.hold());
    expect(waits).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300].map((s) => s * 1000));
    expect(waits[0]).toBe(HOLD_FIRST_MS);
    expect(Math.max(...waits)).toBe(HOLD_LONGEST_MS);
    expect(hold.holding).toBe(true);
    now += HOLD_LONGEST_MS - 1;
    expect(hold.holding).toBe(true);
    now += 1;
    expect(hold.holding).toBe(false);
    hold.clear();
    expect(hold.hold()).toBe(HOLD_FIRST_MS);
  });
});

describe("what a failed submission means", () => {
  const down = new ClusterError("TRANSPORT_ERROR", "ssh u@h:22: connection lost", {
    unreachable: true,
  });
  const hostKey = new ClusterError("SSH_HOST_KEY", "the host key of h changed");

  it("an unreachable cluster is worth trying again, also when wrapped as the cause", () => {
    expect(isUnreachable(down)).toBe(true);
    expect(isUnreachable(new ClusterError("CLUSTER_UNREACHABLE", "slurmctld down"))).toBe(true);
    expect(
      isUnreachable(new ClusterError("SLURM_ERROR", "squeue could not run", { cause: down })),
    ).toBe(true);
    expect(isUnreachable(new ClusterError("SLURM_ERROR", "sbatch refused job"))).toBe(false);
    // An answer over a live connection (an SFTP permission error) is not an outage.
    expect(isUnreachable(new ClusterError("TRANSPORT_ERROR", "Permission denied"))).toBe(false);
    expect(isUnreachable(new InputError("SPEC_INVALID", "bad"))).toBe(false);
    expect(isUnreachable(new Error("plain"))).toBe(false);
  });

  it("a refused host key or login is final, and never counted as unreachable", () => {
    expect(isAccessRefused(hostKey)).toBe(true);
    expect(isAccessRefused(new ClusterError("SSH_AUTH", "no key was accepted"))).toBe(true);
    const wrapped = new ClusterError("TRANSPORT_ERROR", "reconnect failed", { cause: hostKey });
    expect(isAccessRefused(wrapped)).toBe(true);
    expect(isUnreachable(wrapped)).toBe(false);
    expect(isAccessRefused(down)).toBe(false);
  });
});
