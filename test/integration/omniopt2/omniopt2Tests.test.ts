/**
 * OmniOpt2's own tests (`.tests/config.yaml` of NormanTUD/OmniOpt and the scripts it calls),
 * run with `slurmopt run` in place of `./omniopt`: trials local (`--force_local_execution`),
 * sizes cut as OmniOpt2's test driver cuts them where sbatch is missing (max_eval 2, one job at a
 * time, one random step). Each case is named by its id in OmniOpt2's config.yaml (or by its
 * script) and asserts what that test asserts: the exit code OmniOpt2's test wants, and the lines,
 * columns and generation nodes of results.csv its script checks. Where slurmopt deliberately
 * differs, the case names the difference, docs/omniopt2.md lists it with its reason, and the case
 * asserts slurmopt's documented behaviour instead.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, testDir, type CliResult } from "../../helpers/runCli.js";
import {
  FOUR_PARAMETERS,
  b64,
  campaignTrials,
  fourParameterProgram,
  resultsCsvLines,
  runFolders,
  runOmniopt2,
  simpleRunArgs,
  simpleRunName,
  writeOmniopt2Programs,
  type SimpleRunOptions,
} from "../../helpers/omniopt2Cli.js";
import { PYTHON, RANDOM_GENERATOR } from "../external/externalKit.js";

/** The deliberate differences, each listed in docs/omniopt2.md ("OmniOpt2's own tests"). */
const DIFFERENCE = {
  inputExitCode: "input errors exit 2",
  zeroRandomSteps: "--num_random_steps 0 runs",
  continueStrategy: "a --generation_strategy campaign can be continued",
  productConstraint: "a product of parameters is a constraint",
  missingResult: "a trial without its result line fails",
  infeasibleConstraints: "constraints no point satisfies are refused",
} as const;
type Difference = (typeof DIFFERENCE)[keyof typeof DIFFERENCE];

interface Step {
  args: (cwd: string) => string[];
  /** The exit codes OmniOpt2's test accepts for this command line. */
  omniopt2: number[];
  /** slurmopt's exit code; OmniOpt2's first one unless a difference is named. */
  code?: number;
  /** The exit code wanted, from what the run did (a run that may fail every trial by chance). */
  codeFromRun?: (cwd: string) => number;
  difference?: Difference | undefined;
  /** What the OmniOpt2 test checks after this step (results.csv, generation nodes ...). */
  check?: (cwd: string, r: CliResult) => void;
}

interface Case {
  id: string;
  setup?: (cwd: string) => void;
  steps: Step[];
}

const simple =
  (o: SimpleRunOptions = {}) =>
  (): string[] =>
    simpleRunArgs(o);
const folder = (cwd: string, name: string, n: number): string => join(cwd, "runs", name, String(n));

/** results.csv of runs/<name>/<n> has `rows` trials, every one COMPLETED. */
function completedRows(name: string, n: number, rows: number) {
  return (cwd: string): void => {
    const dir = folder(cwd, name, n);
    expect(resultsCsvLines(dir)).toHaveLength(rows + 1);
    expect(campaignTrials(dir).map((t) => t.state)).toEqual(Array(rows).fill("COMPLETED"));
  };
}

/** An input error: one line on stderr, nothing written. */
function inputError(args: string[], omniopt2: number[], stderr: RegExp): Step {
  return {
    args: () => args,
    omniopt2,
    code: 2,
    difference: omniopt2.includes(2) ? undefined : DIFFERENCE.inputExitCode,
    check: (cwd, r) => {
      expect(r.stderr).toMatch(/^slurmopt: error \[[A-Z_]+\]: /m);
      expect(r.stderr).toMatch(stderr);
      expect(existsSync(join(cwd, "runs"))).toBe(false);
    },
  };
}

/** OmniOpt2's "Test OO without needed params" and parameter-parsing cases share these words. */
const ECHO = ["--run_program", "echo", "--experiment_name=asdf", "--time=12", "--max_eval", "123"];
const MISC = ["--mem_gb=4", "--follow", "--gpus=0"];

const CONSTRAINT_RUN = [
  ...["--partition=alpha", "--experiment_name=constraint_test", "--mem_gb=4", "--time=60"],
  ...["--worker_timeout=60", "--max_eval=4", "--num_parallel_jobs=2", "--gpus=0"],
  ...["--num_random_steps=2", "--run_program=ZWNobyAiUkVTVUxUOiAleCV5Ig==", "--cpus_per_task=1"],
  ...["--model=BOTORCH_MODULAR", "--run_mode=local", "--parameter", "x", "range", "0", "100"],
  ...["int", "--parameter", "y", "range", "0", "1000", "float"],
];
const constraintRun = (c: string, name = "constraint_test"): string[] => [
  ...CONSTRAINT_RUN.map((a) =>
    a === "--experiment_name=constraint_test" ? `--experiment_name=${name}` : a,
  ),
  ...["--experiment_constraints", b64(`${c}\n`), "--seed", "1234", "--verbose_tqdm"],
  ...["--send_anonymized_usage_stats", "--follow"],
];

