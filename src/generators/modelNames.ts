import { InputError } from "../errors/errors.js";
import type { ModelName, StrategyNode } from "../spec/campaign.js";

/**
 * Model names accepted in strategies and --model, case-insensitive. Every OmniOpt2 model name
 * has a meaning here (docs/strategies.md lists them); anything else is refused.
 */
const MODELS: Record<string, ModelName> = {
  SOBOL: "sobol",
  GP: "gp",
  BO: "gp",
  BOTORCH_MODULAR: "gp",
  SAASBO: "gp",
  BO_MIXED: "gp",
  RANDOM: "random",
  UNIFORM: "random",
  PSEUDORANDOM: "random",
  TPE: "tpe",
  RANDOMFOREST: "randomforest",
  FACTORIAL: "grid",
  GRID: "grid",
  EXTERNAL_GENERATOR: "external",
  EXTERNAL: "external",
};

export function modelFromName(name: string, where: string): ModelName {
  const key = name.trim().toUpperCase();
  const m = MODELS[key];
  if (m) return m;
  throw new InputError(
    "SPEC_INVALID",
    `${where}: unknown model "${name}"; use one of ${Object.keys(MODELS).join(", ")}`,
  );
}

/** A node with only a model: no transition criteria (runs until the end), no waiting. */
export function strategyNode(
  model: ModelName,
  label: string,
  settings: Partial<Omit<StrategyNode, "model" | "label">> = {},
): StrategyNode {
  return {
    model,
    label,
    trials: null,
    enforce: true,
    trialsWithData: null,
    minTrialsObserved: 0,
    maxParallelism: null,
    fill: false,
    autoTransition: false,
    skipIfSingleObjective: false,
    ...settings,
  };
}

/** Models that need results to propose (they wait for min_trials_observed by default). */
export function needsData(model: ModelName): boolean {
  return model === "gp" || model === "tpe" || model === "randomforest";
}

/**
 * Parses "SOBOL=10,GP=30,TPE": MODEL=COUNT generates COUNT trials (Ax's num_trials); a node
 * without a count runs until the end. Waiting for data is set by the caller (withDataDefaults).
 */
export function parseStrategyText(text: string, where: string): StrategyNode[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0)
    throw new InputError("SPEC_INVALID", `${where}: empty strategy; write e.g. "SOBOL=10,GP"`);
  return parts.map((part) => {
    const m = /^([A-Za-z_]+)\s*(?:=\s*(\S+))?$/.exec(part);
    if (!m)
      throw new InputError(
        "SPEC_INVALID",
        `${where}: cannot read "${part}"; write MODEL=COUNT such as SOBOL=10`,
      );
    const count = m[2] === undefined ? null : Number(m[2]);
    if (count !== null && !(Number.isInteger(count) && count > 0))
      throw new InputError(
        "SPEC_INVALID",
        `${where}: "${part}" needs a positive whole number of trials, got "${m[2]}"`,
      );
    return strategyNode(modelFromName(m[1]!, where), m[1]!.toUpperCase(), { trials: count });
  });
}

/**
 * Like Ax's choose_generation_strategy: Sobol for max(5, 2*d) trials, but never more than a
 * fifth of max_eval (at least 1), then the given model (GP by default), which waits until half
 * of the Sobol trials (rounded up) have results.
 */
export function defaultStrategy(
  freeDims: number,
  maxEval: number,
  model: ModelName = "gp",
  label = "GP",
): StrategyNode[] {
  const sobol = Math.max(1, Math.min(Math.max(5, 2 * freeDims), Math.floor(maxEval / 5)));
  return [
    strategyNode("sobol", "SOBOL", { trials: sobol }),
    strategyNode(model, label, { minTrialsObserved: needsData(model) ? Math.ceil(sobol / 2) : 0 }),
  ];
}
