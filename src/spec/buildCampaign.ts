import { randomInt } from "node:crypto";
import { OO_INFO_PREFIX, RESULTS_FIXED_COLUMNS } from "../report/resultsTable.js";
import { resolve } from "node:path";
import { InputError } from "../errors/errors.js";
import { validateCommandTemplate } from "../evaluate/commandTemplate.js";
import { splitProgram, validateSmacParameters } from "../evaluate/smacTarget.js";
import type { Objective } from "../generators/generator.js";
import { checkConstraintsFeasible } from "../space/constraintFeasibility.js";
import { ConstraintSet } from "../space/constraints.js";
import { SearchSpace } from "../space/searchSpace.js";
import { buildParameters, normalizeParameterList, type Warnings } from "./buildParameters.js";
import type { Campaign, OccSettings, SlurmSettings } from "./campaign.js";
import { buildStrategy } from "./buildStrategy.js";
import { buildMetrics, buildObjectiveThresholds } from "./buildMetrics.js";
import { OCC_OBJECTIVE } from "./campaign.js";
import { decodeMaybeBase64 } from "./decodeMaybeBase64.js";
import { parseDuration } from "./duration.js";
import type { RawSpec } from "./specSchema.js";
import { specSchema } from "./specSchema.js";
import { buildEarlyStopping } from "./buildEarlyStopping.js";
import { budgetParameter, buildBudget } from "./buildBudget.js";
import { buildSshSettings } from "./buildSshSettings.js";
import { buildCrashCost, buildSmacRuns } from "./buildSmacRuns.js";
import { importConfigSpace } from "./configSpaceImport.js";
import { toScheduleSettings } from "./scheduleSchema.js";
import { formatZodIssues } from "./zodMessages.js";

export const CAMPAIGN_NAME = /^[A-Za-z0-9._-]+$/;

export interface BuildOptions {
  /** Where relative paths (run_dir, workdir) are resolved: the directory `slurmopt run` started in. */
  cwd: string;
  warnings: Warnings;
  /** Model used after the Sobol phase when no strategy is given (from --model). */
  defaultModel?: string;
  /** Sobol trials before the model (from --num_random_steps). */
  numRandomSteps?: number;
  /** The strategy text came from OmniOpt2's --generation_strategy (counts on every node). */
  omniopt2Strategy?: boolean;
}

/**
 * A spec with `configspace: file.json` gets its parameters and forbidden clauses from that
 * ConfigSpace file (and may not list parameters itself).
 */
function withConfigSpace(input: unknown, options: BuildOptions): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const spec = input as Record<string, unknown>;
  if (typeof spec.configspace !== "string") return input;
  if (spec.parameters !== undefined)
    throw new InputError(
      "SPEC_INVALID",
      `field "configspace" gives the parameters; remove "parameters" (or --parameter) or the ConfigSpace file`,
    );
  const imported = importConfigSpace(spec.configspace, options.cwd, options.warnings);
  const forbidden = Array.isArray(spec.forbidden) ? (spec.forbidden as unknown[]) : [];
  return {
    ...spec,
    parameters: imported.parameters,
    ...(forbidden.length + imported.forbidden.length > 0
      ? { forbidden: [...forbidden, ...imported.forbidden] }
      : {}),
  };
}

/** A campaign name becomes a folder (255 bytes at most) and the start of every job name. */
export const MAX_NAME_LENGTH = 100;

/**
 * Parameter and result names become columns of results.csv next to its fixed columns: a name
 * that repeats one (a parameter "RESULT", a result "hostname") would give two columns of one
 * name, and readers would see the wrong one. Refused, as OmniOpt2 refuses them.
 */
function checkColumnNames(parameterNames: readonly string[], resultNames: readonly string[]): void {
  const fixed = new Set(RESULTS_FIXED_COLUMNS.map((c) => c.toLowerCase()));
  const results = new Set(resultNames);
  for (const [kind, names] of [
    ["parameter", parameterNames],
    ["result", resultNames],
  ] as const)
    for (const name of names) {
      if (fixed.has(name.toLowerCase()) || name.startsWith(OO_INFO_PREFIX))
        throw new InputError(
          "SPEC_INVALID",
          `${kind} "${name}" has the name of a results.csv column (${RESULTS_FIXED_COLUMNS.join(", ")}, ${OO_INFO_PREFIX}*); rename the ${kind}`,
        );
      if (kind === "parameter" && results.has(name))
        throw new InputError(
          "SPEC_INVALID",
          `parameter "${name}" has the name of a result; results.csv would hold two columns "${name}": rename the parameter`,
        );
    }
}