/** `--run_program echo "RESULT: %(x)%(y)"` style runs from OmniOpt2's GUI-generated command lines. */
const GUI_RUN = [
  ...["--partition=alpha", "--mem_gb=10", "--time=60", "--worker_timeout=60", "--max_eval=2"],
  ...["--num_parallel_jobs=1", "--gpus=0", "--num_random_steps=1", "--follow"],
  ...["--send_anonymized_usage_stats", "--run_program=ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSI="],
  ...["--result_names", "RESULT", "--cpus_per_task=1", "--nodes_per_job=1"],
  ...["--model=BOTORCH_MODULAR", "--occ_type=euclid", "--run_mode=local"],
  ...["--parameter", "x", "range", "123", "1000", "int", "false"],
  ...["--parameter", "y", "range", "5431", "1234", "float", "false"],
];

const EPOCHS_LR_RUN = (name: string): string[] => [
  ...["--partition=alpha", `--experiment_name=${name}`, "--mem_gb=1", "--time=60"],
  ...["--worker_timeout=5", "--max_eval=2", "--num_parallel_jobs=1", "--gpus=0"],
  ...["--num_random_steps=1", "--follow", "--result_names", "RESULT=min"],
  "--run_program=ZWNobyAiUkVTVUxUOiAlKGVwb2NocyklKGxyKSI=",
  ...["--cpus_per_task=1", "--nodes_per_job=1", "--model=BOTORCH_MODULAR", "--occ_type=euclid"],
  ...["--run_mode=local", "--parameter", "epochs", "range", "1", "10", "float", "false"],
  ...["--parameter", "lr", "range", "0", "10", "float", "false"],
  ...["--experiment_constraints", "MSpsciArIDIqZXBvY2hzIDw9IDEw"],
];

/** The four-parameter command line of OmniOpt2's scripts (adding_jobs_to_new_job.py & co.). */
const scriptRun = (name: string, extra: string[] = [], nrResults = 1): string[] => [
  ...["--live_share", "--send_anonymized_usage_stats", "--partition", "alpha"],
  ...[`--experiment_name=${name}`, "--mem_gb=4", "--time=60", "--worker_timeout=5"],
  ...["--max_eval", "2", "--num_parallel_jobs", "1", "--gpus=0"],
  ...["--run_program", fourParameterProgram(nrResults)],
  // written as one word each, as these scripts do
  ...[
    "--parameter",
    "int_param range -100 10 int",
    "--parameter",
    "float_param range -100 10 float",
  ],
  ...["--parameter", "choice_param choice 1,2,4,8,16,hallo"],
  ...["--parameter", "int_param_two range -100 10 int"],
  ...["--follow", "--num_random_steps", "1", "--model", "BOTORCH_MODULAR"],
  "--auto_exclude_defective_hosts",
  ...extra,
];

const EXTERNAL_RUN = (cwd: string, name: string, parameters: string[], extra: string[] = []) => [
  ...["--partition=alpha", `--experiment_name=${name}`, "--mem_gb=1", "--time=60"],
  ...["--worker_timeout=60", "--max_eval=2", "--num_parallel_jobs=1", "--gpus=0"],
  ...["--num_random_steps=1", "--follow", "--live_share", "--send_anonymized_usage_stats"],
  ...["--result_names", "RESULT=max"],
  "--run_program=ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSIgJiYgZWNobyAiUkVTVUxUMjogJXoi",
  ...["--cpus_per_task=1", "--nodes_per_job=1", "--generate_all_jobs_at_once"],
  ...["--revert_to_random_when_seemingly_exhausted", "--model=EXTERNAL_GENERATOR"],
  ...["--run_mode=local", "--occ_type=euclid", "--main_process_gb=8"],
  ...["--max_nr_of_zero_results=1", "--slurm_signal_delay_s=0", "--n_estimators_randomforest=100"],
  ...parameters,
  `--external_generator=${b64(`${PYTHON} ${cwd}/.tests/example_external.py`)}`,
  ...extra,
];

const CONFIG_TOML = `live_share = true
generate_all_jobs_at_once = true
partition = "alpha"
experiment_name = "__main__tests__"
mem_gb = 4
time = 60
worker_timeout = 5
max_eval = 2
num_parallel_jobs = 20
gpus = 0
run_program = "./.tests/optimization_example --int_param='%(int_param)' --float_param='%(float_param)' --choice_param='%(choice_param)' --int_param_two='%(int_param_two)'"
num_random_steps = 1
model = "BOTORCH_MODULAR"
auto_exclude_defective_hosts = true

[[parameter]]
param = ["int_param", "range", "-100", "10", "int"]

[[parameter]]
param = ["float_param", "range", "-100", "10", "float"]

[[parameter]]
param = ["choice_param", "choice", "1,2,4,8,16,hallo"]

[[parameter]]
param = ["int_param_two", "range", "-100", "10", "int"]
`;

/** OmniOpt2's YAML example keeps num_random_steps, model, ... inside the last parameter entry. */
const CONFIG_YAML = `live_share: true
partition: alpha
experiment_name: __main__tests__
mem_gb: 4
time: 60
worker_timeout: 5
max_eval: 2
num_parallel_jobs: 20
gpus: 0
run_program: >-
  ./.tests/optimization_example --int_param='%(int_param)'
  --float_param='%(float_param)' --choice_param='%(choice_param)'
  --int_param_two='%(int_param_two)'
parameter:
  - param: [int_param, range, '-100', '10', int]
  - param: [float_param, range, '-100', '10', float]
  - param: [choice_param, choice, '1,2,4,8,16,hallo']
  - param: [int_param_two, range, '-100', '10', int]
    num_random_steps: 1
    model: BOTORCH_MODULAR
    auto_exclude_defective_hosts: true
`;

