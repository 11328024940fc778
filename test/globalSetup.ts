import { execFileSync } from "node:child_process";

/**
 * Builds dist/ once before the tests: integration tests run the real `slurmopt` binary.
 * SLURMOPT_SKIP_BUILD=1 skips it (scripts/test-all.sh builds first).
 */
export default function setup(): void {
  if (process.env.SLURMOPT_SKIP_BUILD === "1") return;
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