/** Validates a raw spec object once, at the edge, and resolves it into a Campaign. */
export function buildCampaign(input: unknown, options: BuildOptions): Campaign {
  const parsed = specSchema.safeParse(withConfigSpace(input, options));
  if (!parsed.success) throw new InputError("SPEC_INVALID", formatZodIssues(parsed.error.issues));
  const raw: RawSpec = parsed.data;
  if (raw.name.length > MAX_NAME_LENGTH)
    throw new InputError(
      "SPEC_INVALID",
      `field "name": ${raw.name.length} characters is too long; it becomes a folder and part of every job name: use at most ${MAX_NAME_LENGTH}`,
    );
  if (!CAMPAIGN_NAME.test(raw.name) || raw.name === "." || raw.name === "..")
    throw new InputError(
      "SPEC_INVALID",
      `field "name": "${raw.name}" becomes a folder and a job name; use letters, digits and ._- only`,
    );
  const parameters = buildParameters(normalizeParameterList(raw.parameters), options.warnings);
  const space = new SearchSpace(parameters);
  if (space.dim === 0 && raw.max_eval > 1)
    options.warnings.warn(
      `every parameter is fixed: the search space has a single point, evaluated once (max_eval ${raw.max_eval} is not reached); give a range or choice parameter to search`,
    );
  const constraints = raw.constraints ?? [];
  const forbidden = raw.forbidden ?? [];
  // Names, types and grammar; then whether the linear ones leave any point (an LP).
  checkConstraintsFeasible(new ConstraintSet(constraints, space, forbidden).all, space);
  const results = buildObjectives(raw.objectives);
  const occ = buildOcc(raw.occ, results);
  const objectives = occ ? [{ name: OCC_OBJECTIVE, goal: occGoal(results) }] : results;
  checkColumnNames(
    parameters.map((p) => p.name),
    [...(occ ? results : []), ...objectives].map((o) => o.name),
  );
  const budget = buildBudget(raw.budget, objectives, parameters);
  if ((raw.program_style ?? "omniopt") === "omniopt") {
    // With budgets, %(budget) is a placeholder like a parameter's.
    const withBudget = budget ? [...parameters, budgetParameter(budget)] : parameters;
    const checked = validateCommandTemplate(raw.program, withBudget, 'field "program"');
    for (const w of checked.warnings) options.warnings.warn(w);
  } else {
    splitProgram(raw.program, 'field "program"');
    validateSmacParameters(
      parameters.map((p) => p.name),
      'field "parameters"',
    );
  }
  const smacRuns = buildSmacRuns(raw);
  const crashCost = buildCrashCost(raw.crash_cost, objectives);
  const { strategy, maxEval } = buildStrategy(raw, space.dim, options);
  if (
    raw.n_estimators_randomforest !== undefined &&
    !strategy.some((n) => n.model === "randomforest")
  )
    options.warnings.warn(
      `"n_estimators_randomforest" (--n_estimators_randomforest) has no effect without a RANDOMFOREST node; use --model RANDOMFOREST or a strategy such as "SOBOL=10,RANDOMFOREST"`,
    );
  const { outcomeConstraints, trackingMetrics } = buildMetrics(raw, [
    ...results.map((r) => r.name),
    ...objectives.map((o) => o.name),
  ]);
  const usesExternal = strategy.some((n) => n.model === "external");
  if (usesExternal && !raw.external_generator)
    throw new InputError(
      "SPEC_INVALID",
      `field "strategy": an EXTERNAL_GENERATOR node needs "external_generator.command" (or --external_generator)`,
    );
  if (!usesExternal && raw.external_generator)
    options.warnings.warn(
      `"external_generator" is set, but no strategy node uses it; use --model EXTERNAL_GENERATOR or a strategy such as "SOBOL=5,EXTERNAL_GENERATOR"`,
    );
  const workerTimeoutSeconds =
    raw.worker_timeout === undefined
      ? null
      : parseDuration(raw.worker_timeout, 'field "worker_timeout"', "m");
  const ext = raw.external_generator;
  return {
    name: raw.name,
    runDir: resolve(options.cwd, raw.run_dir ?? "runs"),
    workdir: resolve(options.cwd, raw.workdir ?? "."),
    parameters,
    constraints,
    ...(forbidden.length > 0 ? { forbidden } : {}),
    objectives,
    outcomeConstraints,
    trackingMetrics,
    objectiveThresholds: buildObjectiveThresholds(raw.objective_thresholds ?? [], objectives),
    stopWhen: raw.stop_when
      ? {
          // Ax's defaults (window_size 5, min_trials 5, improvement_bar 0.1)
          noImprovementIn: raw.stop_when.no_improvement_in ?? 5,
          minTrials: raw.stop_when.min_trials ?? 5,
          tolerance: raw.stop_when.tolerance ?? 0.1,
        }
      : null,
    earlyStopping: buildEarlyStopping(raw.early_stopping, objectives),
    ...(budget !== null ? { budget } : {}),
    program: raw.program,
    programStyle: raw.program_style ?? "omniopt",
    smacInstance: raw.smac_instance ?? null,
    ...(smacRuns !== undefined ? { smacRuns } : {}),
    ...(crashCost !== undefined ? { crashCost } : {}),
    maxEval,
    parallelism: raw.parallelism ?? 1,
    seed: raw.seed ?? randomInt(0, 2 ** 31 - 1),
    workerTimeoutSeconds,
    executor: raw.executor ?? "auto",
    strategy,
    randomForestTrees: raw.n_estimators_randomforest ?? 10,
    generateAllJobsAtOnce: raw.generate_all_jobs_at_once ?? false,
    maxFailedJobs: raw.max_failed_jobs ?? null,
    maxRetries: raw.max_retries ?? raw.slurm?.max_retries ?? 2,
    revertToRandomWhenExhausted: raw.revert_to_random_when_seemingly_exhausted ?? false,
    maxZeroResults: raw.max_nr_of_zero_results ?? 50,
    occ,
    externalGenerator: ext
      ? {
          command: externalCommand(ext.command),
          timeoutSeconds:
            ext.timeout === undefined
              ? 600
              : parseDuration(ext.timeout, 'field "external_generator.timeout"', "s"),
          maxRetries: ext.max_retries ?? 3,
          onFailure: ext.on_failure ?? "fallback",
          onDuplicate: ext.on_duplicate ?? "reject",
        }
      : null,
    slurm: buildSlurm(raw, workerTimeoutSeconds),
    ssh: raw.ssh ? buildSshSettings(raw.ssh, options.cwd) : null,
    ...(raw.schedule ? { schedule: toScheduleSettings(raw.schedule) } : {}),
  };
}

