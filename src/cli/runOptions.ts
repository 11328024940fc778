import type { Options } from "yargs";
import { decodeMaybeBase64 } from "../spec/decodeMaybeBase64.js";
import { instanceFromFlag } from "../spec/buildSmacRuns.js";
import { occTypeFromFlag, weightsFromFlag } from "./omniopt2Flags.js";
import { BUDGET_OPTIONS, budgetOverlay } from "./budgetFlags.js";

/**
 * Every flag of `slurmopt run`: slurmopt's own names (the spec keys) and OmniOpt2's names
 * (mapped onto the same keys). Flags override the spec file.
 */
export const RUN_OPTIONS = {
  name: {
    type: "string",
    describe: "Campaign name (letters, digits, ._-); spec: name",
    group: "Campaign:",
  },
  experiment_name: { type: "string", describe: "OmniOpt2 name for --name", group: "Campaign:" },
  run_dir: {
    type: "string",
    describe: "Folder holding <name>/<N>/ campaign folders (default: runs)",
    group: "Campaign:",
  },
  workdir: {
    type: "string",
    describe: "Where the program runs (default: the current directory)",
    group: "Campaign:",
  },
  program: {
    type: "string",
    describe: "Command template run by /bin/sh -c, with %(x), %x, $(x), $x placeholders",
    group: "Campaign:",
  },
  run_program: {
    type: "string",
    describe: "OmniOpt2 name for --program (base64 or plain text)",
    group: "Campaign:",
  },
  program_style: {
    type: "string",
    choices: ["omniopt", "smac"],
    describe: "omniopt: result lines NAME: value; smac: SMAC target-function script",
    group: "Campaign:",
  },
  smac_instance: {
    type: "string",
    describe: "With --program_style smac: passed as --instance=I (with --instance_features=)",
    group: "Campaign:",
  },
  smac_instances: {
    type: "string",
    array: true,
    describe: "With --program_style smac: instance NAME or NAME:f1,f2 with features (repeatable)",
    group: "Campaign:",
  },
  instance_order: { type: "string", choices: ["round_robin", "random"], group: "Campaign:" },
  smac_seeds: {
    type: "string",
    choices: ["per_trial", "campaign"],
    describe: "--seed= per trial (default) or the campaign seed for all",
    group: "Campaign:",
  },
  crash_cost: {
    type: "number",
    describe: "Value a FAILED/TIMEOUT trial gives the model (SMAC's crash_cost)",
    group: "Campaign:",
  },
  max_eval: {
    type: "number",
    describe: "Number of trials (with --continue or --load-from: of NEW trials)",
    group: "Campaign:",
  },
  continue_previous_job: {
    type: "string",
    alias: "continue",
    describe:
      "OmniOpt2: continue this run (campaign folder, OmniOpt2 run folder or results.csv) in a NEW folder that starts with its trials; these flags override its settings",
    group: "Campaign:",
  },
  load_data_from_existing_jobs: {
    type: "string",
    array: true,
    alias: ["load-from", "load_previous_job_data"],
    describe:
      "OmniOpt2: start with the trials that have results of these runs (campaign folders, OmniOpt2 run folders or results.csv files)",
    group: "Campaign:",
  },
  parallelism: {
    type: "number",
    describe: "Trials running at once (default 1)",
    group: "Campaign:",
  },
  num_parallel_jobs: {
    type: "number",
    describe: "OmniOpt2 name for --parallelism",
    group: "Campaign:",
  },
  seed: {
    type: "number",
    describe: "Random seed (default: a random one, stored in the campaign)",
    group: "Campaign:",
  },
  worker_timeout: {
    type: "string",
    describe: "Time limit of each trial: a bare number is MINUTES (as OmniOpt2), or 90s, 30m, 2h",
    group: "Campaign:",
  },
  constraint: {
    type: "string",
    array: true,
    describe: 'Constraint such as "x + 2*y <= 10" (repeatable)',
    group: "Campaign:",
  },
  outcome_constraint: {
    type: "string",
    array: true,
    describe:
      'Constraint on a metric the program prints, e.g. "MEM_GB <= 40" (repeatable); breaking trials are COMPLETED but infeasible',
    group: "Campaign:",
  },
  objective_threshold: {
    type: "string",
    array: true,
    describe:
      "Ax's objective threshold, e.g. \"ACC >= 0.8\" (repeatable, several objectives): the hypervolume's reference point",
    group: "Campaign:",
  },
  stop_when_no_improvement_in: {
    type: "number",
    describe:
      "Global stopping (Ax's): stop when the last N completed trials improved the best (or the hypervolume) by less than --stop_when_tolerance (default 5)",
    group: "Campaign:",
  },
  stop_when_min_trials: {
    type: "number",
    describe: "Global stopping: completed trials before it may stop (default 5)",
    group: "Campaign:",
  },
  stop_when_tolerance: {
    type: "number",
    describe:
      "Global stopping: the improvement that counts, relative to the interquartile range of the objective (or to the hypervolume); default 0.1",
    group: "Campaign:",
  },
  early_stopping: {
    type: "string",
    choices: ["percentile", "median"],
    describe:
      "Early stopping of running trials from their NAME@STEP: value progress lines (docs/early-stopping.md): percentile (Ax's) or median (Optuna's)",
    group: "Campaign:",
  },
  early_stopping_percentile: {
    type: "number",
    describe: "Early stopping: stop trials worse than this percentile at a step (default 50)",
    group: "Campaign:",
  },
  early_stopping_min_progression: {
    type: "number",
    describe: "Early stopping: the first step at which a trial may be stopped (default 0)",
    group: "Campaign:",
  },
  early_stopping_min_trials: {
    type: "number",
    describe:
      "Early stopping: other trials with a value at the step before one is stopped (default 5)",
    group: "Campaign:",
  },
  tracking_metric: {
    type: "string",
    array: true,
    describe: "Metric the program prints that is stored and shown but not optimized (repeatable)",
    group: "Campaign:",
  },
  experiment_constraint: {
    type: "string",
    array: true,
    describe: "OmniOpt2 name for --constraint (base64 or plain, repeatable)",
    group: "Campaign:",
  },
  experiment_constraints: {
    type: "string",
    array: true,
    describe: "OmniOpt2 name for --constraint (base64 or plain, repeatable)",
    group: "Campaign:",
  },
  config_yaml: {
    type: "string",
    describe: "OmniOpt2 configuration file: flag names as keys (flags given here win)",
    group: "Campaign:",
  },
  config_json: { type: "string", describe: "As --config_yaml, in JSON", group: "Campaign:" },
  configspace: {
    type: "string",
    describe:
      "The search space from a ConfigSpace JSON file (conditions and forbidden clauses included; docs/conditional-spaces.md)",
    group: "Campaign:",
  },
  config_toml: { type: "string", describe: "As --config_yaml, in TOML", group: "Campaign:" },
  max_failed_jobs: {
    type: "number",
    describe: "Stop the campaign after this many failed trials",
    group: "Campaign:",
  },
  max_retries: {
    type: "number",
    describe: "New attempts for a trial whose node failed or was preempted (default 2)",
    group: "Campaign:",
  },
  executor: {
    type: "string",
    choices: ["local", "slurm", "auto"],
    describe: "Where trials run (default auto: Slurm when sbatch is on PATH)",
    group: "Execution:",
  },
  force_local_execution: {
    type: "boolean",
    describe: "OmniOpt2: same as --executor local",
    group: "Execution:",
  },
  dryrun: {
    type: "boolean",
    describe:
      "OmniOpt2: one quick trial to test the set-up: --max_eval 1, run locally (--force_local_execution), one at a time",
    group: "Execution:",
  },
  strategy: {
    type: "string",
    describe: "Generation strategy, e.g. SOBOL=10,GP (models are case-insensitive)",
    group: "Optimization:",
  },
  generation_strategy: {
    type: "string",
    describe: "OmniOpt2 name for --strategy",
    group: "Optimization:",
  },
  model: {
    type: "string",
    describe: "Model after the Sobol phase (GP/BOTORCH_MODULAR, TPE, SOBOL, ...)",
    group: "Optimization:",
  },
  num_random_steps: {
    type: "number",
    describe: "Sobol trials before the model (default max(5, 2*dims))",
    group: "Optimization:",
  },
  generate_all_jobs_at_once: {
    type: "boolean",
    describe:
      "Propose for all free slots together and submit them as one job array (slurmopt always does)",
    group: "Optimization:",
  },
  revert_to_random_when_seemingly_exhausted: {
    type: "boolean",
    describe: "Fill with random points when the model repeats itself",
    group: "Optimization:",
  },
  max_nr_of_zero_results: {
    type: "number",
    describe: "Stop after this many proposal rounds in a row without a new point (default 50)",
    group: "Optimization:",
  },
  n_estimators_randomforest: {
    type: "number",
    describe: "Trees of the RANDOMFOREST model (default 10, as SMAC)",
    group: "Optimization:",
  },
  ...BUDGET_OPTIONS,
  gridsearch: {
    type: "boolean",
    describe: "OmniOpt2: same as --model FACTORIAL",
    group: "Optimization:",
  },
  maximize: {
    type: "boolean",
    describe: "Old OmniOpt2 flag: maximize RESULT (same as --result_names RESULT=max)",
    group: "Optimization:",
  },
  external_generator: {
    type: "string",
    describe:
      "Program proposing points (OmniOpt2 protocol, base64 or plain; docs/external-generators.md); use with --model EXTERNAL_GENERATOR or a strategy node",
    group: "External generator:",
  },
  external_generator_timeout: {
    type: "string",
    describe: "Time limit of one call: 90s, 10m (bare number: seconds; default 10m)",
    group: "External generator:",
  },
  external_generator_max_retries: {
    type: "number",
    describe: "New calls after a failed one before --external_generator_on_failure (default 3)",
    group: "External generator:",
  },
  external_generator_on_failure: {
    type: "string",
    choices: ["fallback", "stop"],
    describe: "When the retries are used up: Sobol proposes (default, with a warning) or stop",
    group: "External generator:",
  },
  external_generator_on_duplicate: {
    type: "string",
    choices: ["reject", "accept"],
    describe: "A proposal equal to a tried or pending point: ask again (default) or evaluate it",
    group: "External generator:",
  },
  occ: {
    type: "boolean",
    describe: "Combine all results into one objective, OCC (see --occ_type)",
    group: "OCC (combined results):",
  },
  occ_type: {
    type: "string",
    describe:
      "euclid (default), geometric, signed_harmonic, minkowski, weighted_euclidean (OmniOpt2's signed_minkowski, weighted_euclid too)",
    group: "OCC (combined results):",
  },
  minkowski_p: {
    type: "number",
    describe: "Order p of --occ_type minkowski (default 2)",
    group: "OCC (combined results):",
  },
  signed_weighted_euclidean_weights: {
    type: "string",
    describe: "Weights of --occ_type weighted_euclidean, one per result: 1,0.5 (default all 1)",
    group: "OCC (combined results):",
  },
  partition: { type: "string", describe: "Slurm partition of the trial jobs", group: "Slurm:" },
  gpus: { type: "number", describe: "GPUs per trial job (--gres=gpu:N)", group: "Slurm:" },
  mem_gb: { type: "number", describe: "Memory per trial job in GB", group: "Slurm:" },
  cpus_per_task: { type: "number", describe: "CPUs per trial job", group: "Slurm:" },
  nodes_per_job: { type: "number", describe: "Nodes per trial job", group: "Slurm:" },
  account: { type: "string", describe: "Slurm account", group: "Slurm:" },
  reservation: { type: "string", describe: "Slurm reservation", group: "Slurm:" },
  qos: { type: "string", describe: "Slurm QOS", group: "Slurm:" },
  exclude: { type: "string", describe: "Nodes to exclude (Slurm node list)", group: "Slurm:" },
  slurm_signal_delay_s: {
    type: "number",
    describe: "Seconds before the time limit at which the job gets its signal",
    group: "Slurm:",
  },
  "dry-run": {
    type: "boolean",
    describe: "Validate the spec, render the first job scripts and print them; submit nothing",
    group: "Run:",
  },
  quiet: { type: "boolean", describe: "No progress line", group: "Run:" },
  "no-report": {
    type: "boolean",
    describe: "Do not write report.html into the campaign folder when the run ends",
    group: "Run:",
  },
  "cancel-on-exit": {
    type: "boolean",
    describe: "On SIGINT/SIGTERM, cancel running trials instead of leaving them running",
    group: "Run:",
  },
  detach: {
    type: "boolean",
    describe:
      "Hand the campaign to the slurmopt daemon (started if none runs), print its folder and return (slurmopt submit does the same)",
    group: "Run:",
  },
  "in-slurm": {
    type: "boolean",
    describe:
      "Run the controller itself as a Slurm job (controller.sbatch); it queues its own continuation before its time limit",
    group: "Controller job (--in-slurm):",
  },
  time: {
    type: "string",
    describe:
      "Time limit of the controller job: a bare number is MINUTES (as OmniOpt2), or 90s, 30m, 2h (default 60m)",
    group: "Controller job (--in-slurm):",
  },
  main_process_gb: {
    type: "number",
    describe: "Memory of the controller job in GB (default 2)",
    group: "Controller job (--in-slurm):",
  },
  controller_signal_delay_s: {
    type: "number",
    describe:
      "Seconds before its time limit at which the controller stops for its continuation (default 120; Slurm may signal up to 60 s earlier)",
    group: "Controller job (--in-slurm):",
  },
  follow: {
    type: "boolean",
    describe: "With --in-slurm: show the campaign's progress here until it ends",
    group: "Controller job (--in-slurm):",
  },
} as const satisfies Record<string, Options>;

