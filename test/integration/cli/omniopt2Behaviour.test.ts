import Database from "better-sqlite3";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { campaignTrials } from "../../helpers/omniopt2Cli.js";
import { runCli, testDir } from "../../helpers/runCli.js";

/** The only campaign folder under runs/<name>/. */
function campaignDir(cwd: string, name: string): string {
  const base = join(cwd, "runs", name);
  const [n] = readdirSync(base);
  return join(base, n!);
}

function trialStates(dir: string): string[] {
  return campaignTrials(dir).map((t) => t.state);
}

function campaignRow(dir: string): { state: string; spec_json: string } {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT state, spec_json FROM campaigns").get() as {
      state: string;
      spec_json: string;
    };
  } finally {
    db.close();
  }
}

const LOCAL = ["--force_local_execution", "--num_parallel_jobs", "1"];

describe("OmniOpt2 behaviour: repeated flags take the last value (argparse)", () => {
  it("runs --max_eval 5 --max_eval 2 as two trials and a repeated --model as the last one", async () => {
    const cwd = testDir("oo2-repeated");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "rep",
        ...LOCAL,
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        "echo RESULT: %x",
        "--max_eval",
        "5",
        "--max_eval",
        "2",
        "--num_random_steps",
        "1",
        "--model",
        "GP",
        "--model",
        "SOBOL",
        "--experiment_constraints",
        "x <= 0.9",
        "--experiment_constraints",
        "x >= 0.01",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    // Locally without --worker_timeout the start-up line says that trials have no time limit.
    expect(r.stderr).toMatch(
      /slurmopt: campaign rep in \S+ \(seed \d+; trials have no time limit: --worker_timeout sets one\)/,
    );
    const dir = campaignDir(cwd, "rep");
    expect(trialStates(dir)).toEqual(["COMPLETED", "COMPLETED"]);
    const spec = JSON.parse(campaignRow(dir).spec_json) as Record<string, unknown>;
    expect(JSON.stringify(spec)).not.toMatch(/"GP"|"gp"/);
    expect(JSON.stringify(spec)).toMatch(/x <= 0\.9/);
    expect(JSON.stringify(spec)).toMatch(/x >= 0\.01/);
  });
});

describe("OmniOpt2 behaviour: --max_failed_jobs", () => {
  it("0 means no limit of its own (OmniOpt2's tests pass --max_failed_jobs=0 and expect success)", async () => {
    const cwd = testDir("oo2-maxfailed0");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "mf0",
        ...LOCAL,
        "--parameter",
        "x",
        "range",
        "0",
        "3",
        "int",
        "--run_program",
        'if [ "%x" -lt 2 ]; then exit 3; fi; echo RESULT: %x',
        "--max_eval",
        "4",
        "--num_random_steps",
        "4",
        "--model",
        "FACTORIAL",
        "--max_failed_jobs=0",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const dir = campaignDir(cwd, "mf0");
    expect(campaignRow(dir).state).toBe("COMPLETED");
    expect(trialStates(dir).filter((s) => s === "FAILED")).toHaveLength(2);
  });

  it("N tolerates N failed trials and ends the campaign FAILED at the next one", async () => {
    const cwd = testDir("oo2-maxfailed");
    const run = (name: string, limit: string) =>
      runCli(
        [
          "run",
          "--experiment_name",
          name,
          ...LOCAL,
          "--parameter",
          "x",
          "range",
          "0",
          "3",
          "int",
          "--run_program",
          'if [ "%x" -lt 2 ]; then exit 3; fi; echo RESULT: %x',
          "--max_eval",
          "4",
          "--model",
          "FACTORIAL",
          "--num_random_steps",
          "4",
          "--max_failed_jobs",
          limit,
        ],
        { cwd, timeoutMs: 120_000 },
      );
    const two = await run("mf2", "2");
    expect(two.code, two.stderr).toBe(0);
    expect(campaignRow(campaignDir(cwd, "mf2")).state).toBe("COMPLETED");
    const one = await run("mf1", "1");
    expect(one.code, one.stderr).not.toBe(0);
    const row = campaignRow(campaignDir(cwd, "mf1"));
    expect(row.state).toBe("FAILED");
  });
});

