// Types of scripts/summarize-vitest.mjs, for its unit tests.
export interface VitestRun {
  name: string;
  report: unknown;
  errors: unknown;
  exitCode: number | Error;
}
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  lines: string[];
}
export function summarize(
  runs: readonly VitestRun[],
  options?: { skipsFail?: boolean; failures?: readonly string[] },
): Summary;
export function summarizeFiles(
  prefixes: readonly string[],
  options?: { ci?: boolean; failures?: readonly string[] },
): Summary;
export function closingLine(summary: Summary, ci: boolean): string;
