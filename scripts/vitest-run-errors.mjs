// A vitest reporter for what the JSON report leaves out: unhandled errors (a rejection nobody
// awaited, a worker that died while importing a file, a global setup that threw) and the errors
// of files and suites (a file that could not load, a failed or timed-out beforeAll/afterAll,
// where the "no leaked Slurm jobs" checks sit). It writes them as JSON to the file named by
// SLURMOPT_VITEST_ERRORS, which scripts/summarize-vitest.mjs reads beside the JSON report.
// Usage: SLURMOPT_VITEST_ERRORS=<path> vitest run --reporter=./scripts/vitest-run-errors.mjs ...
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The first line of an error's message (vitest's serialized errors carry name and message). */
function describe(error) {
  const message = String(error?.message ?? error ?? "unknown error");
  const name = error?.name && error.name !== "Error" ? `${error.name}: ` : "";
  const cause = error?.cause?.message ? ` (cause: ${error.cause.message})` : "";
  return `${name}${message}`.split("\n").slice(0, 3).join(" ").trim() + cause;
}

export default class RunErrorsReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const path = process.env.SLURMOPT_VITEST_ERRORS;
    if (!path) return;
    const suiteErrors = [];
    for (const module of testModules) {
      for (const e of module.errors())
        suiteErrors.push({ file: module.moduleId, suite: null, message: describe(e) });
      for (const suite of module.children.allSuites())
        for (const e of suite.errors())
          suiteErrors.push({ file: module.moduleId, suite: suite.fullName, message: describe(e) });
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      JSON.stringify({
        reason,
        unhandledErrors: unhandledErrors.map((e) => ({ message: describe(e) })),
        suiteErrors,
      }),
    );
  }
}
