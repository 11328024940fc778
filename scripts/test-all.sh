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
SLURMOPT_SKIP_BUILD=1 npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
node scripts/summarize-vitest.mjs .test-results/vitest.json --counts-file .test-results/counts
