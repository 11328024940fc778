#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine (as root): installs what the tests need,
# starts the single-node Slurm cluster and the loopback sshd, builds, runs vitest, and prints
# the closing line "N passed, N failed" (scripts/summarize-vitest.mjs). Exits non-zero when
# anything failed: a test, vitest itself (its exit code), a hook, a file that did not load, an
# unhandled error, a run without tests, the build, or (when CI is "true" or "1") a skipped test.
# Usage: npm test   (after npm ci)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results
failures=()
bash scripts/install-test-deps.sh || echo "test-all: installing test dependencies failed; integration tests will say what is missing" >&2
if [ "${SLURMOPT_SKIP_SLURM:-}" != 1 ]; then
  bash scripts/slurm-cluster.sh up || echo "test-all: the Slurm cluster did not come up; Slurm tests will fail" >&2
fi
bash scripts/sshd-loopback.sh up || echo "test-all: the loopback sshd did not come up; SSH tests will fail" >&2
npm run build --silent || failures+=("npm run build failed (the integration tests ran an old or missing dist/)")

# One vitest run: its JSON report, its unhandled and suite errors, and its exit code, kept as
# .test-results/<name>.{json,errors.json,exit} for the summary.
run_vitest() { # name, vitest arguments...
  local name=$1
  shift
  local prefix=".test-results/$name"
  rm -f "$prefix.json" "$prefix.errors.json" "$prefix.exit"
  SLURMOPT_VITEST_ERRORS="$prefix.errors.json" SLURMOPT_SKIP_BUILD=1 npx vitest run \
    --reporter=default --reporter=json --outputFile.json="$prefix.json" \
    --reporter=./scripts/vitest-run-errors.mjs "$@"
  echo $? >"$prefix.exit"
  runs+=("$prefix")
}

runs=()
run_vitest vitest "$@"
# Tests that disturb the whole cluster (the only node set DOWN, accounting switched off) run
# alone afterwards, one file after the other, in a second vitest run (vitest.config.ts); its
# counts join the closing line. Only for the whole suite (no vitest arguments given).
if [ "${SLURMOPT_SKIP_SLURM:-}" != 1 ] && [ $# -eq 0 ]; then
  SLURMOPT_SLURM_DISRUPTIVE=1 run_vitest vitest-disruptive
fi
failure_args=()
for f in "${failures[@]}"; do failure_args+=(--failure "$f"); done
node scripts/summarize-vitest.mjs --counts-file .test-results/counts "${failure_args[@]}" "${runs[@]}"
