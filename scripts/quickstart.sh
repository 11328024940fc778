#!/usr/bin/env bash
# Runs the quickstart campaign (examples/quickstart) and shows its status.
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/slurmopt.js run examples/quickstart/spec.yaml "$@"
node bin/slurmopt.js status runs/quickstart
