import type { Options } from "yargs";
import { BUDGET_OPTIONS } from "./budgetFlags.js";

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
