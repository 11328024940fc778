/**
 * Ask/tell on the command line (slurmopt create/ask/tell/fail/abandon/attach), as a Python or
 * bash user drives it: real processes, real SQLite. Every refused call exits 2 (3 for a
 * campaign a controller drives) with its message, and changes nothing in the store.
 */
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openCampaign, type CampaignSession } from "../../../src/index.js";
import { CLI, REPO, runCli, testDir } from "../../helpers/runCli.js";

const run = promisify(execFile);
const SPEC = join(REPO, "examples", "python", "spec.yaml");
const SLURMOPT = `${process.execPath} ${CLI}`;

/** Everything a refused call could have changed, read through the library. */
async function snapshot(dir: string): Promise<string> {
  const s = await openCampaign(dir, { readonly: true });
  try {
    const { updated_at: _u, ...row } = s.refreshRow();
    return JSON.stringify({ trials: s.trials(), row });
  } finally {
    await s.close();
  }
}

async function trialsOf(dir: string): Promise<ReturnType<CampaignSession["trials"]>> {
  const s = await openCampaign(dir, { readonly: true });
  try {
    return s.trials();
  } finally {
    await s.close();
  }
}

async function create(cwd: string, extra: string[] = []): Promise<string> {
  const r = await runCli(
    [
      "create",
      "--name",
      "svc",
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "--parameter",
      "k",
      "choice",
      "a,b,c",
      "--max_eval",
      "10",
      "--num_parallel_jobs",
      "3",
      "--seed",
      "5",
      "--run_dir",
      join(cwd, "runs"),
      ...extra,
    ],
    { cwd },
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe("ask/tell on the command line", () => {
  it("create, ask, tell, fail, abandon, attach: JSON out, the same campaign.db status reads", async () => {
    const cwd = testDir("asktell");
    const dir = await create(cwd, ["--num_random_steps", "5"]);
    expect(dir).toBe(join(cwd, "runs", "svc", "0"));
    const asked = await runCli(["ask", dir, "--n", "5", "--json"], { cwd });
    expect(asked.code, asked.stderr).toBe(0);
    const trials = JSON.parse(asked.stdout) as { index: number; generationNode: string }[];
    // The parallelism (3) caps what is pending.
    expect(trials.map((t) => t.index)).toEqual([0, 1, 2]);
    const told = await runCli(["tell", dir, "0", "RESULT=0.31", "--sem", "RESULT=0.01", "--json"], {
      cwd,
    });
    expect(told.code, told.stderr).toBe(0);
    expect(JSON.parse(told.stdout)).toMatchObject({
      index: 0,
      state: "COMPLETED",
      values: { RESULT: 0.31 },
      sems: { RESULT: 0.01 },
    });
    expect((await runCli(["fail", dir, "1", "--reason", "out of memory"], { cwd })).code).toBe(0);
    expect((await runCli(["abandon", dir, "2"], { cwd })).code).toBe(0);
    const attached = await runCli(["attach", dir, "x=0.25", "k=b", "RESULT=0.1", "--json"], {
      cwd,
    });
    expect(attached.code, attached.stderr).toBe(0);
    expect(JSON.parse(attached.stdout)).toMatchObject({
      index: 3,
      state: "COMPLETED",
      parameters: { x: 0.25, k: "b" },
      generationNode: "MANUAL",
    });
    const stored = await trialsOf(dir);
    expect(stored.map((t) => [t.index, t.state, t.reason])).toEqual([
      [0, "COMPLETED", null],
      [1, "FAILED", "out of memory"],
      [2, "CANCELLED", "abandoned"],
      [3, "COMPLETED", null],
    ]);
    const best = await runCli(["best", dir, "--n", "1", "--json"], { cwd });
    expect(JSON.parse(best.stdout)).toMatchObject({ trials: [{ trial_index: 3 }] });
    const status = await runCli(["status", dir, "--json"], { cwd });
    expect(JSON.parse(status.stdout)).toMatchObject({ counts: { COMPLETED: 2, FAILED: 1 } });
  });

  it("progress and should-stop: the early_stopping rule stops a bad trial (EARLY_STOPPED with its last value), bad calls change nothing", async () => {
    const cwd = testDir("asktell-es");
    const dir = await create(cwd, [
      "--num_random_steps",
      "5",
      "--early_stopping",
      "median",
      "--early_stopping_min_trials",
      "2",
      "--early_stopping_min_progression",
      "1",
    ]);
    expect((await runCli(["ask", dir, "--n", "3"], { cwd })).code).toBe(0);
    for (const [trial, value] of [
      ["0", "1"],
      ["1", "1.5"],
      ["2", "4"],
    ]) {
      const r = await runCli(["progress", dir, trial!, "1", `RESULT=${value}`], { cwd });
      expect(r.code, r.stderr).toBe(0);
    }
    const keep = await runCli(["should-stop", dir, "0"], { cwd });
    expect([keep.code, keep.stdout]).toEqual([0, "continue\n"]);
    const stop = await runCli(["should-stop", dir, "2"], { cwd });
    expect([stop.code, stop.stdout]).toEqual([
      0,
      "stop\tearly stopped: RESULT@1 = 4 worse than the median 1.25 of 2 other trial(s) at that step\n",
    ]);
    const again = await runCli(["should-stop", dir, "2", "--json"], { cwd });
    expect(JSON.parse(again.stdout)).toMatchObject({
      stop: true,
      trial: { index: 2, state: "EARLY_STOPPED", values: { RESULT: 4 } },
    });
    const before = await snapshot(dir);
    const bad: [string[], RegExp][] = [
      [
        ["progress", dir, "2", "2", "RESULT=3"],
        /TRIAL_FINISHED.*progress: trial 2 is already EARLY_STOPPED/,
      ],
      [["progress", dir, "0", "-1", "RESULT=3"], /RESULT_INVALID.*step must be a number >= 0/],
      [["progress", dir, "0", "x", "RESULT=3"], /RESULT_INVALID.*got "x"/],
      [["progress", dir, "0", "2", "RESULT=abc"], /RESULT_INVALID.*not a finite number/],
      [
        ["progress", dir, "0", "2", "LOSS=1"],
        /RESULT_INVALID.*progress: trial 0: "LOSS" is neither an objective/,
      ],
      [["progress", dir, "0", "2"], /RESULT_INVALID.*no value given/],
      [["should-stop", dir, "7"], /TRIAL_UNKNOWN.*should-stop: campaign \S+ has no trial 7/],
      [["tell", dir, "2", "RESULT=0"], /TRIAL_FINISHED.*already EARLY_STOPPED/],
    ];
    for (const [args, message] of bad) {
      const r = await runCli(args, { cwd });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await snapshot(dir), args.join(" ")).toBe(before);
    }
    const status = await runCli(["status", dir, "--json"], { cwd });
    expect(JSON.parse(status.stdout)).toMatchObject({ counts: { EARLY_STOPPED: 1, RUNNING: 2 } });
  });

  it("a created campaign is CREATED until its first ask, then RUNNING", async () => {
    const cwd = testDir("asktell-state");
    const dir = await create(cwd);
    const before = await runCli(["status", dir, "--json"], { cwd });
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ state: "CREATED" });
    expect((await runCli(["status", dir], { cwd })).stdout).toContain("state: CREATED");
    expect((await runCli(["ask", dir], { cwd })).code).toBe(0);
    const after = await runCli(["status", dir, "--json"], { cwd });
    expect(JSON.parse(after.stdout)).toMatchObject({ state: "RUNNING" });
  });

  it("ask takes the count as a positional (slurmopt ask DIR 2) as well as --n", async () => {
    const cwd = testDir("asktell-count");
    const dir = await create(cwd);
    const asked = await runCli(["ask", dir, "2", "--json"], { cwd });
    expect(asked.code, asked.stderr).toBe(0);
    expect((JSON.parse(asked.stdout) as unknown[]).length).toBe(2);
    const twice = await runCli(["ask", dir, "2", "--n", "3"], { cwd });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/FLAG_INVALID.*count given twice.*give it once/);
    expect(await trialsOf(dir)).toHaveLength(2);
  });

  it("refuses every bad call with exit 2 and its message, and changes nothing", async () => {
    const cwd = testDir("asktell-bad");
    const dir = await create(cwd);
    expect((await runCli(["ask", dir, "--n", "2"], { cwd })).code).toBe(0);
    expect((await runCli(["tell", dir, "0", "RESULT=1"], { cwd })).code).toBe(0);
    expect((await runCli(["fail", dir, "1"], { cwd })).code).toBe(0);
    const before = await snapshot(dir);
    const bad: [string[], RegExp][] = [
      [["tell", dir, "7", "RESULT=1"], /TRIAL_UNKNOWN.*has no trial 7; ask for trials first/],
      [["tell", dir, "abc", "RESULT=1"], /TRIAL_UNKNOWN.*must be a trial index.*got "abc"/],
      [["tell", dir, "0", "RESULT=2"], /TRIAL_FINISHED.*trial 0 is already COMPLETED/],
      [["tell", dir, "1", "RESULT=2"], /TRIAL_FINISHED.*trial 1 is already FAILED/],
      [["fail", dir, "0"], /TRIAL_FINISHED.*trial 0 is already COMPLETED/],
      [["abandon", dir, "1"], /TRIAL_FINISHED.*trial 1 is already FAILED/],
      [["tell", dir, "0", "RESULT=abc"], /RESULT_INVALID.*RESULT="abc" is not a finite number/],
      [["tell", dir, "0"], /RESULT_INVALID.*no result given/],
      [["tell", dir, "0", "RESULT"], /"RESULT" is not NAME=VALUE/],
      [["attach", dir, "x=2", "k=a"], /POINT_INVALID.*parameter "x" must lie in \[0, 1\], got 2/],
      [["attach", dir, "x=0.5", "k=z"], /POINT_INVALID.*must be one of a, b, c/],
      [["attach", dir, "x=0.5", "k=a", "LOSS=1"], /POINT_INVALID.*"LOSS" is neither a parameter/],
      [["attach", dir, "x=0.5", "k=a", "RESULT=nan"], /RESULT_INVALID.*not a finite number/],
      [["ask", dir, "--n", "0"], /--n: expected a whole number of at least 1, got 0/],
      [
        ["ask", dir, "abc"],
        /FLAG_INVALID.*ask: the count must be a whole number of at least 1, got "abc"/,
      ],
    ];
    for (const [args, message] of bad) {
      const r = await runCli(args, { cwd });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await snapshot(dir), args.join(" ")).toBe(before);
    }
  });

  it("while a controller drives the campaign: ask is refused (exit 3), tell of an asked trial works", async () => {
    const cwd = testDir("asktell-lock");
    const dir = await create(cwd);
    expect((await runCli(["ask", dir], { cwd })).code).toBe(0);
    const controller = await openCampaign(dir, {
      lock: { onCompromised: (e) => expect.fail(`lock lost: ${e.message}`) },
    });
    try {
      const before = await snapshot(dir);
      const r = await runCli(["ask", dir], { cwd });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /cannot ask for trials: a controller .* drives .* proposes its trials itself/,
      );
      expect(await snapshot(dir)).toBe(before);
      const told = await runCli(["tell", dir, "0", "RESULT=0.5"], { cwd });
      expect(told.code, told.stderr).toBe(0);
      const attached = await runCli(["attach", dir, "x=0.5", "k=a"], { cwd });
      expect(attached.code, attached.stderr).toBe(0);
    } finally {
      await controller.close();
    }
  });

  it("refuses to tell a result for a trial that slurmopt's executor runs", async () => {
    const cwd = testDir("asktell-run");
    const r = await runCli(
      [
        "run",
        "--name",
        "ran",
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        "echo RESULT: %(x)",
        "--max_eval",
        "2",
        "--executor",
        "local",
        "--run_dir",
        join(cwd, "runs"),
        "--quiet",
        "--no-report",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "ran", "0");
    const before = await snapshot(dir);
    const told = await runCli(["tell", dir, "0", "RESULT=5"], { cwd });
    expect(told.code).toBe(2);
    expect(told.stderr).toMatch(/TRIAL_CONTROLLED.*trial 0 is run by slurmopt's executor/);
    expect(await snapshot(dir)).toBe(before);
  });

  it("the bash example runs its rounds", async () => {
    const cwd = testDir("asktell-bash");
    const { stdout } = await run(
      join(REPO, "examples", "bash", "ask_tell.sh"),
      [SPEC, "4", "--run_dir", join(cwd, "runs")],
      { cwd: REPO, env: { ...process.env, SLURMOPT } },
    );
    const dir = stdout.trim().split("\n").at(-1)!;
    const trials = await trialsOf(dir);
    expect(trials.map((t) => t.state)).toEqual([
      "COMPLETED",
      "COMPLETED",
      "COMPLETED",
      "COMPLETED",
    ]);
  });

  it("the Python example's 30 rounds try the same points, in order, as run with the same seed", async () => {
    const cwd = testDir("asktell-python");
    const { stdout } = await run(
      "python3",
      [join(REPO, "examples", "python", "ask_tell.py"), SPEC, "30", "--run_dir", join(cwd, "py")],
      { cwd: REPO, env: { ...process.env, SLURMOPT } },
    );
    const py = JSON.parse(stdout) as { dir: string };
    const ran = await runCli(
      ["run", SPEC, "--run_dir", join(cwd, "run"), "--quiet", "--no-report"],
      {
        cwd: REPO,
      },
    );
    expect(ran.code, ran.stderr).toBe(0);
    const a = await trialsOf(py.dir);
    const b = await trialsOf(join(cwd, "run", "branin_py", "0"));
    expect(a).toHaveLength(30);
    const points = (ts: typeof a) =>
      ts.map((t) => [t.index, t.parameters, t.values.RESULT, t.generationNode]);
    expect(points(a)).toEqual(points(b));
    // The GP takes over after the Sobol trials, and both found the same best.
    expect(a.some((t) => t.generationNode === "GP")).toBe(true);
  }, 600_000);
});
