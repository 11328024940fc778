import { defineConfig } from "vitest/config";

// clusterDisruption sets the only node DOWN and restarts slurmctld: it runs alone, in its own
// vitest run (scripts/test-all.sh) with SLURMOPT_SLURM_DISRUPTIVE=1.
const disruptive = process.env.SLURMOPT_SLURM_DISRUPTIVE === "1";

export default defineConfig({
  test: {
    include: disruptive
      ? ["test/integration/slurm/clusterDisruption.test.ts"]
      : ["test/**/*.test.ts"],
    exclude: disruptive
      ? []
      : ["test/integration/slurm/clusterDisruption.test.ts", "**/node_modules/**"],
    globalSetup: [
      "test/globalSetup.ts",
      "test/integration/slurm/clusterSetup.ts",
      "test/integration/ssh/sshdSetup.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
