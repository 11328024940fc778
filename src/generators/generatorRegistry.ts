import { GeneratorError } from "../errors/errors.js";
import type { Campaign, ModelName, StrategyNode } from "../spec/campaign.js";
import type { Generator } from "./generator.js";
import { createGpGenerator } from "./gpGenerator.js";
import { createGridGenerator } from "./gridGenerator.js";
import { createRandomGenerator } from "./randomGenerator.js";
import { createSobolGenerator } from "./sobolGenerator.js";

/** Makes (and caches) the generator of each model a campaign's strategy uses. */
export function generatorFactory(_campaign: Campaign): (node: StrategyNode) => Generator {
  const cache = new Map<ModelName, Generator>();
  return (node) => {
    let g = cache.get(node.model);
    if (!g) {
      g = create(node.model);
      cache.set(node.model, g);
    }
    return g;
  };
}

function create(model: ModelName): Generator {
  switch (model) {
    case "sobol":
      return createSobolGenerator();
    case "random":
      return createRandomGenerator();
    case "grid":
      return createGridGenerator();
    case "gp":
      return createGpGenerator();
    case "tpe":
    case "external":
      throw new GeneratorError("GENERATOR_ERROR", `model ${model} is not available in this build`);
  }
}
