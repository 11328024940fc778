#!/usr/bin/env node
// Prints the closing line "N passed, N failed" of one or more vitest runs, counting as failed
// everything that makes a run untrustworthy, not only failed tests:
// - vitest's exit code other than 0 that nothing below explains (one failure);
// - an unreadable or missing report, exit code or errors file (one failure each);
// - a run whose report holds no test (a global setup that threw: the cluster or sshd could not
//   start), and a test file that ran no test (it could not load, its worker died);
// - each error of a file or suite (an import that failed, a beforeAll/afterAll that threw or
//   timed out: the "no leaked Slurm jobs" checks sit in afterAll hooks);
// - each unhandled error (a rejection nobody awaited, a worker killed while importing a file);
// - skipped and todo tests when CI is "true" or "1" (.ci/run sets it), else listed as skipped.
// Each run is a prefix P of three files: P.json (vitest's JSON reporter), P.exit (vitest's exit
// code) and P.errors.json (scripts/vitest-run-errors.mjs). --failure TEXT adds a failure found
// outside vitest (the build, say).
// Usage: summarize-vitest.mjs [--counts-file <path>] [--failure <text>]... <prefix>...
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const firstLine = (text) => String(text ?? "").split("\n")[0];

/**
 * The counts of some vitest runs. `runs`: { name, report, exitCode, errors }, where report and
 * errors are the parsed files (or an Error when a file could not be read) and exitCode a number
 * (or an Error). Returns { passed, failed, skipped, lines } (lines: what to print, failures first).
 */
export function summarize(runs, { skipsFail = false, failures = [] } = {}) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines = [];
  const fail = (line, details = []) => {
    failed++;
    lines.push(line, ...details.map((d) => `  ${d}`));
  };
  for (const text of failures) fail(`FAILED: ${text}`);
  for (const run of runs) {
    const failedBefore = failed;
    const { report, errors, exitCode } = run;
    if (report instanceof Error) fail(`REPORT UNREADABLE: ${run.name}: ${report.message}`);
    if (errors instanceof Error) fail(`ERRORS FILE UNREADABLE: ${run.name}: ${errors.message}`);
    if (exitCode instanceof Error) fail(`EXIT CODE UNKNOWN: ${run.name}: ${exitCode.message}`);
    const suiteErrors = errors instanceof Error ? [] : (errors?.suiteErrors ?? []);
    let tests = 0;
    for (const file of report instanceof Error ? [] : (report?.testResults ?? [])) {
      const results = file.assertionResults ?? [];
      tests += results.length;
      const own = suiteErrors.filter((e) => e.file === file.name);
      for (const e of own)
        fail(
          `FAILED IN ${e.suite ? "SUITE" : "FILE"}: ${file.name}${e.suite ? ` > ${e.suite}` : ""}`,
          [firstLine(e.message)],
        );
      const failedTests = results.filter((r) => r.status === "failed").length;
      if (own.length === 0 && file.status === "failed" && failedTests === 0)
        fail(`FAILED FILE: ${file.name}`, [
          firstLine(file.message) || "a hook or the file failed; see vitest's output",
        ]);
      else if (own.length === 0 && results.length === 0)
        fail(`NO TESTS RAN: ${file.name}`, [
          firstLine(file.message) || "its worker ended before any test",
        ]);
      for (const r of results) {
        if (r.status === "passed") passed++;
        else if (r.status === "failed")
          // The first lines of the failure, so a CI excerpt that shows only this output says why.
          fail(
            `FAILED: ${r.fullName ?? r.title}`,
            (r.failureMessages ?? []).slice(0, 2).flatMap((m) => String(m).split("\n").slice(0, 6)),
          );
        else {
          skipped++;
          if (skipsFail) fail(`SKIPPED (a failure here): ${r.fullName ?? r.title}`);
          else lines.push(`SKIPPED: ${r.fullName ?? r.title}`);
        }
      }
    }
    for (const e of errors instanceof Error ? [] : (errors?.unhandledErrors ?? []))
      fail(`UNHANDLED ERROR in ${run.name}: ${firstLine(e.message)}`);
    if (!(report instanceof Error) && tests === 0)
      fail(
        `NO TESTS: the run ${run.name} reported no test (a global setup that threw, such as a ` +
          `cluster or sshd that cannot start, or no test file matched; see vitest's output)`,
      );
    if (typeof exitCode === "number" && exitCode !== 0 && failed === failedBefore)
      fail(`VITEST FAILED: the run ${run.name} exited with code ${exitCode}; see vitest's output`);
  }
  return { passed, failed, skipped, lines };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return new Error(`${path}: ${e.message}`);
  }
}

function readExitCode(path) {
  try {
    const text = readFileSync(path, "utf8").trim();
    if (!/^\d+$/.test(text)) return new Error(`${path}: not an exit code: ${JSON.stringify(text)}`);
    return Number(text);
  } catch (e) {
    return new Error(`${path}: ${e.message}`);
  }
}

/** Reads the runs named by their prefixes (P.json, P.errors.json, P.exit) and summarizes them. */
export function summarizeFiles(prefixes, { ci = false, failures = [] } = {}) {
  const runs = prefixes.map((p) => ({
    name: p,
    report: readJson(`${p}.json`),
    errors: readJson(`${p}.errors.json`),
    exitCode: readExitCode(`${p}.exit`),
  }));
  const all = prefixes.length === 0 ? [...failures, "no vitest run to summarize"] : failures;
  return summarize(runs, { skipsFail: ci, failures: all });
}

/** The closing line; skipped tests are named only where they do not already count as failed. */
export function closingLine({ passed, failed, skipped }, ci) {
  return `${passed} passed, ${failed} failed${ci || skipped === 0 ? "" : `, ${skipped} skipped`}`;
}

function main(argv) {
  let countsFile = null;
  const failures = [];
  const prefixes = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--counts-file") countsFile = argv[++i];
    else if (argv[i] === "--failure") failures.push(argv[++i]);
    else prefixes.push(argv[i]);
  }
  const ci = process.env.CI === "true" || process.env.CI === "1";
  const result = summarizeFiles(prefixes, { ci, failures });
  for (const line of result.lines) console.log(line);
  if (countsFile) writeFileSync(countsFile, `${result.passed} ${result.failed}\n`);
  console.log(closingLine(result, ci));
  return result.failed > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  process.exitCode = main(process.argv.slice(2));
