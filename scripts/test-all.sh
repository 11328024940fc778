#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine (as root): installs what the tests need,
# starts the single-node Slurm cluster and the loopback sshd, builds, runs vitest, and prints
# the closing line "N passed, N failed" from vitest's JSON report.
# Usage: npm test   (after npm ci)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results
bash scripts/install-test-deps.sh || echo "test-all: installing test dependencies failed; integration tests will say what is missing" >&2
if [ "${SLURMOPT_SKIP_SLURM:-}" != 1 ]; then
  bash scripts/slurm-cluster.sh up || echo "test-all: the Slurm cluster did not come up; Slurm tests will fail" >&2
fi
bash scripts/sshd-loopback.sh up || echo "test-all: the loopback sshd did not come up; SSH tests will fail" >&2
npm run build --silent
rm -f .test-results/vitest.json .test-results/vitest-disruptive.json
SLURMOPT_SKIP_BUILD=1 npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
reports=(.test-results/vitest.json)
# Tests that disturb the whole cluster (the only node set DOWN, accounting switched off) run
# alone afterwards, one file after the other, in a second vitest run (vitest.config.ts); its
# counts join the closing line. Only for the whole suite (no vitest arguments given).
if [ "${SLURMOPT_SKIP_SLURM:-}" != 1 ] && [ $# -eq 0 ]; then
  SLURMOPT_SLURM_DISRUPTIVE=1 SLURMOPT_SKIP_BUILD=1 npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest-disruptive.json
  reports+=(.test-results/vitest-disruptive.json)
fi
# One report of both runs; a missing or unreadable one counts as a failure.
node -e '
const fs = require("fs");
const merged = { testResults: [] };
for (const path of process.argv.slice(1)) {
  try {
    merged.testResults.push(...(JSON.parse(fs.readFileSync(path, "utf8")).testResults ?? []));
  } catch (e) {
    merged.testResults.push({ name: path, status: "failed", message: `vitest report unreadable: ${e.message}`, assertionResults: [] });
  }
}
fs.writeFileSync(".test-results/vitest-all.json", JSON.stringify(merged));
' "${reports[@]}"
node scripts/summarize-vitest.mjs .test-results/vitest-all.json --counts-file .test-results/counts
