/** The shared set-up of the tests that disrupt the Slurm cluster (SLURMOPT_SLURM_DISRUPTIVE=1). */
import { execFile } from "node:child_process";
import { hostname } from "node:os";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { ensureSlurmCluster, setClusterMode, slurmSkipped } from "../slurmCluster.js";

/** This machine's node name in the single-node cluster. */
export const clusterHost = hostname().split(".")[0]!;

/** Disruptive tests run only when asked, in a vitest run of their own (scripts/test-all.sh). */
export const disruptiveEnabled = !slurmSkipped() && process.env.SLURMOPT_SLURM_DISRUPTIVE === "1";

/**
 * Starts the cluster before the file's tests; after them, fails on jobs they left waiting or
 * running (`leakedJobs`), resumes the node and puts the cluster back in accounting mode.
 */
export function useDisruptedCluster(leakedJobs: () => Promise<string[]>): void {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });
  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });
  afterAll(async () => {
    await promisify(execFile)("scontrol", [
      "update",
      `nodename=${clusterHost}`,
      "state=resume",
    ]).catch(() => undefined);
    await setClusterMode("accounting");
  });
}
