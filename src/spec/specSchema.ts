import { z } from "zod";
import { scheduleSchema } from "./scheduleSchema.js";

/**
 * The campaign spec as written in YAML / JSON (and produced from command-line flags).
 * Unknown keys are errors. Resolution into a typed Campaign happens in buildCampaign.ts.
 */

const scalar = z.union([z.string(), z.number()]);
/** A choice or fixed value: booleans are Ax's bool parameters (passed as true / false). */
const choiceValue = z.union([z.string(), z.number(), z.boolean()]);

/** Keys every parameter may have in a conditional space (docs/conditional-spaces.md). */
const conditionalKeys = {
  active_if: z.string().optional(),
  inactive_value: scalar.optional(),
};

export const rangeParameterSchema = z.strictObject({
  name: z.string(),
  type: z.literal("range"),
  bounds: z.tuple([z.number(), z.number()]),
  value_type: z.enum(["int", "float"]).optional(),
  log_scale: z.boolean().optional(),
  ...conditionalKeys,
});

export const choiceParameterSchema = z.strictObject({
  name: z.string(),
  type: z.literal("choice"),
  values: z.array(choiceValue).min(1),
  /** Ax's value_type of a choice: the values are read as this type (default: from the values). */
  value_type: z.enum(["int", "float", "str", "bool"]).optional(),
  is_ordered: z.boolean().optional(),
  ...conditionalKeys,
});

export const fixedParameterSchema = z.strictObject({
  name: z.string(),
  type: z.literal("fixed"),
  value: choiceValue,
  ...conditionalKeys,
});

export const parameterSchema = z.discriminatedUnion("type", [
  rangeParameterSchema,
  choiceParameterSchema,
  fixedParameterSchema,
]);

export const objectiveSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_]+$/, "objective names use letters, digits and _ only"),
  goal: z.enum(["min", "max"]),
});

/** Ax's transition criteria by name (docs/strategies.md gives their meanings here). */
export const transitionCriterionSchema = z.union([
  z.enum(["AutoTransitionAfterGen", "IsSingleObjective"]),
  z.discriminatedUnion("criterion", [
    z.strictObject({
      criterion: z.literal("MinTrials"),
      threshold: z.number().int().positive(),
      count_only_trials_with_data: z.boolean().optional(),
    }),
    z.strictObject({
      criterion: z.literal("MaxTrials"),
      threshold: z.number().int().positive(),
    }),
    z.strictObject({
      criterion: z.literal("MaxGenerationParallelism"),
      threshold: z.number().int().positive(),
    }),
    z.strictObject({ criterion: z.literal("AutoTransitionAfterGen") }),
    z.strictObject({ criterion: z.literal("IsSingleObjective") }),
  ]),
]);

export const strategyNodeSchema = z.strictObject({
  model: z.string(),
  /** Trials this node generates before the next node takes over; omit on the last node. */
  trials: z.number().int().positive().optional(),
  /** Results of the earlier nodes' trials this node waits for before it proposes. */
  min_trials_observed: z.number().int().nonnegative().optional(),
  /** At most this many of this node's trials pending at once. */
  max_parallelism: z.number().int().positive().optional(),
  /** false: keep generating past `trials` while the next node waits for data. */
  enforce: z.boolean().optional(),
  /** true: while this node waits for data, free slots get the previous node's points. */
  fill: z.boolean().optional(),
  transition_criteria: z.array(transitionCriterionSchema).optional(),
});

export const slurmSchema = z.strictObject({
  partition: z.string().optional(),
  time: z.union([z.string(), z.number()]).optional(),
  mem_gb: z.number().positive().optional(),
  mem: z.string().optional(),
  cpus_per_task: z.number().int().positive().optional(),
  nodes_per_job: z.number().int().positive().optional(),
  gpus: z.number().int().nonnegative().optional(),
  account: z.string().optional(),
  reservation: z.string().optional(),
  qos: z.string().optional(),
  exclude: z.string().optional(),
  constraint: z.string().optional(),
  extra_directives: z.array(z.string()).optional(),
  setup: z.array(z.string()).optional(),
  signal: z.string().optional(),
  slurm_signal_delay_s: z.number().int().nonnegative().optional(),
  template: z.string().optional(),
  array_template: z.string().optional(),
  max_array_size: z.number().int().positive().optional(),
  submit_ahead: z.union([z.literal("auto"), z.number().int().nonnegative()]).optional(),
  poll_interval: z.union([z.string(), z.number()]).optional(),
  max_poll_interval: z.union([z.string(), z.number()]).optional(),
  max_retries: z.number().int().nonnegative().optional(),
  output_grace: z.union([z.string(), z.number()]).optional(),
});

export const sshSchema = z.strictObject({
  host: z.string(),
  user: z.string().optional(),
  port: z.number().int().positive().optional(),
  identity_file: z.string().optional(),
  known_hosts: z.string().optional(),
  remote_dir: z.string(),
  workdir: z.string().optional(),
  path_prefix: z.string().optional(),
  setup: z.array(z.string()).optional(),
  ssh_config: z.string().optional(),
  passphrase_env: z.string().optional(),
  keepalive: z.union([z.string(), z.number()]).optional(),
});

