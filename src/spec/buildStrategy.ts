import { z } from "zod";
import { InputError } from "../errors/errors.js";
import {
  defaultStrategy,
  modelFromName,
  needsData,
  parseStrategyText,
  strategyNode,
} from "../generators/modelNames.js";
import type { Warnings } from "./buildParameters.js";
import type { StrategyNode } from "./campaign.js";
import type { RawSpec, strategyNodeSchema } from "./specSchema.js";

type RawNode = z.infer<typeof strategyNodeSchema>;

export interface StrategyOptions {
  warnings: Warnings;
  /** Model used after the Sobol phase when no strategy is given (from --model). */
  defaultModel?: string | undefined;
  /** Sobol trials before the model (from --num_random_steps). */
  numRandomSteps?: number | undefined;
  /** The strategy text came from OmniOpt2's --generation_strategy (counts on every node). */
  omniopt2Strategy?: boolean | undefined;
}

/**
 * The campaign's strategy (Ax's semantics, docs/strategies.md) and its max_eval, which an
 * OmniOpt2 --generation_strategy whose counts sum past it raises, as OmniOpt2 does.
 */
export function buildStrategy(
  raw: RawSpec,
  dims: number,
  options: StrategyOptions,
): { strategy: StrategyNode[]; maxEval: number } {
  let maxEval = raw.max_eval;
  let nodes: StrategyNode[];
  if (raw.strategy !== undefined) {
    const ignored = [
      options.defaultModel !== undefined ? `--model ${options.defaultModel}` : null,
      options.numRandomSteps !== undefined ? `--num_random_steps ${options.numRandomSteps}` : null,
    ].filter((x) => x !== null);
    if (ignored.length > 0)
      options.warnings.warn(
        `${ignored.join(" and ")} ignored: the strategy (field "strategy" or --strategy) decides the models and their trial counts; drop one of the two`,
      );
  }
  if (typeof raw.strategy === "string") {
    const where = options.omniopt2Strategy ? "--generation_strategy" : 'field "strategy"';
    // min_trials_observed unset (-1): withDataDefaults fills it in.
    nodes = parseStrategyText(raw.strategy, where).map((n) => ({ ...n, minTrialsObserved: -1 }));
    if (options.omniopt2Strategy) {
      const r = omniopt2Counts(nodes, maxEval, options.warnings);
      nodes = r.nodes;
      maxEval = r.maxEval;
    }
  } else if (Array.isArray(raw.strategy)) {
    nodes = raw.strategy.map((n, i) => nodeFromList(n, `strategy[${i}]`));
  } else nodes = automaticStrategy(dims, maxEval, options);
  const where = Array.isArray(raw.strategy) ? 'field "strategy"' : "strategy";
  checkEnds(nodes, where);
  return { strategy: withDataDefaults(nodes, where), maxEval };
}

function automaticStrategy(
  dims: number,
  maxEval: number,
  options: StrategyOptions,
): StrategyNode[] {
  const label = (options.defaultModel ?? "GP").toUpperCase();
  const model = modelFromName(label, "--model");
  const steps = options.numRandomSteps;
  // A random model needs no Sobol phase, but OmniOpt2 runs --num_random_steps Sobol trials
  // before it when they are asked for (its multi_results test counts one SOBOL row for UNIFORM).
  if (model === "sobol" || model === "grid" || (model === "random" && steps === undefined))
    return [strategyNode(model, label)];
  if (steps === undefined) return defaultStrategy(dims, maxEval, model, label);
  if (steps === 0) return [strategyNode(model, label)];
  return [
    strategyNode("sobol", "SOBOL", { trials: steps }),
    strategyNode(model, label, { minTrialsObserved: needsData(model) ? Math.ceil(steps / 2) : 0 }),
  ];
}

/**
 * OmniOpt2 (setup_custom_generation_strategy in its .omniopt.py) gives every node a count and,
 * when the counts sum past --max_eval, raises max_eval to the sum with a warning. Here the last
 * node then runs until that max_eval; a last count that ends earlier than --max_eval is dropped
 * with a warning (the campaign still runs max_eval trials).
 */
