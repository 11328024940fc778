import { GeneratorError } from "../errors/errors.js";
import type { Campaign, ModelName, StrategyNode } from "../spec/campaign.js";
import { createExternalGenerator } from "./external/externalGenerator.js";
import type { Generator } from "./generator.js";
import { createGpGenerator } from "./gpGenerator.js";
import { createGridGenerator } from "./gridGenerator.js";
import { createRandomForestGenerator } from "./randomForestGenerator.js";
import { createRandomGenerator } from "./randomGenerator.js";
import { createSobolGenerator } from "./sobolGenerator.js";
import { createTpeGenerator } from "./tpeGenerator.js";

export interface GeneratorHooks {
  /** Receives generator warnings (the external generator falling back to Sobol); default: stderr. */
  readonly warn?: (message: string) => void;
}

/** Makes (and caches) the generator of each model a campaign's strategy uses. */
export function generatorFactory(
  campaign: Campaign,
  hooks: GeneratorHooks = {},
): (node: StrategyNode) => Generator {
  const cache = new Map<ModelName, Generator>();
  return (node) => {
    let g = cache.get(node.model);
    if (!g) {
      g = create(node.model, campaign, hooks);
      cache.set(node.model, g);
    }
    return g;
  };
}

function create(model: ModelName, campaign: Campaign, hooks: GeneratorHooks): Generator {
  switch (model) {
    case "external": {
      const settings = campaign.externalGenerator;
      if (!settings)
        throw new GeneratorError(
          "GENERATOR_ERROR",
          `model EXTERNAL_GENERATOR needs "external_generator.command" (--external_generator)`,
        );
      return createExternalGenerator({
        settings,
        workdir: campaign.workdir,
        warn: hooks.warn ?? ((m) => process.stderr.write(`slurmopt: warning: ${m}\n`)),
      });
    }
    case "sobol":
      return createSobolGenerator();
    case "random":
      return createRandomGenerator();
    case "grid":
      return createGridGenerator();
    case "gp":
      return createGpGenerator();
    case "randomforest":
      return createRandomForestGenerator({ trees: campaign.randomForestTrees });
    case "tpe":
      // After another node (Sobol), TPE models the data it finds instead of waiting for its
      // own 10 random start-up trials.
      return createTpeGenerator(
        campaign.strategy.findIndex((n) => n.model === "tpe") > 0 ? { startupTrials: 1 } : {},
      );
  }
}