const CONFIG_JSON = JSON.stringify({
  experiment_name: "__main__tests__",
  gpus: 0,
  follow: true,
  live_share: true,
  max_eval: 2,
  mem_gb: 4,
  num_parallel_jobs: 20,
  partition: "alpha",
  run_program:
    "./.tests/optimization_example --int_param='%(int_param)' --float_param='%(float_param)' --choice_param='%(choice_param)' --int_param_two='%(int_param_two)'",
  time: 60,
  worker_timeout: 5,
  parameter: [
    { param: ["int_param", "range", "-100", "10", "int"] },
    { param: ["float_param", "range", "-100", "10", "float"] },
    { param: ["choice_param", "choice", "1,2,4,8,16,hallo"] },
    {
      auto_exclude_defective_hosts: true,
      model: "BOTORCH_MODULAR",
      num_random_steps: 1,
      param: ["int_param_two", "range", "-100", "10", "int"],
    },
  ],
});

/** Broken on purpose, as OmniOpt2's defective_example_config.* are. */
const DEFECTIVE = {
  toml: `experiment_name = "__main__tests__\nmax_eval = \n[[parameter]\nparam = ["x", "range"`,
  yaml: `experiment_name: "__main__tests__\nmem_gb\n4\nparameter:\n    type: range\n  - name: x\n`,
  json: `\nexperiment_name": "__main__tests__",\n  "gpus": ,\n  "max_eval": 2\n`,
};

const configCase = (kind: "toml" | "yaml" | "json", text: string): Case => ({
  id: `load_${kind}`,
  setup: (cwd) => writeFileSync(join(cwd, `example_config_cpu.${kind}`), text),
  steps: [
    {
      args: (cwd) => [`--config_${kind}`, join(cwd, `example_config_cpu.${kind}`), "--follow"],
      omniopt2: [0],
      check: completedRows("__main__tests__", 0, 2),
    },
  ],
});

const defectiveCase = (kind: "toml" | "yaml" | "json", omniopt2: number[]): Case => ({
  id: `defective_${kind}`,
  setup: (cwd) => writeFileSync(join(cwd, `defective.${kind}`), DEFECTIVE[kind]),
  steps: [
    {
      ...inputError([], omniopt2, new RegExp(`--config_${kind}`)),
      args: (cwd) => [`--config_${kind}`, join(cwd, `defective.${kind}`), "--follow"],
    },
  ],
});

/** multi_results_different_models.py for one model: a run, then --continue of it. */
const multiResultsCase = (model: string): Case => {
  const name = `multi_results_2_results_${model}`;
  return {
    id: `multi_results_different_models (${model})`,
    steps: [
      {
        args: () => [
          ...scriptRun(name, ["--result_names", "RESULT1=min", "RESULT2=min"], 2),
          `--model=${model}`,
          "--generate_all_jobs_at_once",
        ],
        omniopt2: [0],
      },
      {
        args: (cwd) => ["--continue", folder(cwd, name, 0)],
        omniopt2: [0],
        check: (cwd) => {
          expect(resultsCsvLines(folder(cwd, name, 0))).toHaveLength(3);
          const lines = resultsCsvLines(folder(cwd, name, 1));
          expect(lines).toHaveLength(5);
          const rows = lines.slice(1);
          expect(rows.filter((l) => l.toUpperCase().includes("SOBOL"))).toHaveLength(1);
          expect(rows.filter((l) => l.toUpperCase().includes(model))).toHaveLength(3);
        },
      },
    ],
  };
};

const MOO_ONE = simpleRunName({ variant: "one_param", nrResults: 4 });
const SIMPLE = simpleRunName();

