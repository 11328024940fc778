import type { Options } from "yargs";
import { InputError } from "../errors/errors.js";
import { OCC_TYPES, type OccType } from "../evaluate/occ.js";

/**
 * OmniOpt2 flags that `slurmopt run` accepts so that OmniOpt2 command lines run as they are, but
 * that have no effect (a one-line note is printed at start), and OmniOpt2 flags it refuses with
 * the reason. docs/omniopt2.md has the table of every OmniOpt2 flag. Flags named nowhere are
 * errors, as in OmniOpt2.
 */
type FlagType = "boolean" | "string" | "number" | "array";

interface IgnoredFlag {
  readonly type: FlagType;
  readonly note: string;
}

interface RefusedFlag {
  readonly type: FlagType;
  readonly refused: string;
}

const NO_SHARING = "slurmopt shares nothing and sends nothing anywhere";
const NO_GRAPHICS = "no terminal graphics; `slurmopt status` shows the results";
const DEBUG_AID = "an OmniOpt2 debugging aid; SLURMOPT_LOG_LEVEL=debug logs more";
const AX_SETTING = "a setting of Ax/BoTorch models; slurmopt's GP fits its own settings";

export const IGNORED_FLAGS: Readonly<Record<string, IgnoredFlag>> = {
  live_share: { type: "boolean", note: NO_SHARING },
  send_anonymized_usage_stats: { type: "boolean", note: NO_SHARING },
  username: { type: "string", note: NO_SHARING },
  share_password: { type: "string", note: NO_SHARING },
  ui_url: { type: "string", note: NO_SHARING },
  run_mode: { type: "string", note: "slurmopt runs where it is started (run_mode local)" },
  decimalrounding: { type: "string", note: "values are passed in shortest round-trip form" },
  pareto_front_confidence: {
    type: "string",
    note: "`slurmopt status` shows the exact Pareto front",
  },
  root_venv_dir: { type: "string", note: "slurmopt installs nothing at run time" },
  checkout_to_latest_tested_version: {
    type: "boolean",
    note: "slurmopt installs nothing at run time",
  },
  verbose: { type: "boolean", note: DEBUG_AID },
  debug: { type: "boolean", note: DEBUG_AID },
  verbose_tqdm: {
    type: "boolean",
    note: "the progress line shows done, failed, running, best and ETA",
  },
  disable_tqdm: { type: "boolean", note: "use --quiet for no progress line" },
  verbose_break_run_search_table: { type: "boolean", note: DEBUG_AID },
  prettyprint: {
    type: "boolean",
    note: "stdout and stderr of each trial are in jobs/<trial>/<attempt>/",
  },
  flame_graph: { type: "boolean", note: DEBUG_AID },
  memray: { type: "boolean", note: DEBUG_AID },
  runtime_debug: { type: "boolean", note: DEBUG_AID },
  show_func_name: { type: "boolean", note: DEBUG_AID },
  beartype: { type: "boolean", note: DEBUG_AID },
  debug_stack_regex: { type: "string", note: DEBUG_AID },
  debug_stack_trace_regex: { type: "string", note: DEBUG_AID },
  raise_in_eval: { type: "boolean", note: DEBUG_AID },
  no_sleep: {
    type: "boolean",
    note: "slurmopt polls with back-off and never sleeps to pace submissions",
  },
  show_sixel_scatter: { type: "boolean", note: NO_GRAPHICS },
  show_sixel_general: { type: "boolean", note: NO_GRAPHICS },
  show_sixel_trial_index_result: { type: "boolean", note: NO_GRAPHICS },
  show_generation_and_submission_sixel: { type: "boolean", note: NO_GRAPHICS },
  show_generate_time_table: {
    type: "boolean",
    note: "`slurmopt status` shows the proposal time per generator",
  },
  show_worker_percentage_table_at_end: { type: "boolean", note: NO_GRAPHICS },
  show_ram_every_n_seconds: { type: "string", note: DEBUG_AID },
  abbreviate_job_names: {
    type: "boolean",
    note: "the progress line counts running trials instead of listing jobs",
  },
  auto_exclude_defective_hosts: {
    type: "boolean",
    note: "use --exclude to keep trials off broken nodes",
  },
  disable_previous_job_constraint: {
    type: "boolean",
    note: "`slurmopt resume` keeps the stored constraints",
  },
  max_attempts_for_generation: {
    type: "string",
    note: "proposal rounds are bounded by --max_nr_of_zero_results",
  },
  max_abandoned_retrial: {
    type: "string",
    note: "failed nodes and preemptions are retried up to --max_retries times",
  },
  range_max_difference: { type: "string", note: "ranges of any width are accepted" },
  number_of_generators: {
    type: "string",
    note: "one controller proposes for all free slots at once",
  },
  max_num_of_parallel_sruns: {
    type: "string",
    note: "trials are Slurm jobs (job arrays), not sruns",
  },
  save_to_database: {
    type: "boolean",
    note: "every campaign is stored in campaign.db (SQLite) anyway",
  },
  dont_warm_start_refitting: { type: "boolean", note: AX_SETTING },
  refit_on_cv: { type: "boolean", note: AX_SETTING },
  fit_out_of_design: { type: "boolean", note: AX_SETTING },
  fit_abandoned: { type: "boolean", note: AX_SETTING },
  dont_jit_compile: { type: "boolean", note: AX_SETTING },
  num_restarts: { type: "string", note: AX_SETTING },
  raw_samples: { type: "string", note: AX_SETTING },
  no_transform_inputs: { type: "boolean", note: AX_SETTING },
  no_normalize_y: { type: "boolean", note: AX_SETTING },
  transforms: { type: "array", note: AX_SETTING },
  num_cpus_main_job: { type: "string", note: "the controller job (--in-slurm) takes one CPU" },
  just_return_defaults: {
    type: "boolean",
    note: "slurmopt's --dryrun never asks for a point (its one trial is the strategy's first point)",
  },
};

