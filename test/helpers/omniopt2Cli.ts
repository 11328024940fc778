/**
 * OmniOpt2-style command lines for the tests: `slurmopt run` in place of `./omniopt`, with the
 * flags OmniOpt2's own `.tests/` scripts pass (start_simple_optimization_run.py and the scripts
 * beside it), trials run locally, sizes cut. The programs OmniOpt2's tests call
 * (`.tests/optimization_example.py` and friends) are stood in for by small programs written here
 * that keep their command-line contract: the same flags, an empty flag is an error (exit 1),
 * `--fail_or_not=1` fails (exit 1), `RESULT:` (or `RESULT1:` ... with `--nr_results`) on stdout,
 * `SEM-RESULT:` lines with `--random_sem`.
 */
import Database from "better-sqlite3";
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type CliResult } from "./runCli.js";

export const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** OmniOpt2's test function stand-in: four parameters, a smooth bowl, a choice mapped to a number. */
const OPTIMIZATION_EXAMPLE = `#!/usr/bin/env python3
import random, sys
opts, flags = {}, set()
for arg in sys.argv[1:]:
    if arg.startswith("--") and "=" in arg:
        key, value = arg[2:].split("=", 1)
        opts[key] = value
    elif arg.startswith("--"):
        flags.add(arg[2:])
for name in ("int_param", "int_param_two", "float_param", "choice_param"):
    if not opts.get(name):
        print("Parameter --%s cannot be empty" % name, file=sys.stderr)
        sys.exit(1)
print("OO-Info: int_param: %s" % opts["int_param"])
if "1" in opts.get("fail_or_not", "0"):
    sys.exit(1)
choice = 10.0 if opts["choice_param"] == "hallo" else float(opts["choice_param"])
point = [float(opts["int_param"]), choice, float(opts["float_param"]), float(opts["int_param_two"])]
count = int(opts.get("nr_results", "1"))
if count == 1:
    print("RESULT: %r" % sum((v - 4) ** 2 for v in point))
    if "random_sem" in flags:
        print("SEM-RESULT: %r" % random.random())
else:
    for k in range(1, count + 1):
        print("RESULT%d: %r" % (k, k + random.random()))
`;

const ALL_FLOAT_EXAMPLE = `#!/usr/bin/env python3
import sys
opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
if "1" in opts.get("fail_or_not", "0"):
    sys.exit(1)
print("RESULT: %r" % sum(float(opts[k]) ** 2 for k in ("x", "y", "z", "a")))
`;

/**
 * Writes the stand-ins where OmniOpt2's command lines look for them, relative to `cwd`:
 * `.tests/optimization_example.py`, `.tests/optimization_example` (the name the example config
 * files use) and `.tests/optimization_example_all_float.py`.
 */
export function writeOmniopt2Programs(cwd: string): void {
  const dir = join(cwd, ".tests");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of [
    ["optimization_example.py", OPTIMIZATION_EXAMPLE],
    ["optimization_example", OPTIMIZATION_EXAMPLE],
    ["optimization_example_all_float.py", ALL_FLOAT_EXAMPLE],
  ] as const) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
}

/** The four parameters of OmniOpt2's default test run. */
export const FOUR_PARAMETERS = [
  ...["--parameter", "int_param", "range", "-100", "10", "int"],
  ...["--parameter", "float_param", "range", "-100", "10", "float"],
  ...["--parameter", "choice_param", "choice", "1,2,4,8,16,hallo"],
  ...["--parameter", "int_param_two", "range", "-100", "10", "int"],
];

/** `--run_program` of the four-parameter run (base64, as OmniOpt2's scripts pass it). */
export function fourParameterProgram(nrResults = 1, before = "", after = ""): string {
  return b64(
    `./.tests/optimization_example.py ${before}--int_param='%(int_param)' --float_param='%(float_param)' ` +
      `--choice_param='%(choice_param)' --int_param_two='%(int_param_two)' --nr_results=${nrResults}${after}`,
  );
}

export interface SimpleRunOptions {
  maxEval?: number;
  numParallelJobs?: number;
  numRandomSteps?: number;
  model?: string;
  variant?: "four" | "one_param" | "two_params" | "all_float";
  gridsearch?: boolean;
  allowFailure?: boolean;
  nrResults?: number;
  alternateMinMax?: boolean;
  randomSem?: boolean;
  seed?: number;
  testname?: string;
  /** Words added at the end (start_simple_optimization_run.py's --additional_parameter). */
  additional?: readonly string[];
}

/** OmniOpt2's experiment name for a run of start_simple_optimization_run.py. */
export function simpleRunName(o: SimpleRunOptions = {}): string {
  if (o.testname) return o.testname;
  const model = o.model ?? "BOTORCH_MODULAR";
  const grid = o.gridsearch ? "_gridsearch" : "_nogridsearch";
  const base =
    o.variant === "one_param"
      ? `__main__tests__${model}__one_param_local${grid}`
      : `__main__tests__${model}___local${grid}`;
  const nr = o.nrResults ?? 1;
  return nr === 1 ? base : `${base}_nr_results_${nr}`;
}