describe("OmniOpt2 behaviour: --gridsearch", () => {
  it("with --model keeps the model and warns, as OmniOpt2 does; alone it is the grid (FACTORIAL)", async () => {
    const cwd = testDir("oo2-grid");
    const base = [
      ...LOCAL,
      "--parameter",
      "x",
      "choice",
      "a,b,c",
      "--run_program",
      "echo RESULT: 1",
      "--max_eval",
      "3",
      "--num_random_steps",
      "1",
      "--gridsearch",
    ];
    const withModel = await runCli(
      ["run", "--experiment_name", "gm", ...base, "--model", "SOBOL"],
      { cwd, timeoutMs: 120_000 },
    );
    expect(withModel.code, withModel.stderr).toBe(0);
    expect(withModel.stderr).toMatch(/--gridsearch only really works with --model FACTORIAL/);
    const spec = campaignRow(campaignDir(cwd, "gm")).spec_json;
    expect(spec).not.toMatch(/FACTORIAL|"grid"/);
    const alone = await runCli(["run", "--experiment_name", "g", ...base], {
      cwd,
      timeoutMs: 120_000,
    });
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).not.toMatch(/only really works/);
    expect(campaignRow(campaignDir(cwd, "g")).spec_json).toMatch(/FACTORIAL|"grid"/);
  });
});

describe("OmniOpt2 behaviour: exit codes", () => {
  it("87 when the search space is exhausted, after the running trials finished and were collected", async () => {
    const cwd = testDir("oo2-exhausted");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "ex",
        "--force_local_execution",
        "--num_parallel_jobs",
        "3",
        "--parameter",
        "x",
        "choice",
        "a,b,c",
        "--gridsearch",
        "--run_program",
        'if [ "%x" = "c" ]; then sleep 2; fi; echo RESULT: 1',
        "--max_eval",
        "10",
        "--max_nr_of_zero_results",
        "3",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(87);
    const dir = campaignDir(cwd, "ex");
    expect(trialStates(dir)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(campaignRow(dir).state).toBe("STOPPED");
  });

  it("89 when every trial failed, never 0", async () => {
    const cwd = testDir("oo2-allfailed");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "af",
        ...LOCAL,
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        "exit 3",
        "--max_eval",
        "2",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(89);
    expect(trialStates(campaignDir(cwd, "af"))).toEqual(["FAILED", "FAILED"]);
  });
});

describe("OmniOpt2 behaviour: results", () => {
  it("reads the first number after NAME: (RESULT: 0.13, is 0.13), stores a warning for the ignored text, and the last line wins", async () => {
    const cwd = testDir("oo2-results");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "res",
        ...LOCAL,
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--result_names",
        "RESULT=min",
        "LOSS=min",
        "--run_program",
        "printf 'RESULT: 9\\nRESULT: 0.13,\\nLOSS: 1.5e-3\\n'",
        "--max_eval",
        "1",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(join(campaignDir(cwd, "res"), "campaign.db"), { readonly: true });
    try {
      const row = db.prepare("SELECT state, results_json, reason FROM trials").get() as {
        state: string;
        results_json: string;
        reason: string | null;
      };
      expect(row.state).toBe("COMPLETED");
      expect(JSON.parse(row.results_json)).toEqual({ RESULT: 0.13, LOSS: 0.0015 });
      expect(row.reason).toBe('RESULT: text after the number 0.13 ignored (",")');
    } finally {
      db.close();
    }
  });
});

describe("OmniOpt2 behaviour: --dryrun", () => {
  it("runs one quick trial locally, whatever --max_eval says, and exits 0", async () => {
    const cwd = testDir("oo2-dryrun");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "dry",
        "--dryrun",
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        "echo RESULT: %x",
        "--max_eval",
        "10",
        "--num_parallel_jobs",
        "5",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("--dryrun: one quick trial");
    const dir = campaignDir(cwd, "dry");
    expect(trialStates(dir)).toEqual(["COMPLETED"]);
    const spec = JSON.parse(campaignRow(dir).spec_json) as {
      maxEval: number;
      executor: string;
      parallelism: number;
    };
    expect(spec).toMatchObject({ maxEval: 1, executor: "local", parallelism: 1 });
  });
});