export const REFUSED_FLAGS: Readonly<Record<string, RefusedFlag>> = {
  tests: {
    type: "boolean",
    refused: "OmniOpt2's self-tests do not apply; slurmopt's tests run with `npm test`",
  },
  run_tests_that_fail_on_taurus: { type: "boolean", refused: "OmniOpt2's self-tests do not apply" },
  skip_search: {
    type: "boolean",
    refused: "a campaign without a search does nothing; use --dry-run to validate",
  },
  slurm_use_srun: {
    type: "boolean",
    refused: "trials are submitted with sbatch (one job array per batch), not started with srun",
  },
  dependency: {
    type: "string",
    refused:
      "Slurm dependencies of the OmniOpt2 main job are not offered; put --dependency into slurm.extra_directives of the spec for trial jobs",
  },
  orchestrator_file: {
    type: "string",
    refused:
      "OmniOpt2's orchestrator is not offered; node failures and preemptions are retried (--max_retries)",
  },
  force_choice_for_ranges: {
    type: "boolean",
    refused: "write the values as a choice parameter (--parameter NAME choice a,b,c)",
  },
  calculate_pareto_front_of_job: {
    type: "array",
    refused: "`slurmopt status <campaign folder>` shows the Pareto front of any campaign",
  },
  db_url: { type: "string", refused: "campaigns are stored in their campaign.db (SQLite) only" },
  run_program_once: {
    type: "string",
    refused: "run the setup script before `slurmopt run`, or put it into slurm.setup of the spec",
  },
  worker_generator_path: {
    type: "string",
    refused: "OmniOpt2's generator workers do not exist here: one controller proposes all points",
  },
};

/** yargs options for the flags above (hidden from --help; docs/omniopt2.md lists them). */
export const OMNIOPT2_COMPAT_OPTIONS: Record<string, Options> = Object.fromEntries(
  [...Object.entries(IGNORED_FLAGS), ...Object.entries(REFUSED_FLAGS)].map(([name, f]) => [
    name,
    f.type === "array"
      ? { type: "string", array: true, hidden: true }
      : { type: f.type, hidden: true },
  ]),
);

/** The notes printed at start for ignored flags that were given. */
export function ignoredFlagNotes(flags: Readonly<Record<string, unknown>>): string[] {
  const notes: string[] = [];
  for (const [name, f] of Object.entries(IGNORED_FLAGS)) {
    const v = flags[name];
    if (v === undefined || v === false) continue;
    if (name === "run_mode" && v !== "local")
      throw new InputError(
        "FLAG_INVALID",
        `--run_mode ${JSON.stringify(v)} is not offered: slurmopt runs where it is started (run_mode local); OmniOpt2's docker mode does not exist here`,
      );
    notes.push(`--${name} has no effect in slurmopt: ${f.note}`);
  }
  return notes;
}

/** Throws for the first refused flag that was given. */
export function refuseFlags(flags: Readonly<Record<string, unknown>>): void {
  for (const [name, f] of Object.entries(REFUSED_FLAGS)) {
    const v = flags[name];
    if (v === undefined || v === false) continue;
    throw new InputError("FLAG_INVALID", `--${name} is not supported: ${f.refused}`);
  }
}

/** OCC type names: slurmopt's and OmniOpt2's (signed_minkowski, weighted_euclid). */
const OCC_ALIASES: Readonly<Record<string, OccType>> = {
  signed_minkowski: "minkowski",
  weighted_euclid: "weighted_euclidean",
};

export function occTypeFromFlag(text: string): OccType {
  const t = text.trim().toLowerCase();
  const known = OCC_TYPES.find((o) => o === t) ?? OCC_ALIASES[t];
  if (known !== undefined) return known;
  if (t === "composite")
    throw new InputError(
      "FLAG_INVALID",
      `--occ_type composite is not offered (OmniOpt2 does not document its formula); use euclid, geometric, signed_harmonic, minkowski or weighted_euclidean`,
    );
  throw new InputError(
    "FLAG_INVALID",
    `--occ_type "${text}" is unknown; use ${OCC_TYPES.join(", ")} (or OmniOpt2's signed_minkowski, weighted_euclid)`,
  );
}

/** "1,2,0.5" into numbers (--signed_weighted_euclidean_weights). */
export function weightsFromFlag(text: string): number[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const weights = parts.map(Number);
  if (weights.some((w) => !Number.isFinite(w)))
    throw new InputError(
      "FLAG_INVALID",
      `--signed_weighted_euclidean_weights "${text}": write numbers separated by commas, one per result, e.g. 1,0.5`,
    );
  return weights;
}