/**
 * The `slurmopt run` arguments that OmniOpt2's `.tests/start_simple_optimization_run.py` builds
 * for `./omniopt`, with `--force_local_execution` and the sizes OmniOpt2's test driver uses
 * where sbatch is missing (max_eval 2, one job at a time, one random step).
 */
export function simpleRunArgs(o: SimpleRunOptions = {}): string[] {
  const npj = o.numParallelJobs ?? 1;
  const nr = o.nrResults ?? 1;
  const model = o.model ?? "BOTORCH_MODULAR";
  const sem = o.randomSem ? "--random_sem " : "";
  const fail = o.allowFailure ? " --fail_or_not=%(fail_or_not)" : "";
  const common = [
    ...["--partition", "alpha", "--experiment_name", simpleRunName(o)],
    ...["--mem_gb=4", "--time", "60", "--worker_timeout=5"],
    ...["--max_eval", String(o.maxEval ?? 2), "--num_parallel_jobs", String(npj), "--gpus", "0"],
  ];
  let args: string[];
  switch (o.variant ?? "four") {
    case "one_param":
      args = [
        ...common,
        "--run_program",
        b64(
          `./.tests/optimization_example.py ${sem}--int_param='%(int_param)' --float_param='1' --choice_param='1' --int_param_two='1' --nr_results=${nr}${fail}`,
        ),
        ...["--parameter", "int_param", "range", "-100", "10", "int"],
      ];
      break;
    case "two_params":
      args = [
        ...common,
        "--run_program",
        b64(
          `./.tests/optimization_example.py ${sem}--int_param='%(int_param)' --float_param='%(float_param)' --choice_param='1' --int_param_two='1' --nr_results=${nr}${fail}`,
        ),
        ...["--parameter", "int_param", "range", "-100", "10", "int"],
        ...["--parameter", "float_param", "range", "-100", "10", "float"],
      ];
      break;
    case "all_float":
      args = [
        ...common,
        "--run_program",
        b64(`.tests/optimization_example_all_float.py --x=%(x) --y=%(y) --z=%(z) --a=%(a)${fail}`),
        ...["--cpus_per_task=1", "--nodes_per_job=1", "--run_mode=local"],
        ...["x", "y", "z", "a"].flatMap((p) => [
          "--parameter",
          p,
          "range",
          "-1000",
          "1000",
          "float",
        ]),
      ];
      break;
    default:
      args = [
        ...common,
        "--run_program",
        fourParameterProgram(nr, sem, fail),
        ...FOUR_PARAMETERS,
        "--auto_exclude_defective_hosts",
      ];
  }
  args.push(
    ...["--num_random_steps", String(o.numRandomSteps ?? npj), "--model", model],
    "--live_share",
    "--send_anonymized_usage_stats",
  );
  if (o.gridsearch) args.push("--gridsearch");
  if (o.allowFailure) args.push("--parameter", "fail_or_not", "choice", "0,1");
  args.push("--force_local_execution");
  if (nr !== 1) {
    args.push("--result_names");
    for (let i = 1; i <= nr; i++)
      args.push(`RESULT${i}=${o.alternateMinMax && i % 2 === 0 ? "max" : "min"}`);
  }
  if (o.seed !== undefined) args.push("--seed", String(o.seed));
  args.push("--generate_all_jobs_at_once", "--follow", ...(o.additional ?? []));
  args.push("--show_generate_time_table");
  return args;
}

/**
 * Runs `slurmopt run ARGS` in `cwd` with trials as local processes (`--force_local_execution`
 * is added unless the arguments have it).
 */
export function runOmniopt2(
  cwd: string,
  args: readonly string[],
  timeoutMs = 180_000,
): Promise<CliResult> {
  const local = args.includes("--force_local_execution") ? [] : ["--force_local_execution"];
  return runCli(["run", ...args, ...local], { cwd, timeoutMs });
}

/** Lines of a campaign's results.csv (header included), as OmniOpt2's tests count them. */
export function resultsCsvLines(dir: string): string[] {
  return readFileSync(join(dir, "results.csv"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

/** The campaign folders runs/<name>/<N> under `cwd`, by number. */
export function runFolders(cwd: string, name: string, runDir = "runs"): string[] {
  return readdirSync(join(cwd, runDir, name))
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => join(cwd, runDir, name, n));
}

export interface TrialRow {
  trial_index: number;
  state: string;
  params_json: string;
  results_json: string | null;
  generation_node: string;
  reason: string | null;
}

/** The trials of a campaign folder, from its campaign.db. */
export function campaignTrials(dir: string): TrialRow[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT trial_index, state, params_json, results_json, generation_node, reason FROM trials ORDER BY trial_index",
      )
      .all() as TrialRow[];
  } finally {
    db.close();
  }
}