function buildObjectives(raw: RawSpec["objectives"]): Objective[] {
  if (raw === undefined) return [{ name: "RESULT", goal: "min" }];
  const list = Array.isArray(raw)
    ? raw
    : Object.entries(raw).map(([name, goal]) => ({ name, goal }));
  const seen = new Set<string>();
  for (const o of list) {
    if (!/^[A-Za-z0-9_]+$/.test(o.name))
      throw new InputError(
        "SPEC_INVALID",
        `field "objectives": "${o.name}" must use letters, digits and _ only`,
      );
    if (seen.has(o.name))
      throw new InputError("SPEC_INVALID", `field "objectives": "${o.name}" is listed twice`);
    seen.add(o.name);
  }
  return list;
}

/** OCC settings with one weight per result; null without `occ`. */
function buildOcc(raw: RawSpec["occ"], results: readonly Objective[]): OccSettings | null {
  if (raw === undefined) return null;
  if (results.some((o) => o.name === OCC_OBJECTIVE))
    throw new InputError(
      "SPEC_INVALID",
      `field "objectives": with "occ" the combined objective is named ${OCC_OBJECTIVE}; rename the result ${OCC_OBJECTIVE}`,
    );
  const n = results.length;
  let weights: number[] = new Array<number>(n).fill(1);
  if (raw.weights !== undefined && raw.weights.length > 0) {
    if (raw.type !== "weighted_euclidean")
      throw new InputError(
        "SPEC_INVALID",
        `field "occ.weights" (--signed_weighted_euclidean_weights) is used by occ type weighted_euclidean only, not ${raw.type}`,
      );
    if (raw.weights.length !== n)
      throw new InputError(
        "SPEC_INVALID",
        `field "occ.weights": ${raw.weights.length} weight(s) for ${n} result(s) (${results.map((o) => o.name).join(", ")}); give one weight per result, in result order`,
      );
    if (raw.weights.some((w) => !(w >= 0) || !Number.isFinite(w)))
      throw new InputError(
        "SPEC_INVALID",
        `field "occ.weights": weights must be finite and >= 0, got ${raw.weights.join(", ")}`,
      );
    weights = [...raw.weights];
  }
  if (raw.minkowski_p !== undefined && raw.type !== "minkowski")
    throw new InputError(
      "SPEC_INVALID",
      `field "occ.minkowski_p" (--minkowski_p) is used by occ type minkowski only, not ${raw.type}`,
    );
  return { type: raw.type, minkowskiP: raw.minkowski_p ?? 2, weights, results };
}

