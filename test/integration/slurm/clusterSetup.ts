/**
 * vitest globalSetup: brings the single-node Slurm cluster up once before the tests. Fails with
 * a message saying how to start it when it cannot; SLURMOPT_SKIP_SLURM=1 skips (not in CI).
 */
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";

export default async function setup(): Promise<void> {
  if (slurmSkipped()) return;
  await ensureSlurmCluster();
}
