#!/usr/bin/env bash
# Regenerates test/fixtures/vitest-runs/: one real vitest run per way a run can go wrong (and
# two that go right), each in a throwaway project under a temporary folder, with the reporters
# scripts/test-all.sh uses. For each case <c> it keeps <c>.json (vitest's JSON report),
# <c>.errors.json (scripts/vitest-run-errors.mjs) and <c>.exit (vitest's exit code); the unit
# tests of scripts/summarize-vitest.mjs read them. Run it again after upgrading vitest.
# Usage: bash scripts/make-vitest-run-fixtures.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/test/fixtures/vitest-runs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
ln -s "$repo/node_modules" "$work/node_modules"

# case <name> <extra config> <file>=<content>...
case_() {
  local name=$1 extra=$2
  local d="$work/$name"
  shift 2
  mkdir -p "$d"
  cat >"$d/vitest.config.mjs" <<EOF
export default { test: { globals: true, include: ["*.test.mjs"], hookTimeout: 1000, testTimeout: 2000${extra} } };
EOF
  local f
  for f in "$@"; do printf '%s\n' "${f#*=}" >"$d/${f%%=*}"; done
  set +e
  (cd "$d" && SLURMOPT_VITEST_ERRORS="$d/run.errors.json" node "$work/node_modules/vitest/vitest.mjs" run \
    --root "$d" --reporter=json --outputFile.json="$d/run.json" \
    --reporter="$repo/scripts/vitest-run-errors.mjs" >"$d/output.txt" 2>&1)
  echo $? >"$out/$name.exit"
  set -e
  # Paths inside the reports name the throwaway folder; make them stable.
  sed -e "s#$work#/fixtures#g" -e "s#$repo#/repo#g" "$d/run.json" >"$out/$name.json"
  sed -e "s#$work#/fixtures#g" -e "s#$repo#/repo#g" "$d/run.errors.json" >"$out/$name.errors.json"
  echo "$name: exit $(cat "$out/$name.exit")"
}

case_ pass "" 'a.test.mjs=it("passes", () => { expect(1).toBe(1); });'
case_ fail "" 'a.test.mjs=it("passes", () => {}); it("fails", () => { expect(1).toBe(2); });'
case_ global-setup-throws ', globalSetup: ["./setup.mjs"]' \
  'setup.mjs=export default function () { throw new Error("the Slurm cluster cannot start"); }' \
  'a.test.mjs=it("passes", () => {});'
case_ import-fails "" 'a.test.mjs=it("passes", () => {});' \
  'b.test.mjs=import "./missing.mjs"; it("never runs", () => {});'
case_ afterall-throws "" \
  'a.test.mjs=describe("jobs", () => { afterAll(() => { throw new Error("2 Slurm jobs leaked"); }); it("passes", () => {}); });'
case_ afterall-throws-in-file "" \
  'a.test.mjs=afterAll(() => { throw new Error("2 Slurm jobs leaked"); }); it("passes", () => {});'
case_ afterall-times-out "" \
  'a.test.mjs=afterAll(async () => { await new Promise((r) => setTimeout(r, 5000)); }); it("passes", () => {});'
case_ beforeall-times-out "" \
  'a.test.mjs=beforeAll(async () => { await new Promise((r) => setTimeout(r, 5000)); }); it("passes", () => {});'
case_ unhandled-rejection "" \
  'a.test.mjs=it("passes", async () => { void Promise.reject(new Error("nobody waits for me")); await new Promise((r) => setTimeout(r, 100)); });'
case_ worker-killed-while-importing "" 'a.test.mjs=it("passes", () => {});' \
  'b.test.mjs=process.kill(process.pid, "SIGKILL"); it("never runs", () => {});'
case_ no-test-in-file "" 'a.test.mjs=// no test here'
case_ no-test-file "" 'readme.txt=no test file'
case_ skipped "" 'a.test.mjs=it("passes", () => {}); it.skip("is skipped", () => {}); it.todo("is todo");'
