/**
 * Whole campaigns on the real single-node cluster, through the built CLI. The scenarios live in
 * the files next to this one; they are registered here, in one file, so that they all run
 * concurrently: the longest waits out a 2-minute Slurm time limit, and the others finish within
 * it (vitest runs test files one after the other on a 2-core machine).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import { leakedJobs } from "./campaignKit.js";
import {
  cancelledFromOutside,
  gpusAgainstGres,
  outOfMemory,
  signalBeforeLimit,
  timeoutAtLimit,
} from "./limitsAndFaults.js";
import { earlyStoppingOnSlurm } from "./earlyStopping.js";
import { sobolParity } from "./sobolParity.js";
import { squeueCount } from "./squeueCount.js";
import { submitAheadOnSlurm } from "./submitAhead.js";

describe.skipIf(slurmSkipped())("campaigns on Slurm through the CLI", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it.concurrent(
    "completes 24 trials with parallelism 4 as job arrays (sacct shows them, on the --partition given) and proposes the same points as the local executor",
    sobolParity,
    240_000,
  );

  it.concurrent(
    "with --worker_timeout 2 and --slurm_signal_delay_s 30, programs of several commands record USR1 30-90 s before their limit: one that stops on it completes, one that goes on ends TIMEOUT",
    signalBeforeLimit,
    330_000,
  );

  it.concurrent(
    "with --worker_timeout 1, a trial past its 1-minute Slurm limit is TIMEOUT while the other completes",
    timeoutAtLimit,
    270_000,
  );

  it.concurrent(
    "submit-ahead: Sobol trials queued behind running jobs (sbatch --dependency=afterany) start after their job ends, and never more than the parallelism run at once",
    submitAheadOnSlurm,
    240_000,
  );

  it.concurrent(
    "early stopping: trials worse than the median of the others at a step are scancelled and EARLY_STOPPED with their last progress value; the good ones complete",
    earlyStoppingOnSlurm,
    240_000,
  );

  it.concurrent(
    "a job cancelled from outside with scancel is CANCELLED, and the campaign goes on to complete",
    cancelledFromOutside,
    180_000,
  );

  it.concurrent(
    "with a small --mem_gb, a trial past its memory limit is FAILED with an out-of-memory reason",
    outOfMemory,
    180_000,
  );

  it.concurrent(
    "with --gpus 1, trials are scheduled against the 2 GPUs of the GRES: each sees its own CUDA_VISIBLE_DEVICES, never three at once",
    gpusAgainstGres,
    180_000,
  );

  it.concurrent(
    "a 20-job campaign runs one squeue per poll cycle for all its jobs: the count follows the cycles, not the jobs",
    squeueCount,
    180_000,
  );
});