const CASES: Case[] = [
  // ---- start_simple_optimization_run.py and what the driver runs after it -----------------
  {
    id: "simple_optimization_run + continued_test_run + continuing_already_continued_job",
    steps: [
      {
        args: simple({ maxEval: 2, numRandomSteps: 1 }),
        omniopt2: [0],
        check: (cwd) => {
          completedRows(SIMPLE, 0, 2)(cwd);
          const nodes = campaignTrials(folder(cwd, SIMPLE, 0)).map((t) => t.generation_node);
          expect(nodes).toEqual(["SOBOL", "BOTORCH_MODULAR"]);
        },
      },
      {
        args: (cwd) => [
          ...["--continue", folder(cwd, SIMPLE, 0), "--num_parallel_jobs", "1"],
          ...["--worker_timeout", "10", "--follow", "--gpus", "0", "--mem_gb", "4"],
          ...["--num_random_steps=1", "--max_eval=2", "--send_anonymized_usage_stats"],
          "--generate_all_jobs_at_once",
        ],
        omniopt2: [0],
        // nr_jobs_after_continue: the two trials of run 0 and two new ones
        check: completedRows(SIMPLE, 1, 4),
      },
      {
        args: (cwd) => [
          ...["--continue", folder(cwd, SIMPLE, 1), "--num_parallel_jobs", "1"],
          ...["--worker_timeout", "10", "--follow", "--gpus", "0", "--mem_gb", "4"],
          ...["--num_random_steps=1", "--max_eval=2"],
          ...["--parameter", "float_param", "range", "-1000", "1000", "float"],
          ...["--send_anonymized_usage_stats", "--generate_all_jobs_at_once"],
        ],
        omniopt2: [0],
        check: completedRows(SIMPLE, 2, 6),
      },
    ],
  },
  {
    id: "force_local_execution",
    steps: [
      {
        args: simple({ numParallelJobs: 1, numRandomSteps: 2, maxEval: 3 }),
        omniopt2: [0],
        check: (cwd) => {
          completedRows(SIMPLE, 0, 3)(cwd);
          const nodes = campaignTrials(folder(cwd, SIMPLE, 0)).map((t) => t.generation_node);
          expect(nodes.filter((n) => n === "SOBOL")).toHaveLength(2);
        },
      },
    ],
  },
  {
    id: "sem_test + results_csv_headers",
    steps: [
      {
        args: simple({ maxEval: 1, numRandomSteps: 1, randomSem: true }),
        omniopt2: [0],
        check: (cwd) => {
          completedRows(SIMPLE, 0, 1)(cwd);
          const header = resultsCsvLines(folder(cwd, SIMPLE, 0))[0]!.split(",");
          for (const column of [
            "trial_index",
            "arm_name",
            "trial_status",
            "generation_node",
            "RESULT",
            "int_param",
          ])
            expect(header).toContain(column);
          // SEM-RESULT: lines are not RESULT
          const [trial] = campaignTrials(folder(cwd, SIMPLE, 0));
          expect(Object.keys(JSON.parse(trial!.results_json!) as object)).toEqual(["RESULT"]);
        },
      },
    ],
  },
  {
    id: "moo_real",
    steps: [
      {
        args: simple({ maxEval: 2, numRandomSteps: 1, nrResults: 4 }),
        omniopt2: [0],
        check: (cwd) => {
          const name = simpleRunName({ nrResults: 4 });
          completedRows(name, 0, 2)(cwd);
          for (const t of campaignTrials(folder(cwd, name, 0)))
            expect(Object.keys(JSON.parse(t.results_json!) as object).sort()).toEqual([
              "RESULT1",
              "RESULT2",
              "RESULT3",
              "RESULT4",
            ]);
        },
      },
    ],
  },
  {
    id: "moo_alternating_one_param + moo_continued (three times)",
    steps: [
      {
        args: simple({
          maxEval: 2,
          numRandomSteps: 1,
          nrResults: 4,
          alternateMinMax: true,
          variant: "one_param",
        }),
        omniopt2: [0],
        check: completedRows(MOO_ONE, 0, 2),
      },
      ...[0, 1, 1].map((from, i): Step => ({
        args: (cwd) => [
          ...["--continue", folder(cwd, MOO_ONE, from)],
          ...(i < 2 ? ["--generate_all_jobs_at_once"] : []),
          ...["--mem_gb=4", "--follow"],
        ],
        omniopt2: [0],
        // without --max_eval, as many new trials as DIR ran (OmniOpt2 reads DIR's --max_eval
        // from its state_files and adds the loaded trials to it): 2 + 2, then 4 + 2
        check: completedRows(MOO_ONE, i + 1, from === 0 ? 4 : 6),
      })),
    ],
  },
  {
    // start_simple_optimization_run.py's all-float program prints RESULT only, never RESULT1..4
    id: "moo_alternating_all_float",
    steps: [
      {
        args: simple({
          maxEval: 2,
          numRandomSteps: 1,
          nrResults: 4,
          alternateMinMax: true,
          variant: "all_float",
          testname: "moo_all_float",
        }),
        omniopt2: [0],
        code: 89,
        difference: DIFFERENCE.missingResult,
        check: (cwd) => {
          const trials = campaignTrials(folder(cwd, "moo_all_float", 0));
          expect(trials.map((t) => t.state)).toEqual(["FAILED", "FAILED"]);
          expect(trials[0]!.reason).toMatch(/no result line "RESULT1: <number>"/);
        },
      },
    ],
  },
  ...(["two_params", "four"] as const).map((variant): Case => ({
    id: `moo_alternating_${variant === "four" ? "default" : variant}`,
    steps: [
      {
        args: simple({
          maxEval: 2,
          numRandomSteps: 1,
          nrResults: 4,
          alternateMinMax: true,
          variant,
          testname: `moo_${variant}`,
        }),
        omniopt2: [0],
        check: completedRows(`moo_${variant}`, 0, 2),
      },
    ],
  })),
  {
    id: "simple_with_allowed_failures",
    steps: [
      {
        args: simple({ maxEval: 4, numRandomSteps: 2, allowFailure: true, seed: 7 }),
        omniopt2: [0],
        // OmniOpt2 too ends with 89 when every trial failed (its table: "All jobs failed")
        codeFromRun: (cwd) =>
          campaignTrials(folder(cwd, SIMPLE, 0)).some((t) => t.state === "COMPLETED") ? 0 : 89,
        check: (cwd) => expect(campaignTrials(folder(cwd, SIMPLE, 0))).toHaveLength(4),
      },
    ],
  },
  {
    id: "simple_gridsearch",
    steps: [
      {
        args: simple({ maxEval: 2, numRandomSteps: 1, gridsearch: true }),
        omniopt2: [0],
        check: completedRows(simpleRunName({ gridsearch: true }), 0, 2),
      },
    ],
  },
  ...(["one_param", "two_params", "all_float"] as const).map((variant): Case => ({
    id: `simple_${variant}`,
    steps: [
      {
        args: simple({ maxEval: 2, numRandomSteps: 1, variant, testname: variant }),
        omniopt2: [0],
        check: completedRows(variant, 0, 2),
      },
    ],
  })),
  {
    id: "dryrun",
    steps: [
      {
        args: simple({
          maxEval: 1,
          numParallelJobs: 2,
          numRandomSteps: 1,
          testname: "xyz",
          additional: ["--dryrun", "--just_return_defaults"],
        }),
        omniopt2: [0],
        check: completedRows("xyz", 0, 1),
      },
    ],
  },
  // ---- single command lines of config.yaml ---------------------------------------------
  {
    id: "different_name_single_output",
    steps: [
      {
        args: () => [
          ...["--partition=alpha", "--experiment_name=result_name_different_but_only_one"],
          ...["--mem_gb=1", "--time=60", "--worker_timeout=60", "--max_eval=2"],
          ...["--num_parallel_jobs=1", "--gpus=0", "--num_random_steps=1", "--follow"],
          ...["--send_anonymized_usage_stats", "--result_names", "xresultx=min"],
          ...["--run_program=ZWNobyAieHJlc3VsdHg6ICVpaXV1Ig==", "--cpus_per_task=1"],
          ...["--nodes_per_job=1", "--model=BOTORCH_MODULAR", "--occ_type=euclid"],
          ...[
            "--run_mode=local",
            "--parameter",
            "iiuu",
            "range",
            "-1000",
            "1000",
            "float",
            "false",
          ],
        ],
        omniopt2: [0],
        check: (cwd) => {
          completedRows("result_name_different_but_only_one", 0, 2)(cwd);
          const header = resultsCsvLines(folder(cwd, "result_name_different_but_only_one", 0))[0];
          expect(header!.split(",")).toContain("xresultx");
        },
      },
    ],
  },
  {
    id: "log_scale_test",
    steps: [
      {
        args: () => [
          ...["--partition=alpha", "--experiment_name=log_scale_test", "--mem_gb=1", "--time=60"],
          ...["--worker_timeout=60", "--max_eval=2", "--num_parallel_jobs=1", "--gpus=0"],
          ...["--num_random_steps=1", "--run_program=ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSI="],
          ...["--cpus_per_task=1", "--nodes_per_job=1", "--model=BOTORCH_MODULAR"],
          ...["--run_mode=local", "--parameter", "x", "range", "123", "1000", "int", "false"],
          ...["--parameter", "y", "range", "5431", "1234", "float", "true"],
        ],
        omniopt2: [0],
        check: (cwd) => {
          completedRows("log_scale_test", 0, 2)(cwd);
          for (const t of campaignTrials(folder(cwd, "log_scale_test", 0))) {
            const { y } = JSON.parse(t.params_json) as { y: number };
            expect(y).toBeGreaterThanOrEqual(1234);
            expect(y).toBeLessThanOrEqual(5431);
          }
        },
      },
    ],
  },
  {
    id: "gui_oo_setup",
    steps: [
      {
        args: () => [
          "--experiment_name=small_test_experiment",
          ...GUI_RUN,
          "--ui_url",
          b64("https://example.org/gui.php?partition=alpha"),
        ],
        omniopt2: [0],
        check: completedRows("small_test_experiment", 0, 2),
      },
    ],
  },
  {
    id: "generate_all_jobs_at_once",
    steps: [
      {
        args: () => [
          "--experiment_name=small_test_experiment",
          ...GUI_RUN,
          "--generate_all_jobs_at_once",
        ],
        omniopt2: [0],
        check: completedRows("small_test_experiment", 0, 2),
      },
    ],
  },
  {
    id: "gui_oo_setup_2",
    steps: [
      {
        args: () => [
          ...EPOCHS_LR_RUN("oo_setup_from_gui"),
          ...["--ui_url", b64("http://localhost/oo2_gui/gui.php?partition=alpha")],
        ],
        omniopt2: [0],
        check: (cwd) => {
          completedRows("oo_setup_from_gui", 0, 2)(cwd);
          for (const t of campaignTrials(folder(cwd, "oo_setup_from_gui", 0))) {
            const p = JSON.parse(t.params_json) as { epochs: number; lr: number };
            expect(p.lr + 2 * p.epochs).toBeLessThanOrEqual(10 + 1e-9);
          }
        },
      },
    ],
  },
  {
    id: "generation_strategy + generation_strategy_continue",
    steps: [
      {
        args: () => [
          ...EPOCHS_LR_RUN("generation_strategy"),
          ...["--generation_strategy", "sobol=2,BOTOrCH_MODULAR=1,UNIFORM=1"],
        ],
        omniopt2: [0],
        check: (cwd) => {
          const nodes = campaignTrials(folder(cwd, "generation_strategy", 0)).map(
            (t) => t.generation_node,
          );
          expect(nodes).toHaveLength(4);
          expect(nodes.slice(0, 2)).toEqual(["SOBOL", "SOBOL"]);
        },
      },
      {
        args: (cwd) => ["--continue", folder(cwd, "generation_strategy", 0)],
        omniopt2: [247],
        code: 0,
        difference: DIFFERENCE.continueStrategy,
        check: (cwd) =>
          expect(resultsCsvLines(folder(cwd, "generation_strategy", 1)).length).toBeGreaterThan(5),
      },
    ],
  },
  {
    id: "valid_constraint_and_seed",
    steps: [
      {
        args: () => constraintRun("x + y >= 10", "constraint_test_to_be_continued"),
        omniopt2: [0],
        check: (cwd) => {
          completedRows("constraint_test_to_be_continued", 0, 4)(cwd);
          for (const t of campaignTrials(folder(cwd, "constraint_test_to_be_continued", 0))) {
            const p = JSON.parse(t.params_json) as { x: number; y: number };
            expect(p.x + p.y).toBeGreaterThanOrEqual(10);
          }
        },
      },
    ],
  },
  {
    id: "continued_constraint",
    steps: [
      {
        args: () =>
          scriptRun("test_continued_constraint", [
            ...["--generate_all_jobs_at_once", "--experiment_constraints"],
            ...[b64("int_param + 2*int_param_two >= 0"), b64("2*int_param_two >= 0")],
            "--max_eval=1",
          ]),
        omniopt2: [0],
      },
      {
        args: (cwd) => ["--continue", folder(cwd, "test_continued_constraint", 0)],
        omniopt2: [0],
        check: (cwd) => {
          const trials = campaignTrials(folder(cwd, "test_continued_constraint", 1));
          expect(trials.length).toBe(2);
          for (const t of trials) {
            const p = JSON.parse(t.params_json) as { int_param: number; int_param_two: number };
            expect(p.int_param + 2 * p.int_param_two).toBeGreaterThanOrEqual(0);
            expect(p.int_param_two).toBeGreaterThanOrEqual(0);
          }
        },
      },
    ],
  },
  {
    id: "multiplication_constraint",
    steps: [
      {
        args: () => [
          ...["--partition=alpha", "--experiment_name=multiplication_constraint"],
          ...["--mem_gb=10", "--time=60", "--worker_timeout=60", "--max_eval=4"],
          ...["--num_parallel_jobs=4", "--gpus=0", "--num_random_steps=2", "--follow"],
          ...["--live_share", "--send_anonymized_usage_stats", "--result_names", "RESULT=min"],
          "--run_program=cGVybCAtZSAncHJpbnQgIlJFU1VMVDogIiAuICglYSArICViKSc=",
          ...["--cpus_per_task=1", "--nodes_per_job=1", "--generate_all_jobs_at_once"],
          ...["--revert_to_random_when_seemingly_exhausted", "--model=BOTORCH_MODULAR"],
          ...["--n_estimators_randomforest=100", "--run_mode=local", "--occ_type=euclid"],
          ...["--main_process_gb=8", "--max_nr_of_zero_results=50", "--slurm_signal_delay_s=0"],
          ...["--max_failed_jobs=0", "--parameter", "a range 5 100 float false"],
          ...["--parameter", "b range 5 100 float false"],
          ...["--experiment_constraints", "YSAqIGIgPj0gMTA="],
        ],
        omniopt2: [0],
        check: (cwd) => {
          completedRows("multiplication_constraint", 0, 4)(cwd);
          for (const t of campaignTrials(folder(cwd, "multiplication_constraint", 0))) {
            const p = JSON.parse(t.params_json) as { a: number; b: number };
            expect(p.a * p.b).toBeGreaterThanOrEqual(10);
            // perl prints 15 significant digits
            const { RESULT } = JSON.parse(t.results_json!) as { RESULT: number };
            expect(RESULT).toBeCloseTo(p.a + p.b, 9);
          }
        },
      },
    ],
  },
  {
    id: "defective_constraint",
    steps: [
      {
        args: () => [
          ...scriptRun("defective_constraint"),
          ...["--experiment_constraints", b64("float_param * 2*int_param_two <= 50\n")],
          ...["--max_abandoned_retrial", "2"],
        ],
        omniopt2: [49, 87],
        code: 0,
        difference: DIFFERENCE.productConstraint,
        check: (cwd) => {
          for (const t of campaignTrials(folder(cwd, "defective_constraint", 0))) {
            const p = JSON.parse(t.params_json) as { float_param: number; int_param_two: number };
            expect(p.float_param * 2 * p.int_param_two).toBeLessThanOrEqual(50);
          }
        },
      },
    ],
  },
  {
    id: "zero_random_steps",
    steps: [
      {
        args: () => [
          ...["--partition=alpha", `--experiment_name=${SIMPLE}`, "--mem_gb=4", "--time=60"],
          ...["--worker_timeout=1", "--max_eval=2", "--num_parallel_jobs=20", "--gpus", "0"],
          `--run_program=${fourParameterProgram()}`,
          ...["--parameter", "int_param", "range", "-5", "5", "int"],
          ...["--parameter", "float_param", "range", "-5", "5", "float"],
          ...["--parameter", "choice_param", "choice", "1,2,4,8,16,hallo"],
          ...["--parameter", "int_param_two", "range", "-6", "6", "int"],
          ...["--num_random_steps=0", "--follow", "--send_anonymized_usage_stats", "--debug"],
        ],
        omniopt2: [233],
        code: 0,
        difference: DIFFERENCE.zeroRandomSteps,
        check: (cwd) => {
          const nodes = campaignTrials(folder(cwd, SIMPLE, 0)).map((t) => t.generation_node);
          expect(nodes).toEqual(["GP", "GP"]);
        },
      },
    ],
  },
  configCase("toml", CONFIG_TOML),
  configCase("yaml", CONFIG_YAML),
  configCase("json", CONFIG_JSON),
  // ---- the scripts beside config.yaml ---------------------------------------------------
  {
    id: "adding_jobs_to_new_job.py",
    steps: [
      { args: () => scriptRun("adding_old_jobs_to_new_jobs"), omniopt2: [0] },
      { args: () => scriptRun("adding_old_jobs_to_new_jobs"), omniopt2: [0] },
      {
        args: (cwd) => [
          ...scriptRun("adding_old_jobs_to_new_jobs"),
          "--load_data_from_existing_jobs",
          ...runFolders(cwd, "adding_old_jobs_to_new_jobs"),
        ],
        omniopt2: [0],
        check: (cwd) =>
          expect(resultsCsvLines(folder(cwd, "adding_old_jobs_to_new_jobs", 2))).toHaveLength(7),
      },
    ],
  },
  // SAASBO and BO_MIXED are the same GP here (docs/strategies.md): one GP model is enough
  ...["BOTORCH_MODULAR", "UNIFORM"].map(multiResultsCase),
  {
    id: "randomforest.py",
    steps: [
      {
        args: () => [
          ...["--partition=alpha", "--experiment_name=randomforest", "--mem_gb=1", "--time=60"],
          ...["--worker_timeout=60", "--max_eval=2", "--num_parallel_jobs=1", "--gpus=0"],
          ...["--num_random_steps=1", "--follow", "--live_share", "--send_anonymized_usage_stats"],
          ...["--result_names", "RESULT=min", "--run_program=ZWNobyAiUkVTVUxUOiAlYSUoeCklKHkpJXoi"],
          ...["--cpus_per_task=1", "--nodes_per_job=1", "--generate_all_jobs_at_once"],
          ...["--revert_to_random_when_seemingly_exhausted", "--model=RANDOMFOREST"],
          ...["--run_mode=local", "--occ_type=euclid", "--main_process_gb=8"],
          ...["--max_nr_of_zero_results=1", "--slurm_signal_delay_s=0"],
          ...["--n_estimators_randomforest=100", "--parameter", "x fixed 123"],
          ...[
            "--parameter",
            "y range 5431 1234 int false",
            "--parameter",
            "z range 0 1 float false",
          ],
          ...["--parameter", "a choice 1,2,3"],
        ],
        omniopt2: [0],
        check: (cwd) => {
          const lines = resultsCsvLines(folder(cwd, "randomforest", 0));
          expect(lines).toHaveLength(3);
          expect(lines[0]).toContain("trial_index");
          expect(lines[1]).toContain("SOBOL");
          expect(lines[2]).toContain("RANDOMFOREST");
        },
      },
    ],
  },
  {
    id: "external_generator.py",
    setup: (cwd) => writeFileSync(join(cwd, ".tests", "example_external.py"), RANDOM_GENERATOR),
    steps: [
      {
        args: (cwd) =>
          EXTERNAL_RUN(cwd, "EXTERNAL_GENERATOR_test", [
            ...["--parameter", "x range 123 1000 int false", "--parameter", "y choice 5431,1234"],
            ...["--parameter", "z fixed 111"],
          ]),
        omniopt2: [0],
        check: (cwd) => {
          completedRows("EXTERNAL_GENERATOR_test", 0, 2)(cwd);
          const nodes = campaignTrials(folder(cwd, "EXTERNAL_GENERATOR_test", 0)).map(
            (t) => t.generation_node,
          );
          expect(nodes).toEqual(["SOBOL", "EXTERNAL_GENERATOR"]);
        },
      },
    ],
  },
  {
    id: "external_generator_with_constraint.py",
    setup: (cwd) => writeFileSync(join(cwd, ".tests", "example_external.py"), RANDOM_GENERATOR),
    steps: [
      {
        args: (cwd) =>
          EXTERNAL_RUN(
            cwd,
            "EXTERNAL_GENERATOR_with_constraints_test",
            [
              ...["--parameter", "x range 123 1000 int false", "--parameter", "y range 1234 4321"],
              ...["--parameter", "z range 111 222 int"],
            ],
            [`--experiment_constraint=${b64("x >= y")}`, "--seed", "1234"],
          ),
        // x in [123, 1000] and y in [1234, 4321]: no point has x >= y
        omniopt2: [0],
        code: 2,
        difference: DIFFERENCE.infeasibleConstraints,
        check: (cwd, r) => {
          expect(r.stderr).toMatch(/no point within the parameters' bounds satisfies them all/);
          expect(existsSync(join(cwd, "runs"))).toBe(false);
        },
      },
    ],
  },
  // ---- input errors: OmniOpt2 has a code per kind, slurmopt exits 2 (nothing written) ----
  { id: "param_none_at_all", steps: [inputError([], [19, 104], /--max_eval/)] },
  { id: "param_only_flag", steps: [inputError(["--parameter", ...MISC], [2, 104], /--parameter/)] },
  {
    id: "param_full",
    steps: [
      inputError(
        ["--parameter", "x", "range", "0", "1", "float", ...MISC],
        [19, 104],
        /--run_program/,
      ),
    ],
  },
  {
    id: "param_missing_experiment_name",
    steps: [
      inputError(
        ["--parameter", "x", "range", "0", "1", "float", "--run_program", "echo", ...MISC],
        [19, 104],
        /--experiment_name/,
      ),
    ],
  },
  {
    id: "param_missing_max_eval",
    steps: [
      inputError(
        [...["--parameter", "x", "range", "0", "1", "float"], ...ECHO.slice(0, 4), ...MISC],
        [89, 104],
        /--max_eval/,
      ),
    ],
  },
  ...(
    [
      ["param_incomplete_fixed", ["x", "fixed"]],
      ["param_invalid_name_exit_code", ["exit_code", "range", "0", "1"]],
      ["param_incomplete_choice", ["x", "choice"]],
      ["param_incomplete_range_no_limits", ["x", "range"]],
      ["param_incomplete_range_no_upper", ["x", "range", "0"]],
      ["param_non_unique", ["x", "choice", "123", "--parameter", "x", "choice", "1234"]],
      ["param_invalid_range_type", ["x", "range", "123", "123123", "123"]],
      ["param_invalid_range_equal", ["x", "range", "0", "0"]],
      ["param_invalid_range_missing_upper", ["x", "range", "0", "float"]],
    ] as const
  ).map(([id, words]): Case => ({
    id,
    steps: [inputError([...ECHO, "--parameter", ...words, ...MISC], [181, 104], /"?x"?|exit_code/)],
  })),
  {
    id: "invalid_constraint",
    steps: [
      inputError(
        [...CONSTRAINT_RUN, "--experiment_constraints", b64("x + y > 10\n")],
        [19],
        /strict ">"/,
      ),
    ],
  },
  {
    id: "invalid_constraint_starting_comparison",
    steps: [inputError(constraintRun(">= 10"), [19], /constraint ">= 10"/)],
  },
  {
    id: "invalid_constraint_ending_comparison",
    steps: [inputError(constraintRun("10 <="), [19], /constraint "10 <="/)],
  },
  {
    id: "defective_constraint_2",
    steps: [
      inputError(
        [
          ...scriptRun("defective_constraint_2"),
          ...["--experiment_constraints", b64("float_param * 2*int_param_two = 50\n")],
        ],
        [19],
        /single "="/,
      ),
    ],
  },
  ...(
    [
      [
        "wrong_result_name",
        ["RESULT1=min", "RESULT2=min", "RESULT3=min", "RESULT4äää=min"],
        /RESULT4äää/,
      ],
      ["multiple_result_names_same_value", ["RESULT1=min", "RESULT1=min"], /RESULT1.*twice/],
    ] as const
  ).map(([id, names, stderr]): Case => ({
    id,
    steps: [
      inputError(
        [
          ...["--experiment_name=wr", "--max_eval", "2", "--num_parallel_jobs", "20"],
          ...["--run_program", fourParameterProgram(4), ...FOUR_PARAMETERS],
          ...["--num_random_steps", "1", "--result_names", ...names],
        ],
        [50],
        stderr,
      ),
    ],
  })),
  {
    id: "continue_non_existing",
    steps: [
      inputError(
        [
          ...["--continue", "runs/__main__I_DO_NOT_EXIST_tests__/0", "--num_parallel_jobs", "1"],
          ...["--worker_timeout", "10", "--mem_gb", "4", "--time", "30", "--follow"],
          ...["--max_eval=2", "--verbose"],
        ],
        [44],
        /does not exist/,
      ),
    ],
  },
  {
    id: "post_job_pareto_not_existing",
    steps: [
      inputError(["--calculate_pareto_front_of_job", "ASDASDASDASDASD"], [24], /slurmopt status/),
    ],
  },
  {
    id: "non_existent_json_config",
    steps: [inputError(["--config_json", "/dev/idontexist.json"], [100], /idontexist/)],
  },
  defectiveCase("toml", [5, 1]),
  defectiveCase("yaml", [5, 104]),
  defectiveCase("json", [5, 104]),
];

describe("OmniOpt2's own tests, run with slurmopt run in place of ./omniopt", () => {
  for (const c of CASES)
    it.concurrent(
      c.id,
      async () => {
        const cwd = testDir("oo2tests");
        writeOmniopt2Programs(cwd);
        c.setup?.(cwd);
        for (const [i, step] of c.steps.entries()) {
          const expected = step.code ?? step.omniopt2[0]!;
          // a step without a named difference behaves as OmniOpt2's test expects
          if (step.difference === undefined) expect(step.omniopt2).toContain(expected);
          else expect(step.omniopt2).not.toContain(expected);
          const r = await runOmniopt2(cwd, step.args(cwd));
          const wanted = step.codeFromRun?.(cwd) ?? expected;
          expect(r.code, `step ${i}: ${r.stderr.slice(-3000)}`).toBe(wanted);
          step.check?.(cwd, r);
        }
      },
      300_000,
    );

  it("docs/omniopt2.md lists every deliberate difference these cases name", () => {
    const docs = readFileSync(join(REPO, "docs", "omniopt2.md"), "utf8");
    const named = new Set(CASES.flatMap((c) => c.steps.map((s) => s.difference)).filter(Boolean));
    expect([...named].sort()).toEqual(Object.values(DIFFERENCE).sort());
    for (const d of Object.values(DIFFERENCE)) expect(docs).toContain(d);
  });
});
