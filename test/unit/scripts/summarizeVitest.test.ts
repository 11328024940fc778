/**
 * scripts/summarize-vitest.mjs, fed the files of real vitest runs (test/fixtures/vitest-runs,
 * made by scripts/make-vitest-run-fixtures.sh): every way a run can go wrong is a failure of the
 * closing line, not only a failed test.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closingLine, summarize, summarizeFiles } from "../../../scripts/summarize-vitest.mjs";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "vitest-runs");
const run = (...cases: string[]): string[] => cases.map((c) => join(FIXTURES, c));

function summary(cases: string[], ci = false, failures: string[] = []) {
  const s = summarizeFiles(run(...cases), { ci, failures });
  return { ...s, line: closingLine(s, ci), text: s.lines.join("\n") };
}

describe("summarize-vitest: runs that went right", () => {
  it("counts the passed tests of a clean run and no failure", () => {
    expect(summary(["pass"])).toMatchObject({ passed: 1, failed: 0, line: "1 passed, 0 failed" });
  });

  it("counts a failed test once, with the first lines of its message", () => {
    const s = summary(["fail"]);
    expect(s).toMatchObject({ passed: 1, failed: 1, line: "1 passed, 1 failed" });
    expect(s.text).toContain("FAILED: fails");
    expect(s.text).toContain("expected 1 to be 2");
  });

  it("adds up several runs (the main and the disruptive one)", () => {
    expect(summary(["pass", "fail"])).toMatchObject({ passed: 2, failed: 1 });
  });
});

describe("summarize-vitest: a run that cannot lie", () => {
  it("fails a run whose global setup threw (the cluster or sshd cannot start): no tests", () => {
    const s = summary(["global-setup-throws"]);
    expect(s.line).toBe("0 passed, 1 failed");
    expect(s.text).toMatch(/NO TESTS: .*global setup/);
  });

  it("fails a test file that cannot load, naming it and the import error", () => {
    const s = summary(["import-fails"]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.text).toMatch(
      /FAILED IN FILE: .*b\.test\.mjs\n {2}Cannot find module '\.\/missing\.mjs'/,
    );
  });

  it("fails an afterAll check that throws inside a describe (where the leak checks sit)", () => {
    const s = summary(["afterall-throws"]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.text).toMatch(/FAILED IN SUITE: .*a\.test\.mjs > jobs\n {2}2 Slurm jobs leaked/);
  });

  it("fails an afterAll that throws at file level", () => {
    const s = summary(["afterall-throws-in-file"]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.text).toContain("2 Slurm jobs leaked");
  });

  it("fails hooks that time out, before and after the tests", () => {
    expect(summary(["afterall-times-out"]).text).toMatch(/Hook timed out/);
    expect(summary(["afterall-times-out"]).failed).toBe(1);
    expect(summary(["beforeall-times-out"]).failed).toBe(1);
  });

  it("fails an unhandled rejection although every test passed", () => {
    const s = summary(["unhandled-rejection"]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.text).toMatch(/UNHANDLED ERROR .*nobody waits for me/);
  });

  it("fails a worker killed while importing a file (its file ran no test)", () => {
    const s = summary(["worker-killed-while-importing"]);
    expect(s.passed).toBe(1);
    expect(s.failed).toBeGreaterThanOrEqual(1);
    expect(s.text).toMatch(/NO TESTS RAN: .*b\.test\.mjs/);
  });

  it("fails a run with no test at all, or a test file without tests", () => {
    expect(summary(["no-test-file"]).line).toBe("0 passed, 1 failed");
    expect(summary(["no-test-in-file"]).failed).toBeGreaterThanOrEqual(1);
  });

  it("lists skipped and todo tests outside CI, and counts them as failures under CI", () => {
    expect(summary(["skipped"])).toMatchObject({
      failed: 0,
      line: "1 passed, 0 failed, 2 skipped",
    });
    const ci = summary(["skipped"], true);
    expect(ci).toMatchObject({ failed: 2, line: "1 passed, 2 failed" });
    expect(ci.text).toContain("SKIPPED (a failure here): is skipped");
  });

  it("fails on vitest's exit code when its files show nothing wrong", () => {
    const read = (file: string): unknown =>
      JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as unknown;
    const clean = { name: "main", report: read("pass.json"), errors: read("pass.errors.json") };
    expect(summarize([{ ...clean, exitCode: 0 }]).failed).toBe(0);
    const s = summarize([{ ...clean, exitCode: 1 }]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.lines.join("\n")).toMatch(/VITEST FAILED: the run main exited with code 1/);
  });

  it("fails when it is given no run at all", () => {
    expect(summarizeFiles([]).failed).toBe(1);
  });

  it("counts a missing report, errors file or exit code as a failure", () => {
    const s = summarizeFiles([join(FIXTURES, "no-such-run")]);
    expect(s.passed).toBe(0);
    expect(s.failed).toBe(3); // the report, the errors file and the exit code
    expect(s.lines.join("\n")).toMatch(/REPORT UNREADABLE/);
  });

  it("counts failures found outside vitest (a failed build)", () => {
    const s = summary(["pass"], false, ["npm run build failed"]);
    expect(s).toMatchObject({ passed: 1, failed: 1 });
    expect(s.text).toContain("FAILED: npm run build failed");
  });
});
