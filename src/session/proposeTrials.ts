import { StateError } from "../errors/errors.js";
import type { Generator } from "../generators/generator.js";
import { strategyNode } from "../generators/modelNames.js";
import { buildGeneratorInput } from "../engine/generatorInput.js";
import { checkProposedPoints, proposePoints, type ProposedPoint } from "../engine/proposePoints.js";
import { planFromCounts, type NodeChoice } from "../engine/strategyState.js";
import type { TrialCache, TrialView } from "../engine/trialCache.js";
import type { Campaign, StrategyNode } from "../spec/campaign.js";
import type { ConstraintSet } from "../space/constraints.js";
import type { SearchSpace } from "../space/searchSpace.js";
import type { Db } from "../store/openStore.js";
import { lastTrialIndex } from "../store/serviceTrials.js";
import { planCampaignSlots, trialBudgetOf } from "../budgets/budgetSlots.js";
import type { BudgetSlot } from "../budgets/promotionPlan.js";
import { successiveHalvingRungs } from "../budgets/rungs.js";
import { trainingObservations } from "../budgets/modelData.js";
import type { Point } from "../space/parameters.js";

/** node_position of attached, imported and promoted trials: no strategy node counts them as its own. */
export const NO_NODE = -1;
/** The generation node of a configuration promoted to a higher budget (successive halving). */
export const PROMOTED_NODE = "PROMOTED";

/** A proposed point's strategy node position: none for a promotion (its parent's node counted it). */
export function nodePositionOf(p: ProposedPoint, choice: NodeChoice): number {
  return p.budget?.parentIndex != null ? NO_NODE : choice.position;
}

/** The generation node a proposed point is stored with. */
export function nodeLabelOf(p: ProposedPoint, choice: NodeChoice): string {
  return p.budget?.parentIndex != null ? PROMOTED_NODE : choice.node.label;
}

/** Everything a proposal needs about one campaign. */
export interface ProposalContext {
  db: Db;
  campaignId: number;
  campaign: Campaign;
  dir: string;
  space: SearchSpace;
  constraints: ConstraintSet;
  trials: TrialCache;
  generatorFor: (node: StrategyNode) => Generator;
}

export interface Proposal {
  points: ProposedPoint[];
  choice: NodeChoice;
  warnings: string[];
  /** Milliseconds per point. */
  msPerPoint: number;
}

/**
 * How many trials may be asked for now: free slots of the parallelism, and the budget.
 * `queuedAhead` counts trials queued behind running Slurm jobs (held and new), which take no
 * slot until their job ends.
 */
export function freeSlots(campaign: Campaign, view: TrialView, queuedAhead = 0): number {
  const c = view.counts;
  const active = c.PROPOSED + c.SUBMITTED + c.RUNNING;
  return Math.max(
    0,
    Math.min(campaign.parallelism + queuedAhead - active, campaign.maxEval - view.total),
  );
}

/** Tries made when other processes keep adding trials while this one proposes. */
const MAX_ROUNDS = 50;

/**
 * Proposes up to n points from the current strategy node (after `limit` has its say over the
 * trials as they stand) and stores them with `store`, in ONE immediate transaction that first
 * checks that no trial was added since the proposal read the trials. When one was (another
 * process asked or attached meanwhile), the proposal is made again with it as a pending point:
 * two processes asking at the same instant never get the same point, and never exceed the
 * budget or the parallelism.
 */
export async function proposeAndStore<T>(
  ctx: ProposalContext,
  options: {
    limit: (view: TrialView) => number;
    signal?: AbortSignal;
    store: (proposal: Proposal, firstIndex: number) => T[];
  },
): Promise<{ stored: T[]; proposal: Proposal | null; waiting: string | null }> {
  const { campaign } = ctx;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const view = ctx.trials.refresh();
    const seenLast = view.lastIndex;
    const free = options.limit(view);
    if (free <= 0) return { stored: [], proposal: null, waiting: null };
    // With budgets, promotions come first; the strategy's generator proposes the new
    // configurations of the bottom rung.
    const budget = campaign.budget ?? null;
    const slots = budget
      ? planCampaignSlots(
          ctx.db,
          ctx.campaignId,
          budget,
          campaign,
          free,
          campaign.maxEval - view.total,
        )
      : null;
    const promotions = slots ? promotedPoints(slots, successiveHalvingRungs(budget!)) : [];
    const newSlots = slots ? slots.filter((x) => x.kind === "new") : null;
    // A node waiting for data (or at its max_parallelism) leaves the slots free.
    const plan = planFromCounts(
      campaign.strategy,
      view.nodes,
      newSlots ? newSlots.length : free,
      campaign.objectives.length === 1,
      view.outside.withData,
    );
    const { choice, count: n } = plan;
    if (n <= 0 && promotions.length === 0)
      return { stored: [], proposal: null, waiting: plan.waiting };
    const built = buildGeneratorInput({
      view,
      space: ctx.space,
      constraints: ctx.constraints,
      objectives: campaign.objectives,
      outcomeConstraints: campaign.outcomeConstraints,
      seed: campaign.seed,
      proposedByNode: choice.proposedByNode,
      campaignDir: ctx.dir,
    });
    // With budgets the model trains on one budget's results (budgets/modelData.ts).
    const input = budget
      ? {
          ...built,
          completed: trainingObservations(view.completed, view.completedBudgets, ctx.space.dim),
        }
      : built;
    const started = performance.now();
    const result =
      n <= 0
        ? { points: [], warnings: [] }
        : await proposePoints({
            generator: ctx.generatorFor(choice.node),
            fallback: campaign.revertToRandomWhenExhausted
              ? ctx.generatorFor(strategyNode("random", "RANDOM"))
              : null,
            input: options.signal ? { ...input, signal: options.signal } : input,
            n,
            existingKeys: view.keys,
            // An external generator may be allowed to ask for a point again (on_duplicate: accept).
            allowDuplicates:
              choice.node.model === "external" &&
              campaign.externalGenerator?.onDuplicate === "accept",
          });
    checkProposedPoints(result.points, ctx.space, ctx.constraints);
    const rungs = budget ? successiveHalvingRungs(budget) : [];
    const generated = newSlots
      ? result.points.map((p, k) => ({ ...p, budget: trialBudgetOf(newSlots[k]!, rungs) }))
      : result.points;
    const points = [...promotions, ...generated];
    const proposal: Proposal = {
      points,
      choice,
      warnings: result.warnings,
      msPerPoint: (performance.now() - started) / Math.max(1, result.points.length),
    };
    if (points.length === 0) return { stored: [], proposal, waiting: null };
    const stored = ctx.db
      .transaction((): T[] | null =>
        lastTrialIndex(ctx.db, ctx.campaignId) === seenLast
          ? options.store(proposal, seenLast + 1)
          : null,
      )
      .immediate();
    if (stored !== null) return { stored, proposal, waiting: null };
  }
  throw new StateError(
    "CAMPAIGN_LOCKED",
    `other processes kept adding trials to ${ctx.dir} while this one proposed (${MAX_ROUNDS} tries); ask again`,
  );
}

/** The promotions among the slots, as points that run their parent's configuration again. */
function promotedPoints(
  slots: readonly BudgetSlot[],
  rungs: ReturnType<typeof successiveHalvingRungs>,
): ProposedPoint[] {
  return slots.flatMap((slot) =>
    slot.kind === "promotion"
      ? [
          {
            point: JSON.parse(slot.paramsJson) as Point,
            generator: "successive_halving",
            budget: trialBudgetOf(slot, rungs),
          },
        ]
      : [],
  );
}
