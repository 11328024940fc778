/**
 * Crash safety and the controller inside Slurm, on the real single-node cluster through the
 * built CLI. The scenarios live in the files next to this one; they are registered here, in one
 * file, so that they all run concurrently: the longest waits out two 2-minute controller jobs,
 * and the others finish within it (vitest runs test files one after the other on 2 cores).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  cancelWithoutController,
  controllerHandsOver,
  earlySignalHandsOver,
  followReportsGoneController,
  stopQueuedContinuation,
} from "./controllerInSlurm.js";
import { FAULT_CASES, killedAtFaultPoint, killedWhileSbatchInFlight } from "./faultPoints.js";
import { KILLS, killAndResume } from "./killResume.js";
import { cancelLeftovers } from "./slurmCrashKit.js";

describe.skipIf(slurmSkipped())("crash safety and the controller inside Slurm", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await cancelLeftovers()).toEqual([]);
  });

  it.concurrent(
    "a controller job with a 2-minute limit hands over to continuations at least twice; the campaign completes, every trial once; a second controller is refused; --follow ends with it",
    controllerHandsOver,
    600_000,
  );

  it.concurrent(
    `completes 40 trials, each exactly once in sacct, through ${KILLS} SIGKILLs at random instants`,
    killAndResume,
    420_000,
  );

  for (const [point, skip] of FAULT_CASES)
    it.concurrent(
      `loses nothing and submits nothing twice when killed at ${point} (after ${skip} hits)`,
      () => killedAtFaultPoint(point, skip),
      400_000,
    );

  it.concurrent(
    "submits nothing twice when killed while sbatch is still on its way (resumed before it answers)",
    killedWhileSbatchInFlight,
    200_000,
  );

  it.concurrent(
    "cancel of a Slurm campaign with no controller running cancels its jobs and marks its trials CANCELLED",
    cancelWithoutController,
    300_000,
  );

  it.concurrent(
    "stop cancels a controller job's continuation waiting in the queue, and a continuation leaves a stopped campaign alone",
    stopQueuedContinuation,
    300_000,
  );

  it.concurrent(
    "a time-limit signal that reaches the controller job before its controller is ready still hands over",
    earlySignalHandsOver,
    400_000,
  );

  it.concurrent(
    "--follow says so and exits 1 when the controller job died without a continuation",
    followReportsGoneController,
    300_000,
  );
});
