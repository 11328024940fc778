import { decodeMaybeBase64 } from "../spec/decodeMaybeBase64.js";
import { instanceFromFlag } from "../spec/buildSmacRuns.js";
import { occTypeFromFlag, weightsFromFlag } from "./omniopt2Flags.js";
import { budgetOverlay } from "./budgetFlags.js";
import type { RUN_OPTIONS } from "./runOptions.js";

/*
 * From `slurmopt run`'s flags (src/cli/runOptions.ts) to spec keys: the overlay the flags make,
 * laid over the spec file's object.
 */

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
