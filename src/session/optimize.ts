import { errorMessage } from "../errors/errors.js";
import type { CampaignSession } from "./campaignSession.js";
import type { BestTrial, Parameters, TrialResults } from "./publicTypes.js";

/** What an objective function returns: the objective's value, or means (and SEMs) by metric. */
export type Evaluation = number | TrialResults;

export interface OptimizeOptions {
  /** New trials to evaluate in this call (default: until the campaign's max_eval). */
  budget?: number;
  /** Evaluations running at once (default: the campaign's parallelism). */
  parallelism?: number;
}

/**
 * The managed loop: asks for trials, evaluates them with `fn` (up to `parallelism` at once),
 * tells each result as it arrives (a thrown error fails the trial), until `budget` trials are
 * done or the campaign has no more to give. Returns the best trial (single objective) or null.
 */
export async function optimize(
  session: CampaignSession,
  fn: (parameters: Parameters, index: number) => Promise<Evaluation> | Evaluation,
  options: OptimizeOptions = {},
): Promise<BestTrial | null> {
  const budget = options.budget ?? Infinity;
  const parallelism = options.parallelism ?? session.campaign.parallelism;
  const objective = session.campaign.objectives[0]!.name;
  const running = new Set<Promise<void>>();
  let started = 0;
  for (;;) {
    const want = Math.min(parallelism - running.size, budget - started);
    const asked = want > 0 ? await session.ask(want) : [];
    for (const t of asked) {
      started++;
      const p = (async () => {
        try {
          const r = await fn(t.parameters, t.index);
          session.tell(t.index, typeof r === "number" ? { values: { [objective]: r } } : r);
        } catch (e) {
          session.fail(t.index, errorMessage(e));
        }
      })().finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  return session.campaign.objectives.length === 1 ? session.best() : null;
}
