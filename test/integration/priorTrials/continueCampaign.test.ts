import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

/** Every file below `dir` with the SHA-256 of its bytes (and every folder), sorted. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.push(`${relative(dir, p)}/`);
        walk(p);
      } else
        out.push(
          `${relative(dir, p)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`,
        );
    }
  };
  walk(dir);
  return out;
}

type Row = Record<string, string>;
function rows(csvPath: string): Row[] {
  return parse<Row>(readFileSync(csvPath, "utf8"), { columns: true });
}

const PROGRAM = ["--run_program", 'echo "RESULT: %(x)"'];
const LOCAL = ["--force_local_execution", "--quiet", "--no-report"];

/** A first run of 6 Sobol trials of x in [0, 1] (its folder runs/e/0). */
async function firstRun(cwd: string): Promise<string> {
  const r = await runCli(
    [
      "run",
      "--experiment_name",
      "e",
      ...PROGRAM,
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "float",
      "--max_eval",
      "6",
      "--model",
      "SOBOL",
      "--seed",
      "5",
      ...LOCAL,
    ],
    { cwd },
  );
  expect(r.code, r.stderr).toBe(0);
  return join(cwd, "runs", "e", "0");
}

/** OmniOpt2's results.csv columns (its writer's order), then parameters, then results. */
const OMNIOPT2_HEADER = [
  "trial_index",
  "arm_name",
  "submit_time",
  "queue_time",
  "worker_generator_uuid",
  "start_time",
  "end_time",
  "run_time",
  "program_string",
  "exit_code",
  "signal",
  "hostname",
  "OO_Info_epochs",
  "generation_node",
  "trial_status",
  "x",
  "RESULT",
];

