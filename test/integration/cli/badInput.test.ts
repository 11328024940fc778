import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

const BASE = [
  "--parameter",
  "x",
  "range",
  "0",
  "1",
  "--run_program",
  "echo RESULT: %x",
  "--max_eval",
  "1",
  "--force_local_execution",
];

/** One line "slurmopt: error [CODE]: ...", no stack trace, the given exit code. */
function expectOneLineError(r: { code: number; stderr: string }, code: number, text: RegExp) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^slurmopt: error \[[A-Z_]+\]: /);
  expect(lines[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("bad input ends with a one-line error, not a stack trace or a hang", () => {
  it("refuses a run_dir that is a file, under /proc, or a name of 300 characters", async () => {
    const cwd = testDir("badinput-rundir");
    writeFileSync(join(cwd, "afile"), "");
    const asFile = await runCli(["run", "--experiment_name", "t", ...BASE, "--run_dir", "afile"], {
      cwd,
      timeoutMs: 60_000,
    });
    expectOneLineError(asFile, 2, /afile.*a file of that name is in the way/);
    const proc = await runCli(["run", "--experiment_name", "t", ...BASE, "--run_dir", "/proc/x"], {
      cwd,
      timeoutMs: 60_000,
    });
    expectOneLineError(proc, 2, /cannot create the campaign folder \/proc\/x/);
    const long = await runCli(["run", "--experiment_name", "a".repeat(300), ...BASE], {
      cwd,
      timeoutMs: 60_000,
    });
    expectOneLineError(long, 2, /300 characters is too long/);
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });

  it("refuses a workdir that does not exist or is a file, before anything is written", async () => {
    const cwd = testDir("badinput-workdir");
    writeFileSync(join(cwd, "afile"), "");
    for (const workdir of ["missing/dir", "afile"]) {
      const r = await runCli(["run", "--experiment_name", "t", ...BASE, "--workdir", workdir], {
        cwd,
        timeoutMs: 60_000,
      });
      expectOneLineError(
        r,
        2,
        workdir === "afile"
          ? /workdir \S+afile is not a directory: the trials run there; create it/
          : /workdir \S+missing\/dir does not exist: the trials run there; create it/,
      );
    }
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });

  it("refuses infeasible linear constraints (decided by an LP), == on a float, and parameter names that shadow PATH or HOME, before anything is written", async () => {
    const cwd = testDir("badinput-space");
    const xy = ["--parameter", "x", "range", "0", "1", "--parameter", "y", "range", "0", "1"];
    const cases: [string[], RegExp][] = [
      [
        [
          ...xy,
          "--experiment_constraint",
          "x + y >= 1.5",
          "--experiment_constraint",
          "x - y >= 0.9",
        ],
        /constraints "x \+ y >= 1.5", "x - y >= 0.9": no point within the parameters' bounds satisfies them all \(x in \[0, 1\], y in \[0, 1\]\); widen the bounds/,
      ],
      [
        [...xy, "--experiment_constraint", "x + y == 1"],
        /constraint "x \+ y == 1": "==" on the continuous parameters "x", "y" holds only on a set no sampler can hit/,
      ],
      [
        ["--parameter", "PATH", "range", "0", "1"],
        /"PATH": the name is the environment variable PATH that programs and their shell need.*rename the parameter \(for example path\)/,
      ],
      [
        ["--parameter", "HOME", "choice", "a,b"],
        /"HOME": the name is the environment variable HOME/,
      ],
    ];
    for (const [space, message] of cases) {
      const r = await runCli(
        [
          "run",
          "--experiment_name",
          "t",
          ...space,
          "--run_program",
          "echo RESULT: 1",
          "--max_eval",
          "2",
          "--force_local_execution",
        ],
        { cwd, timeoutMs: 60_000 },
      );
      expectOneLineError(r, 2, message);
    }
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });

  it("refuses a hostile choice value where sh -c or eval would run it; the inner shell's own reference reads it as data", async () => {
    const cwd = testDir("badinput-reentry");
    const hostile = ["--parameter", "c", "choice", "1;touch pwned,2"];
    const run = (program: string) =>
      runCli(
        [
          "run",
          "--experiment_name",
          "t",
          ...hostile,
          "--run_program",
          program,
          "--max_eval",
          "2",
          "--force_local_execution",
        ],
        { cwd, timeoutMs: 120_000 },
      );
    for (const program of [
      'sh -c "echo RESULT: %(c)"',
      "sh -c 'echo RESULT: %(c)'",
      "eval echo RESULT: %(c)",
    ]) {
      const r = await run(program);
      expectOneLineError(
        r,
        2,
        /parameter "c" can take the value "1;touch pwned".*runs its argument as shell code again/,
      );
    }
    expect(existsSync(join(cwd, "runs"))).toBe(false);
    const safe = await run(`sh -c 'echo RESULT: "$SLURMOPT_P_c"'`);
    expect(safe.code, safe.stderr).toBe(0);
    expect(existsSync(join(cwd, "pwned"))).toBe(false);
  });

  it("refuses a spec that is a device or a FIFO without reading it, and a constraint nested 3000 deep", async () => {
    const cwd = testDir("badinput-specfile");
    const zero = await runCli(["run", "/dev/zero"], { cwd, timeoutMs: 60_000 });
    expectOneLineError(zero, 2, /\/dev\/zero is not a regular file \(it is a device\)/);
    execFileSync("mkfifo", [join(cwd, "spec.yaml")]);
    const fifo = await runCli(["run", "spec.yaml"], { cwd, timeoutMs: 60_000 });
    expectOneLineError(fifo, 2, /is not a regular file \(it is a FIFO\)/);
    const deep = `${"(".repeat(3000)}x${")".repeat(3000)} <= 1`;
    const nested = await runCli(
      ["run", "--experiment_name", "t", ...BASE, "--experiment_constraint", deep],
      { cwd, timeoutMs: 60_000 },
    );
    expectOneLineError(nested, 2, /more than 64 deep|characters long/);
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });

  it("says a zero-byte campaign.db holds no campaign (status and export)", async () => {
    const cwd = testDir("badinput-emptydb");
    mkdirSync(join(cwd, "c"));
    writeFileSync(join(cwd, "c", "campaign.db"), "");
    for (const cmd of ["status", "export"]) {
      const r = await runCli([cmd, "c"], { cwd, timeoutMs: 60_000 });
      expectOneLineError(r, 3, /holds no campaign/);
    }
  });

  it("refuses resume --parallelism 0 or -1 and --max_eval 0 and leaves the stored campaign as it was", async () => {
    const cwd = testDir("badinput-resume");
    const run = await runCli(["run", "--experiment_name", "r", ...BASE], {
      cwd,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(cwd, "runs", "r", "0");
    const spec = (): string => {
      const db = new Database(join(dir, "campaign.db"), { readonly: true });
      try {
        return (db.prepare("SELECT spec_json FROM campaigns").get() as { spec_json: string })
          .spec_json;
      } finally {
        db.close();
      }
    };
    const before = spec();
    for (const flags of [
      ["--parallelism", "0"],
      ["--parallelism", "-1"],
      ["--parallelism", "1.5"],
      ["--max_eval", "0"],
    ]) {
      const r = await runCli(["resume", dir, ...flags], { cwd, timeoutMs: 60_000 });
      expectOneLineError(r, 2, /expected a whole number of at least 1/);
    }
    expect(spec()).toBe(before);
    expect(readdirSync(dir)).not.toContain("controller.lock");
  });
});