function omniopt2Counts(
  nodes: StrategyNode[],
  maxEval: number,
  warnings: Warnings,
): { nodes: StrategyNode[]; maxEval: number } {
  const last = nodes[nodes.length - 1]!;
  if (last.trials === null) return { nodes, maxEval };
  const sum = nodes.reduce((a, n) => a + (n.trials ?? 0), 0);
  if (sum > maxEval) {
    warnings.warn(
      `--generation_strategy has ${sum} trials, more than --max_eval ${maxEval}: max_eval becomes ${sum} (as in OmniOpt2)`,
    );
    maxEval = sum;
  } else if (sum < maxEval)
    warnings.warn(
      `--generation_strategy has ${sum} trials, fewer than --max_eval ${maxEval}: its last node (${last.label}) runs until max_eval`,
    );
  return { nodes: [...nodes.slice(0, -1), { ...last, trials: null }], maxEval };
}

function nodeFromList(n: RawNode, where: string): StrategyNode {
  const model = modelFromName(n.model, `field "${where}.model"`);
  const node = {
    ...strategyNode(model, n.model.toUpperCase()),
    trials: n.trials ?? null,
    enforce: n.enforce ?? true,
    maxParallelism: n.max_parallelism ?? null,
    fill: n.fill ?? false,
  };
  const twice = (what: string): InputError =>
    new InputError(
      "SPEC_INVALID",
      `field "${where}": ${what} is given twice (a key and a transition criterion, or two criteria); keep one`,
    );
  for (const c of n.transition_criteria ?? []) {
    const name = typeof c === "string" ? c : c.criterion;
    if (name === "AutoTransitionAfterGen") node.autoTransition = true;
    else if (name === "IsSingleObjective") node.skipIfSingleObjective = true;
    else if (typeof c === "string") continue;
    else if (c.criterion === "MaxGenerationParallelism") {
      if (node.maxParallelism !== null) throw twice("max_parallelism");
      node.maxParallelism = c.threshold;
    } else if (c.criterion === "MinTrials" && c.count_only_trials_with_data === true) {
      if (node.trialsWithData !== null) throw twice("MinTrials with count_only_trials_with_data");
      node.trialsWithData = c.threshold;
    } else if (c.criterion === "MinTrials" || c.criterion === "MaxTrials") {
      if (node.trials !== null)
        throw twice("the node's trial count (trials, MinTrials, MaxTrials)");
      node.trials = c.threshold;
      // MinTrials does not stop generation (Ax's block_gen_if_met false); MaxTrials does.
      node.enforce = c.criterion === "MaxTrials" && n.enforce !== false;
    }
  }
  return { ...node, minTrialsObserved: n.min_trials_observed ?? -1 };
}

function hasCriterion(n: StrategyNode): boolean {
  return n.trials !== null || n.trialsWithData !== null || n.autoTransition;
}

/** Every node but the last hands over somehow; the last runs until max_eval. */
function checkEnds(nodes: readonly StrategyNode[], where: string): void {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    if (!last && !hasCriterion(n))
      throw new InputError(
        "SPEC_INVALID",
        `${where}: node ${i + 1} (${n.label}) has no trial count, so the nodes after it would never run; give it a count (e.g. ${n.label}=10) or make it the last node`,
      );
    if (last && nodes.length > 1 && (hasCriterion(n) || n.skipIfSingleObjective))
      throw new InputError(
        "SPEC_INVALID",
        `${where}: the last node (${n.label}) has a trial count or transition criterion, but the last node runs until max_eval; drop it (or add a node after it)`,
      );
  });
}

/**
 * min_trials_observed defaults: half of the earlier nodes' trials, rounded up, for models that
 * need data (GP, TPE; Ax's choose_generation_strategy); 0 for the others. A count that the
 * earlier nodes can never reach is refused.
 */
function withDataDefaults(nodes: StrategyNode[], where: string): StrategyNode[] {
  let before = 0;
  let canGrow = false;
  return nodes.map((n, i) => {
    const earlier = before;
    const earlierCanGrow = canGrow;
    before += n.trials ?? n.trialsWithData ?? (n.autoTransition ? 1 : 0);
    canGrow ||= !n.enforce || n.trials === null;
    if (n.minTrialsObserved >= 0) {
      if (n.minTrialsObserved > earlier && !earlierCanGrow && !n.fill)
        throw new InputError(
          "SPEC_INVALID",
          `${where}: node ${i + 1} (${n.label}) waits for ${n.minTrialsObserved} results, but the nodes before it generate ${earlier} trials; lower min_trials_observed, or set "fill: true"`,
        );
      return n;
    }
    return { ...n, minTrialsObserved: needsData(n.model) ? Math.ceil(earlier / 2) : 0 };
  });
}
