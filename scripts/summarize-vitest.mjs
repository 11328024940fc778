#!/usr/bin/env node
// Reads vitest's JSON report and prints the closing line "N passed, N failed".
// Skipped or todo tests count as failed when CI=true (a skipped integration test is a failure
// there); a test file that failed to load counts as one failure.
// Usage: summarize-vitest.mjs <report.json> [--counts-file <path>]
import { readFileSync, writeFileSync } from "node:fs";

const [reportPath, flag, countsFile] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(reportPath, "utf8"));
} catch (e) {
  console.log(`vitest report ${reportPath} unreadable: ${e.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const ci = process.env.CI === "true" || process.env.CI === "1";
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of report.testResults ?? []) {
  const results = file.assertionResults ?? [];
  if (results.length === 0 && file.status === "failed") {
    failed++;
    console.log(`FAILED TO LOAD: ${file.name}: ${(file.message ?? "").split("\n")[0]}`);
  }
  for (const r of results) {
    if (r.status === "passed") passed++;
    else if (r.status === "failed") {
      failed++;
      console.log(`FAILED: ${r.fullName ?? r.title}`);
      // The first lines of the failure, so a CI excerpt that shows only this output says why.
      for (const message of (r.failureMessages ?? []).slice(0, 2))
        for (const line of String(message).split("\n").slice(0, 6)) console.log(`  ${line}`);
    } else {
      skipped++;
      console.log(`SKIPPED: ${r.fullName ?? r.title}`);
    }
  }
}
if (ci) failed += skipped;
if (flag === "--counts-file" && countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
console.log(
  `${passed} passed, ${failed} failed${ci || skipped === 0 ? "" : `, ${skipped} skipped`}`,
);
process.exit(failed > 0 ? 1 : 0);
