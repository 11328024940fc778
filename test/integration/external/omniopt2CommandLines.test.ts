import Database from "better-sqlite3";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli, testDir } from "../../helpers/runCli.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import { PYTHON, RANDOM_GENERATOR, calls, trials } from "./externalKit.js";

const b64 = (s: string): string => Buffer.from(`${s}\n`).toString("base64");

/** A PATH holding python3 and nothing else: no sbatch, so executor auto must choose local. */
function pathWithoutSbatch(cwd: string): string {
  const bin = join(cwd, "bin");
  mkdirSync(bin);
  symlinkSync(PYTHON, join(bin, "python3"));
  return bin;
}

/**
 * The first command line of OmniOpt2's external-generator documentation, word for word, with
 * only the program paths changed: `python3 $(pwd)/.tests/example_external.py`.
 */
function documentedCommandLine(cwd: string): string[] {
  return [
    "run",
    "--partition=alpha",
    "--experiment_name=EXTERNAL_GENERATOR_test",
    "--mem_gb=1",
    "--time=60",
    "--worker_timeout=60",
    "--max_eval=2",
    "--num_parallel_jobs=5",
    "--gpus=1",
    "--num_random_steps=1",
    "--follow",
    "--live_share",
    "--send_anonymized_usage_stats",
    "--result_names",
    "RESULT=max",
    "--run_program=ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSIgJiYgZWNobyAiUkVTVUxUMjogJXoi",
    "--cpus_per_task=1",
    "--nodes_per_job=1",
    "--generate_all_jobs_at_once",
    "--revert_to_random_when_seemingly_exhausted",
    "--run_mode=local",
    "--decimalrounding=4",
    "--occ_type=euclid",
    "--main_process_gb=8",
    "--max_nr_of_zero_results=1",
    "--slurm_signal_delay_s=0",
    "--n_estimators_randomforest=100",
    "--parameter",
    "x",
    "range",
    "123",
    "100000000",
    "int",
    "false",
    "--parameter",
    "y",
    "range",
    "1234",
    "4321",
    "--parameter",
    "z",
    "range",
    "111",
    "222",
    "int",
    "--experiment_constraint",
    "x >= y",
    "--seed",
    "1234",
    "--model=EXTERNAL_GENERATOR",
    "--external_generator",
    b64(`python3 ${cwd}/.tests/example_external.py`),
  ];
}

function attemptExecutors(dir: string): string[] {
  return attempts(dir)
    .map((a) => a.executor)
    .filter((e, i, all) => all.indexOf(e) === i);
}

function attempts(dir: string): { executor: string; job_id: string | null }[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT executor, job_id FROM attempts").all() as {
      executor: string;
      job_id: string | null;
    }[];
  } finally {
    db.close();
  }
}

/**
 * Whether executor slurm really submits to Slurm yet (createExecutor still hands out the local
 * executor for it while the Slurm executor is being wired in).
 */
function slurmExecutorWired(): boolean {
  return /SlurmExecutor/.test(
    readFileSync(join(REPO, "src", "engine", "createExecutor.ts"), "utf8"),
  );
}

