import Database from "better-sqlite3";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli, testDir } from "../../helpers/runCli.js";

/** Trials wait until the test creates the file `go` in the campaign's start directory. */
const WAITING_PROGRAM = `while [ ! -e go ]; do sleep 0.05; done; echo "RESULT: %(x)"`;

function nodes(dir: string): string[] {
  if (!existsSync(join(dir, "campaign.db"))) return [];
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    const rows = db.prepare("SELECT generation_node FROM trials ORDER BY trial_index").all() as {
      generation_node: string;
    }[];
    return rows.map((r) => r.generation_node);
  } catch {
    return []; // the schema is not written yet
  } finally {
    db.close();
  }
}

/** Waits (by polling the store) until the campaign has `n` trials. */
async function untilTrials(dir: string, n: number): Promise<string[]> {
  for (;;) {
    const found = nodes(dir);
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function flags(cwd: string, extra: string[]): string[] {
  return [
    "run",
    "--experiment_name",
    "strat",
    "--parameter",
    "x",
    "range",
    "0",
    "1",
    "--run_program",
    WAITING_PROGRAM,
    "--max_eval",
    "5",
    "--num_parallel_jobs",
    "4",
    "--seed",
    "7",
    "--force_local_execution",
    "--run_dir",
    join(cwd, "runs"),
    ...extra,
  ];
}

describe("strategy nodes as Ax counts them (real processes, real SQLite)", () => {
  it("--num_random_steps 2 with 4 slots: exactly 2 Sobol trials; TPE waits for a result with the slots free, and status says so", async () => {
    const cwd = testDir("strat-wait");
    const run = startCli(flags(cwd, ["--num_random_steps", "2", "--model", "TPE"]), cwd);
    const dir = join(cwd, "runs", "strat", "0");
    expect(await untilTrials(dir, 2)).toEqual(["SOBOL", "SOBOL"]);
    // Nothing finishes before `go` exists: the two free slots stay free while TPE waits.
    const status = await runCli(["status", dir, "--json"], { cwd });
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { waiting: string | null };
    expect(s.waiting).toBe(
      "TPE waits for 1 more result(s) of earlier trials (min_trials_observed 1)",
    );
    const text = await runCli(["status", dir], { cwd });
    expect(text.stdout).toContain("waiting: TPE waits for 1 more result(s)");
    expect(nodes(dir)).toEqual(["SOBOL", "SOBOL"]);
    writeFileSync(join(cwd, "go"), "");
    expect(await run.ended).toBe(0);
    expect(nodes(dir)).toEqual(["SOBOL", "SOBOL", "TPE", "TPE", "TPE"]);
  });

  it("fill: true gives the free slots Sobol points while TPE waits (today's behaviour as an option)", async () => {
    const cwd = testDir("strat-fill");
    const spec = {
      name: "strat",
      run_dir: join(cwd, "runs"),
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: WAITING_PROGRAM,
      max_eval: 5,
      parallelism: 4,
      seed: 7,
      executor: "local",
      strategy: [
        { model: "sobol", trials: 2 },
        { model: "tpe", fill: true },
      ],
    };
    writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec));
    const run = startCli(["run", "spec.json"], cwd);
    const dir = join(cwd, "runs", "strat", "0");
    expect(await untilTrials(dir, 4)).toEqual(["SOBOL", "SOBOL", "SOBOL", "SOBOL"]);
    writeFileSync(join(cwd, "go"), "");
    expect(await run.ended).toBe(0);
    expect(nodes(dir)).toEqual(["SOBOL", "SOBOL", "SOBOL", "SOBOL", "TPE"]);
  });

  it("max_parallelism caps a node's running trials", async () => {
    const cwd = testDir("strat-maxpar");
    const spec = {
      name: "strat",
      run_dir: join(cwd, "runs"),
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: WAITING_PROGRAM,
      max_eval: 4,
      parallelism: 4,
      seed: 7,
      executor: "local",
      strategy: [{ model: "sobol", trials: 3, max_parallelism: 1 }, { model: "random" }],
    };
    writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec));
    const run = startCli(["run", "spec.json"], cwd);
    const dir = join(cwd, "runs", "strat", "0");
    const status = async (): Promise<string | null> =>
      (
        JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as {
          waiting: string | null;
        }
      ).waiting;
    await untilTrials(dir, 1);
    expect(await status()).toBe("SOBOL has 1 trials pending, its max_parallelism");
    expect(nodes(dir)).toEqual(["SOBOL"]);
    writeFileSync(join(cwd, "go"), "");
    expect(await run.ended).toBe(0);
    expect(nodes(dir)).toEqual(["SOBOL", "SOBOL", "SOBOL", "RANDOM"]);
  });
});
