import { defineConfig } from "vitest/config";

// Tests that set the only node DOWN or restart slurmctld without accounting: they run alone, in
// their own vitest run (scripts/test-all.sh) with SLURMOPT_SLURM_DISRUPTIVE=1, one file after
// the other.
const DISRUPTIVE = [
  "test/integration/slurm/clusterDisruption.test.ts",
  "test/integration/slurmCampaign/campaignDisruption.test.ts",
];
const disruptive = process.env.SLURMOPT_SLURM_DISRUPTIVE === "1";

export default defineConfig({
  test: {
    fileParallelism: !disruptive,
    // Most integration files wait on Slurm, sshd or child processes, not on the CPU: three at
    // a time keep the 2-core CI run short (vitest's default here would be one).
    maxWorkers: disruptive ? 1 : 3,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Two projects, so that unit tests alone (`npm run test:unit`, `npx vitest run test/unit`)
    // build nothing and start neither the cluster nor sshd: vitest runs a project's global
    // setup only when one of its files is selected.
    projects: [
      // Every test outside test/integration is a unit test.
      ...(disruptive
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: "unit",
                include: ["test/**/*.test.ts"],
                exclude: ["test/integration/**", "**/node_modules/**"],
              },
            },
          ]),
      {
        extends: true,
        test: {
          name: "integration",
          include: disruptive ? DISRUPTIVE : ["test/integration/**/*.test.ts"],
          exclude: disruptive ? [] : [...DISRUPTIVE, "**/node_modules/**"],
          globalSetup: [
            "test/globalSetup.ts",
            "test/integration/slurm/clusterSetup.ts",
            "test/integration/ssh/sshdSetup.ts",
          ],
        },
      },
    ],
  },
});
