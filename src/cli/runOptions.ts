import type { Options } from "yargs";
import { decodeMaybeBase64 } from "../spec/decodeMaybeBase64.js";

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
  max_eval: { type: "number", describe: "Number of trials", group: "Campaign:" },
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
  experiment_constraint: {
    type: "string",
    array: true,
    describe: "OmniOpt2 name for --constraint (base64 or plain, repeatable)",
    group: "Campaign:",
  },
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
  "cancel-on-exit": {
    type: "boolean",
    describe: "On SIGINT/SIGTERM, cancel running trials instead of leaving them running",
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
  const program = f.program ?? f.run_program;
  set("program", typeof program === "string" ? decodeMaybeBase64(program) : program);
  set("program_style", f.program_style);
  set("max_eval", f.max_eval);
  set("parallelism", f.parallelism ?? f.num_parallel_jobs);
  set("seed", f.seed);
  set("worker_timeout", f.worker_timeout);
  const constraints = [
    ...((f.constraint as string[] | undefined) ?? []),
    ...((f.experiment_constraint as string[] | undefined) ?? []).map(decodeMaybeBase64),
  ];
  if (constraints.length > 0) o.constraints = constraints;
  set("max_failed_jobs", f.max_failed_jobs);
  set("max_retries", f.max_retries);
  set("executor", f.force_local_execution === true ? "local" : f.executor);
  set("strategy", f.strategy ?? f.generation_strategy);
  set("generate_all_jobs_at_once", f.generate_all_jobs_at_once);
  set("revert_to_random_when_seemingly_exhausted", f.revert_to_random_when_seemingly_exhausted);
  set("max_nr_of_zero_results", f.max_nr_of_zero_results);
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
  return o;
}

/** Merges the flag overlay into the spec file's object (nested slurm keys merge too). */
export function mergeSpec(
  file: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(overlay)) {
    const cur = out[k];
    if (
      k === "slurm" &&
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
