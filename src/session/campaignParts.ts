import { needsHistory } from "../engine/generatorInput.js";
import { TrialCache } from "../engine/trialCache.js";
import type { Generator } from "../generators/generator.js";
import { generatorFactory } from "../generators/generatorRegistry.js";
import type { Campaign, StrategyNode } from "../spec/campaign.js";
import { ConstraintSet } from "../space/constraints.js";
import { SearchSpace } from "../space/searchSpace.js";
import type { Db } from "../store/openStore.js";

/**
 * What a session derives from its campaign: the search space, the constraints, a generator
 * per strategy node and the view of the stored trials. Built anew when the campaign changes
 * (the space, the objectives or the strategy may differ).
 */
export interface CampaignParts {
  space: SearchSpace;
  constraints: ConstraintSet;
  generatorFor: (node: StrategyNode) => Generator;
  cache: TrialCache;
}

export function campaignParts(
  db: Db,
  campaignId: number,
  campaign: Campaign,
  warn: (message: string) => void,
): CampaignParts {
  const space = new SearchSpace(campaign.parameters);
  return {
    space,
    constraints: new ConstraintSet(campaign.constraints, space, campaign.forbidden),
    generatorFor: generatorFactory(campaign, { warn }),
    cache: new TrialCache(db, campaignId, {
      space,
      objectives: campaign.objectives,
      nodes: campaign.strategy.length,
      keepHistory: needsHistory(campaign.strategy.map((n) => n.model)),
      crashCost: campaign.crashCost,
    }),
  };
}