type FlagValues = Partial<Record<keyof typeof RUN_OPTIONS, unknown>>;

/** The spec keys set by flags (flags override the spec file). */
export function specOverlayFromFlags(f: FlagValues): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const set = (key: string, v: unknown): void => {
    if (v !== undefined) o[key] = v;
  };
  set("name", f.name ?? f.experiment_name);
  set("run_dir", f.run_dir);
  set("workdir", f.workdir);
  set("configspace", f.configspace);
  const program = f.program ?? f.run_program;
  set("program", typeof program === "string" ? decodeMaybeBase64(program) : program);
  set("program_style", f.program_style);
  set("smac_instance", f.smac_instance);
  const instances = f.smac_instances as string[] | undefined;
  if (instances !== undefined) o.instances = instances.map(instanceFromFlag);
  set("instance_order", f.instance_order);
  set("smac_seeds", f.smac_seeds);
  set("crash_cost", f.crash_cost);
  set("max_eval", f.max_eval);
  set("parallelism", f.parallelism ?? f.num_parallel_jobs);
  set("seed", f.seed);
  set("worker_timeout", f.worker_timeout);
  const constraints = [
    ...((f.constraint as string[] | undefined) ?? []),
    ...((f.experiment_constraint as string[] | undefined) ?? []).map(decodeMaybeBase64),
    ...((f.experiment_constraints as string[] | undefined) ?? []).map(decodeMaybeBase64),
  ];
  if (constraints.length > 0) o.constraints = constraints;
  set("outcome_constraints", f.outcome_constraint);
  set("tracking_metrics", f.tracking_metric);
  set("objective_thresholds", f.objective_threshold);
  const stopWhen: Record<string, unknown> = {};
  if (f.stop_when_no_improvement_in !== undefined)
    stopWhen.no_improvement_in = f.stop_when_no_improvement_in;
  if (f.stop_when_min_trials !== undefined) stopWhen.min_trials = f.stop_when_min_trials;
  if (f.stop_when_tolerance !== undefined) stopWhen.tolerance = f.stop_when_tolerance;
  if (Object.keys(stopWhen).length > 0) o.stop_when = stopWhen;
  const early: Record<string, unknown> = {};
  if (f.early_stopping !== undefined) early.strategy = f.early_stopping;
  if (f.early_stopping_percentile !== undefined) early.percentile = f.early_stopping_percentile;
  if (f.early_stopping_min_progression !== undefined)
    early.min_progression = f.early_stopping_min_progression;
  if (f.early_stopping_min_trials !== undefined) early.min_trials = f.early_stopping_min_trials;
  if (Object.keys(early).length > 0) o.early_stopping = early;
  set("max_failed_jobs", f.max_failed_jobs);
  set("max_retries", f.max_retries);
  set("executor", f.force_local_execution === true ? "local" : f.executor);
  set("strategy", f.strategy ?? f.generation_strategy);
  set("generate_all_jobs_at_once", f.generate_all_jobs_at_once);
  set("revert_to_random_when_seemingly_exhausted", f.revert_to_random_when_seemingly_exhausted);
  set("max_nr_of_zero_results", f.max_nr_of_zero_results);
  set("n_estimators_randomforest", f.n_estimators_randomforest);
  set("budget", budgetOverlay(f));
  const slurm: Record<string, unknown> = {};
  const slurmKeys = [
    "partition",
    "gpus",
    "mem_gb",
    "cpus_per_task",
    "nodes_per_job",
    "account",
    "reservation",
    "qos",
    "exclude",
    "slurm_signal_delay_s",
  ] as const;
  for (const k of slurmKeys) if (f[k] !== undefined) slurm[k] = f[k];
  if (Object.keys(slurm).length > 0) o.slurm = slurm;
  const ext: Record<string, unknown> = {};
  if (f.external_generator !== undefined) ext.command = f.external_generator;
  if (f.external_generator_timeout !== undefined) ext.timeout = f.external_generator_timeout;
  if (f.external_generator_max_retries !== undefined)
    ext.max_retries = f.external_generator_max_retries;
  if (f.external_generator_on_failure !== undefined)
    ext.on_failure = f.external_generator_on_failure;
  if (f.external_generator_on_duplicate !== undefined)
    ext.on_duplicate = f.external_generator_on_duplicate;
  if (Object.keys(ext).length > 0) o.external_generator = ext;
  if (f.occ === true) {
    o.occ = {
      type: occTypeFromFlag(typeof f.occ_type === "string" ? f.occ_type : "euclid"),
      ...(f.minkowski_p !== undefined ? { minkowski_p: f.minkowski_p } : {}),
      ...(typeof f.signed_weighted_euclidean_weights === "string" &&
      f.signed_weighted_euclidean_weights.trim() !== ""
        ? { weights: weightsFromFlag(f.signed_weighted_euclidean_weights) }
        : {}),
    };
  }
  return o;
}

/** Notes for OCC flags given without --occ (they do nothing then, as in OmniOpt2). */
export function occFlagNotes(f: FlagValues): string[] {
  if (f.occ === true) return [];
  const given = (["occ_type", "minkowski_p", "signed_weighted_euclidean_weights"] as const).filter(
    (k) => f[k] !== undefined,
  );
  return given.map((k) => `--${k} has no effect without --occ (as in OmniOpt2)`);
}

/** Merges the flag overlay into the spec file's object (nested slurm, external_generator, stop_when, early_stopping and budget keys merge too). */
export function mergeSpec(
  file: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(overlay)) {
    const cur = out[k];
    if (
      (k === "slurm" ||
        k === "external_generator" ||
        k === "stop_when" ||
        k === "early_stopping" ||
        k === "budget") &&
      typeof cur === "object" &&
      cur !== null &&
      typeof v === "object" &&
      v !== null
    )
      out[k] = { ...(cur as Record<string, unknown>), ...(v as Record<string, unknown>) };
    else out[k] = v;
  }
  return out;
}