function omniopt2Csv(path: string, xs: readonly number[], statuses?: readonly string[]): void {
  const lines = [OMNIOPT2_HEADER.join(",")];
  xs.forEach((x, i) => {
    const status = statuses?.[i] ?? "COMPLETED";
    const result = status === "COMPLETED" ? String(x * x) : "";
    lines.push(
      [
        i,
        `${i}_0`,
        1717234020 + i,
        1,
        "4b6b0a3e",
        1717234021 + i,
        1717234030 + i,
        9,
        `bash run.sh --x=${x}`,
        status === "COMPLETED" ? 0 : 1,
        "None",
        "node7",
        12,
        i < 3 ? "SOBOL" : "BOTORCH_MODULAR",
        status,
        x,
        result,
      ].join(","),
    );
  });
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${lines.join("\n")}\n`);
}

describe("OmniOpt2's continue and load (real local executor, real SQLite)", () => {
  it("--continue with --max_eval 3 makes a new folder of 9 trials, 6 the old ones, new ones in the widened range; the old folder is unchanged", async () => {
    const cwd = testDir("continue-folder");
    const old = await firstRun(cwd);
    const before = snapshot(old);
    const r = await runCli(
      [
        "run",
        "--continue",
        old,
        "--max_eval",
        "3",
        "--parameter",
        "x",
        "range",
        "0",
        "10",
        "float",
        ...LOCAL,
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const fresh = join(cwd, "runs", "e", "1");
    expect(r.stderr).toContain(fresh);
    const oldRows = readFileSync(join(old, "results.csv"), "utf8").trim().split("\n");
    const newRows = readFileSync(join(fresh, "results.csv"), "utf8").trim().split("\n");
    expect(newRows).toHaveLength(1 + 9);
    // The six old trials are the first six rows, exactly as the old results.csv has them.
    expect(newRows.slice(0, 7)).toEqual(oldRows);
    const added = rows(join(fresh, "results.csv")).slice(6);
    for (const t of added) {
      expect(t.trial_status).toBe("COMPLETED");
      expect(Number(t.x)).toBeGreaterThanOrEqual(0);
      expect(Number(t.x)).toBeLessThanOrEqual(10);
    }
    // The widened range is used: Sobol points of [0, 10] beyond the old bound 1.
    expect(added.some((t) => Number(t.x) > 1)).toBe(true);
    expect(snapshot(old)).toEqual(before);
  });

  it("without --max_eval, a continue of a continue adds the first run's 6 trials again (6, 12, 18), not its total", async () => {
    const cwd = testDir("continue-twice");
    const first = await firstRun(cwd);
    const again = await runCli(["run", "--continue", first, ...LOCAL], { cwd });
    expect(again.code, again.stderr).toBe(0);
    const second = join(cwd, "runs", "e", "1");
    expect(rows(join(second, "results.csv"))).toHaveLength(12);
    const third = await runCli(["run", "--continue", second, ...LOCAL], { cwd });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain("12 trials of earlier runs, 6 new");
    expect(rows(join(cwd, "runs", "e", "2", "results.csv"))).toHaveLength(18);
  });

  it("--continue and --load_data_from_existing_jobs keep the budget columns of a campaign with budgets", async () => {
    const cwd = testDir("continue-budgets");
    // Rungs at budgets 1 and 3: three configurations at 1, the best of them again at 3.
    const budgetFlags = ["--min_budget", "1", "--max_budget", "3", "--eta", "3"];
    const first = await runCli(
      [
        "run",
        "--experiment_name",
        "b",
        "--run_program",
        'echo "RESULT: %(x) at %(budget)"',
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "float",
        "--max_eval",
        "5",
        "--seed",
        "5",
        ...budgetFlags,
        ...LOCAL,
      ],
      { cwd },
    );
    expect(first.code, first.stderr).toBe(0);
    const budgetCells = (t: Row): string[] =>
      [t.budget, t.bracket, t.rung, t.parent_trial, t.config_trial].map(String);
    const old = rows(join(cwd, "runs", "b", "0", "results.csv"));
    expect(old.some((t) => t.budget === "3" && t.parent_trial !== "")).toBe(true); // a promotion
    const again = await runCli(
      ["run", "--continue", join(cwd, "runs", "b", "0"), "--max_eval", "1", ...LOCAL],
      { cwd },
    );
    expect(again.code, again.stderr).toBe(0);
    const continued = rows(join(cwd, "runs", "b", "1", "results.csv"));
    expect(continued.slice(0, old.length).map(budgetCells)).toEqual(old.map(budgetCells));
    expect(continued[old.length]!.budget).not.toBe("");

    const loaded = await runCli(
      [
        "run",
        "--experiment_name",
        "l",
        "--run_program",
        'echo "RESULT: %(x) %(budget)"',
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "float",
        "--max_eval",
        "1",
        "--load_data_from_existing_jobs",
        join(cwd, "runs", "b", "0"),
        ...budgetFlags,
        ...LOCAL,
      ],
      { cwd },
    );
    expect(loaded.code, loaded.stderr).toBe(0);
    const data = rows(join(cwd, "runs", "l", "0", "results.csv")).slice(0, old.length);
    // Loaded trials keep the budget their value was measured at, in no bracket of the new run.
    expect(data.map((t) => t.budget)).toEqual(old.map((t) => t.budget));
    expect(data.every((t) => t.bracket === "" && t.rung === "")).toBe(true);
  });

  it("continues an OmniOpt2-shaped results.csv the same way, and leaves that file unchanged", async () => {
    const cwd = testDir("continue-omniopt2");
    const csv = join(cwd, "oo", "runs", "e", "0", "results.csv");
    omniopt2Csv(
      csv,
      [0.5, 0.25, 0.75, 0.125, 0.625, 0.375],
      ["COMPLETED", "COMPLETED", "FAILED", "COMPLETED", "COMPLETED", "COMPLETED"],
    );
    const before = snapshot(join(cwd, "oo"));
    const r = await runCli(
      [
        "run",
        "--continue",
        join(cwd, "oo", "runs", "e", "0"),
        "--experiment_name",
        "e",
        ...PROGRAM,
        "--parameter",
        "x",
        "range",
        "0",
        "10",
        "float",
        "--max_eval",
        "3",
        "--model",
        "SOBOL",
        ...LOCAL,
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const all = rows(join(cwd, "runs", "e", "0", "results.csv"));
    expect(all).toHaveLength(9);
    const old = rows(csv);
    all.slice(0, 6).forEach((t, i) => {
      const o = old[i]!;
      expect(t.trial_index).toBe(o.trial_index);
      expect(Number(t.x)).toBe(Number(o.x));
      expect(t.RESULT).toBe(o.RESULT);
      expect(t.trial_status).toBe(o.trial_status);
      expect(t.generation_node).toBe(o.generation_node);
      expect(t.hostname).toBe("node7");
      expect(t.start_time).toBe(o.start_time);
      expect(t.OO_Info_epochs).toBe("12");
    });
    expect(all.slice(6).every((t) => t.trial_status === "COMPLETED")).toBe(true);
    expect(all.slice(6).some((t) => Number(t.x) > 1)).toBe(true);
    expect(snapshot(join(cwd, "oo"))).toEqual(before);
  });

  it("a narrowed range: new trials inside it, the old trials outside kept for reference with a note", async () => {
    const cwd = testDir("continue-narrow");
    const old = await firstRun(cwd);
    const outside = rows(join(old, "results.csv")).filter((t) => Number(t.x) > 0.5).length;
    expect(outside).toBeGreaterThan(0);
    const r = await runCli(
      [
        "run",
        "--continue",
        old,
        "--max_eval",
        "2",
        "--parameter",
        "x",
        "range",
        "0",
        "0.5",
        ...LOCAL,
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${outside} of the 6 trials from ${old} lie outside the search space`,
    );
    const all = rows(join(cwd, "runs", "e", "1", "results.csv"));
    expect(all).toHaveLength(8);
    for (const t of all.slice(6)) expect(Number(t.x)).toBeLessThanOrEqual(0.5);
  });

  it("--load_data_from_existing_jobs (--load-from) starts a new campaign with the trials that have results", async () => {
    const cwd = testDir("load-from");
    const old = await firstRun(cwd);
    const csv = join(cwd, "oo", "results.csv");
    omniopt2Csv(csv, [0.5, 0.25, 0.75], ["COMPLETED", "FAILED", "COMPLETED"]);
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "l",
        ...PROGRAM,
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--max_eval",
        "2",
        "--load_data_from_existing_jobs",
        old,
        csv,
        ...LOCAL,
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 trials of .*results\.csv have no result for every objective/);
    const all = rows(join(cwd, "runs", "l", "0", "results.csv"));
    // 6 + 2 loaded, 2 new (OmniOpt2's test: loaded rows plus --max_eval new ones).
    expect(all).toHaveLength(10);
    expect(all.slice(0, 8).every((t) => t.trial_status === "COMPLETED")).toBe(true);
  });

  it("refuses a missing folder, a results.csv without a parameter's column and a non-numeric value, writing nothing", async () => {
    const cwd = testDir("continue-bad");
    const flags = [
      "--experiment_name",
      "b",
      ...PROGRAM,
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "--max_eval",
      "2",
      ...LOCAL,
    ];
    const one = (r: { code: number; stderr: string }, text: RegExp): void => {
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(text);
    };
    one(
      await runCli(["run", "--continue", "runs/none/0", ...flags], { cwd }),
      /^slurmopt: error \[PRIOR_RUN_INVALID\]: runs\/none\/0 does not exist; give a slurmopt campaign folder/,
    );
    const noColumn = join(cwd, "nocol.csv");
    writeFileSync(noColumn, "trial_index,trial_status,y,RESULT\n0,COMPLETED,0.5,1\n");
    one(
      await runCli(["run", "--load-from", noColumn, ...flags], { cwd }),
      /nocol\.csv has no column for "x" \(its parameter and result columns: y, RESULT\)/,
    );
    const word = join(cwd, "word.csv");
    writeFileSync(
      word,
      "trial_index,trial_status,x,RESULT\n0,COMPLETED,0.5,1\n1,COMPLETED,half,2\n",
    );
    one(
      await runCli(["run", "--continue", word, ...flags], { cwd }),
      /word\.csv line 3 \(trial_index 1\): parameter "x" is "half", not a number/,
    );
    expect(existsSync(join(cwd, "runs"))).toBe(false);
  });
});