/** The goal of the combined objective: that of every result (mixed goals cannot be combined). */
function occGoal(results: readonly Objective[]): "min" | "max" {
  const goals = new Set(results.map((o) => o.goal));
  if (goals.size > 1)
    throw new InputError(
      "SPEC_INVALID",
      `field "occ": the results ${results.map((o) => `${o.name}=${o.goal}`).join(" ")} mix min and max; OCC combines their magnitudes, so all must share one goal (print the negated value of a result to flip its goal)`,
    );
  return results[0]!.goal;
}

/** The external generator's command: base64 or plain text, not empty. */
function externalCommand(text: string): string {
  const command = decodeMaybeBase64(text).trim();
  if (command === "")
    throw new InputError(
      "SPEC_INVALID",
      `field "external_generator.command" (--external_generator) is empty; give the program to call, e.g. "python3 my_generator.py"`,
    );
  return command;
}

function seconds(v: string | number | undefined, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  return parseDuration(v, field, "s");
}

function buildSlurm(raw: RawSpec, workerTimeoutSeconds: number | null): SlurmSettings {
  const s = raw.slurm ?? {};
  const time =
    s.time !== undefined ? parseDuration(s.time, 'field "slurm.time"', "m") : workerTimeoutSeconds;
  return {
    partition: s.partition ?? null,
    timeSeconds: time,
    mem: s.mem ?? (s.mem_gb !== undefined ? `${Math.ceil(s.mem_gb * 1024)}M` : null),
    cpusPerTask: s.cpus_per_task ?? 1,
    nodes: s.nodes_per_job ?? 1,
    gpus: s.gpus ?? 0,
    account: s.account ?? null,
    reservation: s.reservation ?? null,
    qos: s.qos ?? null,
    exclude: s.exclude ?? null,
    constraint: s.constraint ?? null,
    extraDirectives: s.extra_directives ?? [],
    setup: s.setup ?? [],
    signal: s.signal ?? "USR1",
    signalDelaySeconds: s.slurm_signal_delay_s ?? 0,
    template: s.template ?? null,
    arrayTemplate: s.array_template ?? null,
    maxArraySize: s.max_array_size ?? 1000,
    submitAhead: s.submit_ahead ?? "auto",
    pollIntervalSeconds: seconds(s.poll_interval, 'field "slurm.poll_interval"', 5),
    maxPollIntervalSeconds: seconds(s.max_poll_interval, 'field "slurm.max_poll_interval"', 60),
    maxRetries: s.max_retries ?? raw.max_retries ?? 2,
    outputGraceSeconds: seconds(s.output_grace, 'field "slurm.output_grace"', 30),
  };
}