export const externalGeneratorSchema = z.strictObject({
  command: z.string(),
  timeout: z.union([z.string(), z.number()]).optional(),
  max_retries: z.number().int().nonnegative().optional(),
  on_failure: z.enum(["fallback", "stop"]).optional(),
  on_duplicate: z.enum(["accept", "reject"]).optional(),
});

export const specSchema = z.strictObject({
  name: z.string(),
  run_dir: z
    .string()
    .refine((d) => !/[\n\r]/.test(d), {
      message:
        "has a line break; attempt paths go into sbatch header lines, so choose a folder without one",
    })
    .optional(),
  workdir: z.string().optional(),
  parameters: z.union([
    z.array(parameterSchema).min(1),
    z.record(z.string(), z.unknown()).refine((r) => Object.keys(r).length > 0, {
      message: "no parameters; give at least one",
    }),
  ]),
  /** A ConfigSpace JSON file that gives the parameters and forbidden clauses (configSpaceImport.ts). */
  configspace: z.string().optional(),
  constraints: z.array(z.string()).optional(),
  forbidden: z.array(z.string()).optional(),
  outcome_constraints: z.array(z.string()).optional(),
  /** Ax's objective_thresholds: "ACC >= 0.8" per objective, the hypervolume's reference point. */
  objective_thresholds: z.array(z.string()).optional(),
  /** Global stopping as Ax's ImprovementGlobalStoppingStrategy (docs/strategies.md). */
  stop_when: z
    .strictObject({
      no_improvement_in: z.number().int().positive().optional(),
      min_trials: z.number().int().nonnegative().optional(),
      tolerance: z.number().nonnegative().optional(),
    })
    .optional(),
  /** Early stopping of running trials from their progress lines (docs/early-stopping.md). */
  early_stopping: z
    .strictObject({
      strategy: z.enum(["percentile", "median"]).optional(),
      percentile: z.number().gt(0).lt(100).optional(),
      min_progression: z.number().nonnegative().optional(),
      min_trials: z.number().int().positive().optional(),
      metric: z.string().optional(),
    })
    .optional(),
  /** Successive halving on the program's budget argument (docs/early-stopping.md). */
  budget: z
    .strictObject({
      min: z
        .number({ error: "give min, the smallest budget a trial runs at: a number > 0" })
        .gt(0, { message: "min must be > 0 (the smallest budget a trial runs at)" }),
      max: z
        .number({ error: "give max, the budget of a full run: a number >= min" })
        .gt(0, { message: "max must be > 0 (the budget of a full run)" }),
      eta: z
        .number()
        .int({ message: "eta must be a whole number (SMAC's eta), such as 3" })
        .min(2, { message: "eta must be >= 2: each rung keeps the best 1/eta" })
        .optional(),
    })
    .optional(),
  tracking_metrics: z
    .array(z.string().regex(/^[A-Za-z0-9_]+$/, "metric names use letters, digits and _ only"))
    .optional(),
  objectives: z
    .union([
      z.array(objectiveSchema).min(1),
      z.record(z.string(), z.enum(["min", "max"])).refine((r) => Object.keys(r).length > 0, {
        message: "no objectives; give at least one, e.g. {RESULT: min}, or leave the field out",
      }),
    ])
    .optional(),
  program: z.string(),
  program_style: z.enum(["omniopt", "smac"]).optional(),
  smac_instance: z.string().optional(),
  smac_seeds: z.enum(["per_trial", "campaign"]).optional(),
  instances: z
    .array(
      z.union([
        z.string().min(1),
        z.strictObject({ name: z.string().min(1), features: z.array(z.number()).optional() }),
      ]),
    )
    .min(1, { message: "an empty instance list; give at least one instance or leave it out" })
    .optional(),
  instance_order: z.enum(["round_robin", "random"]).optional(),
  crash_cost: z.union([z.number(), z.record(z.string(), z.number())]).optional(),
  max_eval: z.number().int().positive(),
  parallelism: z.number().int().positive().optional(),
  seed: z.number().int().nonnegative().optional(),
  worker_timeout: z.union([z.string(), z.number()]).optional(),
  executor: z.enum(["local", "slurm", "auto"]).optional(),
  strategy: z.union([z.string(), z.array(strategyNodeSchema).min(1)]).optional(),
  generate_all_jobs_at_once: z.boolean().optional(),
  max_failed_jobs: z.number().int().nonnegative().optional(),
  max_retries: z.number().int().nonnegative().optional(),
  revert_to_random_when_seemingly_exhausted: z.boolean().optional(),
  max_nr_of_zero_results: z.number().int().positive().optional(),
  n_estimators_randomforest: z.number().int().positive().max(1000).optional(),
  occ: z
    .strictObject({
      type: z.enum(["euclid", "geometric", "signed_harmonic", "minkowski", "weighted_euclidean"]),
      minkowski_p: z.number().positive().optional(),
      weights: z.array(z.number()).optional(),
    })
    .optional(),
  external_generator: externalGeneratorSchema.optional(),
  slurm: slurmSchema.optional(),
  ssh: sshSchema.optional(),
  /** Followed when the daemon drives the campaign (submit window, pause/continue, reports). */
  schedule: scheduleSchema.optional(),
});

export type RawSpec = z.infer<typeof specSchema>;
export type RawParameter = z.infer<typeof parameterSchema>;