describe("OmniOpt2 command lines", () => {
  it("runs the documented external-generator command line as it is, locally when sbatch is not on PATH", async () => {
    const cwd = testDir("omnidoc");
    mkdirSync(join(cwd, ".tests"));
    writeFileSync(join(cwd, ".tests", "example_external.py"), RANDOM_GENERATOR);
    const r = await runCli(documentedCommandLine(cwd), {
      cwd,
      env: { PATH: pathWithoutSbatch(cwd) },
    });
    expect(r.code, r.stderr).toBe(0);
    for (const flag of ["live_share", "send_anonymized_usage_stats", "run_mode", "decimalrounding"])
      expect(r.stderr).toContain(`warning: --${flag} has no effect in slurmopt:`);
    expect(r.stderr).toContain(
      "(--n_estimators_randomforest) has no effect without a RANDOMFOREST node",
    );
    expect(r.stderr).toContain("warning: --occ_type has no effect without --occ");
    const dir = join(cwd, "runs", "EXTERNAL_GENERATOR_test", "0");
    expect(attemptExecutors(dir)).toEqual(["local"]);
    const rows = trials(dir);
    expect(rows).toHaveLength(2);
    for (const t of rows) {
      expect(t.state, t.reason ?? "").toBe("COMPLETED");
      const p = JSON.parse(t.params_json) as { x: number; y: number; z: number };
      expect(p.x).toBeGreaterThanOrEqual(p.y);
      // `echo "RESULT: %(x)%(y)"`: the two values side by side, read as one number.
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: Number(`${p.x}${p.y}`) });
    }
    // As in OmniOpt2: --num_random_steps=1 gives exactly one Sobol trial, and the external
    // generator (which needs no data) is called for the second one, while the first runs.
    expect(rows.map((t) => t.generation_node)).toEqual(["SOBOL", "EXTERNAL_GENERATOR"]);
    const made = calls(dir);
    expect(made).toHaveLength(1);
    // the Sobol trial was pending when the generator was asked (input.json has no results yet
    // or, if it already finished, its result)
    expect(made[0]!.outcome.ok, made[0]!.outcome.problem ?? "").toBe(true);
  });

  it("runs the same command line with the external generator asked for the trials after the Sobol one", async () => {
    const cwd = testDir("omnidoc2");
    mkdirSync(join(cwd, ".tests"));
    writeFileSync(join(cwd, ".tests", "example_external.py"), RANDOM_GENERATOR);
    const args = documentedCommandLine(cwd).map((a) =>
      a === "--max_eval=2"
        ? "--max_eval=4"
        : a === "--num_parallel_jobs=5"
          ? "--num_parallel_jobs=1"
          : a,
    );
    const r = await runCli(args, { cwd, env: { PATH: pathWithoutSbatch(cwd) } });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "EXTERNAL_GENERATOR_test", "0");
    const rows = trials(dir);
    expect(rows.map((t) => t.generation_node)).toEqual([
      "SOBOL",
      "EXTERNAL_GENERATOR",
      "EXTERNAL_GENERATOR",
      "EXTERNAL_GENERATOR",
    ]);
    for (const t of rows) expect(t.state).toBe("COMPLETED");
    const made = calls(dir);
    expect(made).toHaveLength(3);
    for (const c of made) expect(c.outcome.ok, c.outcome.problem ?? "").toBe(true);
    // OmniOpt2's documented input.json: INT ranges as ints, the FLOAT range as floats, the constraint.
    expect(readFileSync(join(dir, "external_generator_tmp", "0", "input.json"), "utf8")).toContain(
      '"y": {\n            "parameter_type": "RANGE",\n            "type": "FLOAT",\n            "range": [\n                1234.0,\n                4321.0\n            ]',
    );
    expect(made[0]!.input.constraints).toEqual(["x >= y"]);
    expect(made.map((c) => c.input.seed)).toEqual([1234, 1235, 1236]);
  });

  it("runs --model RANDOMFOREST with --n_estimators_randomforest: Sobol first, then the forest", async () => {
    const cwd = testDir("omniforest");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "forest",
        "--parameter",
        "x",
        "range",
        "-5",
        "10",
        "float",
        "--parameter",
        "k",
        "range",
        "1",
        "20",
        "int",
        "--parameter",
        "act",
        "choice",
        "relu,tanh,gelu",
        "--run_program",
        b64('echo "RESULT: %(x)"'),
        "--model",
        "RANDOMFOREST",
        "--n_estimators_randomforest",
        "5",
        "--num_random_steps",
        "3",
        "--max_eval",
        "8",
        "--num_parallel_jobs",
        "2",
        "--seed",
        "7",
        "--force_local_execution",
        "--quiet",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("n_estimators_randomforest");
    const rows = trials(join(cwd, "runs", "forest", "0"));
    expect(rows).toHaveLength(8);
    for (const t of rows) expect(t.state, t.reason ?? "").toBe("COMPLETED");
    const nodes = rows.map((t) => t.generation_node);
    expect(nodes).toEqual([
      ...Array<string>(3).fill("SOBOL"),
      ...Array<string>(5).fill("RANDOMFOREST"),
    ]);
    const keys = rows.map((t) => t.params_json);
    expect(new Set(keys).size).toBe(8);
  });

  it("reads OmniOpt2 configuration files (YAML with param entries, JSON, TOML); flags given win", async () => {
    const cwd = testDir("omniconfig");
    writeFileSync(
      join(cwd, "config.yaml"),
      [
        "live_share: true",
        "experiment_name: from_yaml",
        "max_eval: 3",
        "num_parallel_jobs: 2",
        "worker_timeout: 5",
        `run_program: 'echo "RESULT: %(a)"'`,
        "seed: 4",
        "parameter:",
        "  - param: [a, range, '-100', '10', int]",
        "  - param: [b, choice, '1,2,hallo']",
        "    num_random_steps: 1",
        "force_local_execution: true",
        "",
      ].join("\n"),
    );
    const r = await runCli(["run", "--config_yaml", "config.yaml", "--max_eval", "4", "--quiet"], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /parameter\[1\] has num_random_steps next to "param"; they are ignored/,
    );
    expect(r.stderr).toContain("warning: --live_share has no effect");
    const rows = trials(join(cwd, "runs", "from_yaml", "0"));
    expect(rows).toHaveLength(4);
    for (const t of rows) {
      const p = JSON.parse(t.params_json) as { a: number; b: string };
      expect(["1", "2", "hallo"]).toContain(p.b);
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: p.a });
    }

    writeFileSync(
      join(cwd, "config.json"),
      JSON.stringify({
        experiment_name: "from_json",
        max_eval: 2,
        run_program: b64('echo "RESULT: %(a)"'),
        parameter: [{ param: ["a", "range", "0", "5", "int"] }],
        force_local_execution: true,
        seed: 1,
      }),
    );
    expect((await runCli(["run", "--config_json", "config.json", "--quiet"], { cwd })).code).toBe(
      0,
    );
    expect(trials(join(cwd, "runs", "from_json", "0"))).toHaveLength(2);

    writeFileSync(
      join(cwd, "config.toml"),
      [
        'experiment_name = "from_toml"',
        "max_eval = 2",
        'run_program = "echo RESULT: %(a)"',
        "force_local_execution = true",
        "[[parameter]]",
        'param = ["a", "range", "0", "5", "int"]',
        "",
      ].join("\n"),
    );
    expect((await runCli(["run", "--config_toml", "config.toml", "--quiet"], { cwd })).code).toBe(
      0,
    );
    expect(trials(join(cwd, "runs", "from_toml", "0"))).toHaveLength(2);

    writeFileSync(join(cwd, "bad.yaml"), "experiment_name: x\nno_such_flag: 1\n");
    const bad = await runCli(["run", "--config_yaml", "bad.yaml"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--config_yaml bad\.yaml: unknown key "no_such_flag"/);
  });

  it("combines several results with --occ: the stored values keep the results and add OCC", async () => {
    const cwd = testDir("omniocc");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "occ",
        "--parameter",
        "a",
        "range",
        "1",
        "4",
        "int",
        "--parameter",
        "b",
        "range",
        "1",
        "4",
        "int",
        "--result_names",
        "RESULT=min",
        "RESULT2=min",
        "--run_program",
        b64('echo "RESULT: %(a)" && echo "RESULT2: %(b)"'),
        "--occ",
        "--occ_type",
        "geometric",
        "--model",
        "SOBOL",
        "--max_eval",
        "4",
        "--seed",
        "2",
        "--force_local_execution",
        "--quiet",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = trials(join(cwd, "runs", "occ", "0"));
    expect(rows).toHaveLength(4);
    for (const t of rows) {
      const p = JSON.parse(t.params_json) as { a: number; b: number };
      const v = JSON.parse(t.results_json!) as Record<string, number>;
      expect(v.RESULT).toBe(p.a);
      expect(v.RESULT2).toBe(p.b);
      expect(v.OCC).toBeCloseTo(Math.sqrt(p.a * p.b), 12);
    }
    const csv = readFileSync(join(cwd, "runs", "occ", "0", "results.csv"), "utf8");
    expect(csv.split("\n")[0]).toContain(",OCC,");
  });

  it("refuses refused and unknown flags before writing anything", async () => {
    const cwd = testDir("omnirefuse");
    const base = [
      "run",
      "--experiment_name",
      "r",
      "--parameter",
      "a",
      "range",
      "0",
      "1",
      "--run_program",
      "echo",
      "--max_eval",
      "1",
    ];
    const refused = await runCli([...base, "--db_url", "postgres://db"], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--db_url is not supported: campaigns are stored in their/);
    const docker = await runCli([...base, "--run_mode", "docker"], { cwd });
    expect(docker.code).toBe(2);
    expect(docker.stderr).toMatch(/--run_mode "docker" is not offered/);
    const unknown = await runCli([...base, "--not_an_omniopt_flag", "1"], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/not_an_omniopt_flag/);
    const composite = await runCli([...base, "--occ", "--occ_type", "composite"], { cwd });
    expect(composite.code).toBe(2);
    expect(composite.stderr).toMatch(/--occ_type composite is not offered/);
  });

  it.skipIf(slurmSkipped() || !slurmExecutorWired())(
    "runs the documented command line on the test cluster with the partition adapted",
    async () => {
      await ensureSlurmCluster();
      const cwd = testDir("omnicluster");
      mkdirSync(join(cwd, ".tests"));
      writeFileSync(join(cwd, ".tests", "example_external.py"), RANDOM_GENERATOR);
      // The test cluster's partitions are debug and short; its node has gpu:2.
      const args = documentedCommandLine(cwd).map((a) =>
        a === "--partition=alpha" ? "--partition=debug" : a,
      );
      const r = await runCli(args, { cwd });
      expect(r.code, r.stderr).toBe(0);
      const dir = join(cwd, "runs", "EXTERNAL_GENERATOR_test", "0");
      const rows = trials(dir);
      expect(rows).toHaveLength(2);
      for (const t of rows) expect(t.state, t.reason ?? "").toBe("COMPLETED");
      const recorded = attempts(dir);
      expect(recorded.every((a) => a.executor === "slurm" && a.job_id !== null)).toBe(true);
    },
  );
});
