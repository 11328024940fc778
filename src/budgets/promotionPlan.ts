/**
 * Which trials the free slots of a campaign with budgets get: SMAC's successive halving, run
 * synchronously inside each bracket and asynchronously across brackets (docs/early-stopping.md).
 *
 * A bracket runs `configurations` new configurations at the bottom rung; once every trial of a
 * rung has ended, the best 1/eta of them (by the objective, ties to the lower trial index) run
 * again at the next rung's budget, as new trials linked to their parent. A rung whose trials
 * have not all ended promotes nothing yet (no decision on partial results), so the promoted
 * configurations are exactly the best of their rung. Slots never wait for a rung to end: as
 * SMAC adds a new group of configurations to its first stage when it has nothing to yield, a
 * slot that no promotion can use starts (or fills) a new bracket's bottom rung.
 *
 * The plan is a pure function of the stored trials, so a controller that restarts anywhere in
 * a bracket makes the same decisions again: promotions already stored are not made twice.
 */
import { isActiveTrial, type TrialState } from "../store/rowTypes.js";
import type { Rung } from "./rungs.js";

/** A stored trial of a campaign with budgets, as the plan needs it. */
export interface BudgetTrial {
  readonly index: number;
  readonly bracket: number;
  readonly rung: number;
  readonly state: TrialState;
  /** The objective as a cost (lower is better), for a COMPLETED trial with a finite value; else null. */
  readonly cost: number | null;
  /** The trial at the rung below whose configuration this one runs again (null at the bottom). */
  readonly parentIndex: number | null;
  /** The bottom-rung trial that first ran this configuration (itself at the bottom). */
  readonly configIndex: number;
  readonly paramsJson: string;
}

/** Where a new trial goes: a configuration promoted to the next rung, or a new one at the bottom. */
export type BudgetSlot =
  | {
      readonly kind: "promotion";
      readonly bracket: number;
      readonly rung: number;
      readonly budget: number;
      readonly parentIndex: number;
      readonly configIndex: number;
      readonly paramsJson: string;
    }
  | { readonly kind: "new"; readonly bracket: number; readonly rung: 0; readonly budget: number };

/** A cancelled trial never ran: it holds no place in its rung (a new trial takes it). */
function holdsPlace(t: BudgetTrial): boolean {
  return t.state !== "CANCELLED";
}

/** Best first: lower cost, then lower trial index. */
function byCost(a: BudgetTrial, b: BudgetTrial): number {
  return a.cost! - b.cost! || a.index - b.index;
}

/**
 * The configurations of rung `r` of a bracket that go up to rung r + 1 (best first), or null
 * while the rung has not ended (a trial still runs or places are still free).
 */
export function promotedFrom(
  byRung: readonly (readonly BudgetTrial[])[],
  rungs: readonly Rung[],
  r: number,
): BudgetTrial[] | null {
  const here = (byRung[r] ?? []).filter(holdsPlace);
  const places = r === 0 ? rungs[0]!.configurations : rungTarget(byRung, rungs, r);
  if (places === null || here.length < places || here.some((t) => isActiveTrial(t.state)))
    return null;
  const succeeded = here.filter((t) => t.state === "COMPLETED" && t.cost !== null).sort(byCost);
  return succeeded.slice(0, rungs[r + 1]?.configurations ?? 0);
}

/** Places of rung r > 0: the configurations promoted into it (null while the rung below runs). */
function rungTarget(
  byRung: readonly (readonly BudgetTrial[])[],
  rungs: readonly Rung[],
  r: number,
): number | null {
  return promotedFrom(byRung, rungs, r - 1)?.length ?? null;
}

/** The trials of each bracket. */
function groupByBracket(trials: readonly BudgetTrial[]): Map<number, BudgetTrial[]> {
  const brackets = new Map<number, BudgetTrial[]>();
  for (const t of trials) {
    const list = brackets.get(t.bracket);
    if (list) list.push(t);
    else brackets.set(t.bracket, [t]);
  }
  return brackets;
}

/** The trials of each rung of one bracket. */
function groupByRung(trials: readonly BudgetTrial[], rungs: readonly Rung[]): BudgetTrial[][] {
  const byRung: BudgetTrial[][] = rungs.map(() => []);
  for (const t of trials) byRung[Math.min(t.rung, rungs.length - 1)]!.push(t);
  return byRung;
}

/** The promotions a bracket waits for: best first, the highest rung first. */
function pendingPromotions(
  bracket: number,
  trials: readonly BudgetTrial[],
  rungs: readonly Rung[],
): BudgetSlot[] {
  const byRung = groupByRung(trials, rungs);
  const slots: BudgetSlot[] = [];
  for (let r = rungs.length - 2; r >= 0; r--) {
    const up = promotedFrom(byRung, rungs, r);
    if (up === null) continue;
    const promoted = new Set(byRung[r + 1]!.filter(holdsPlace).map((t) => t.parentIndex));
    for (const t of up)
      if (!promoted.has(t.index))
        slots.push({
          kind: "promotion",
          bracket,
          rung: r + 1,
          budget: rungs[r + 1]!.budget,
          parentIndex: t.index,
          configIndex: t.configIndex,
          paramsJson: t.paramsJson,
        });
  }
  return slots;
}

/**
 * Trials a bracket still has to create: the free places of its bottom rung and of every rung
 * above (a rung whose rung below still runs counts its full size: an upper bound).
 */
function outstanding(trials: readonly BudgetTrial[], rungs: readonly Rung[]): number {
  const byRung = groupByRung(trials, rungs);
  let n = 0;
  rungs.forEach((rung, r) => {
    const placed = byRung[r]!.filter(holdsPlace).length;
    const target =
      r === 0
        ? rung.configurations
        : (promotedFrom(byRung, rungs, r - 1)?.length ?? rung.configurations);
    n += Math.max(0, target - placed);
  });
  return n;
}

/**
 * What up to `free` new trials run: first the promotions that ended rungs are owed (older
 * brackets first), then new configurations at the bottom rung of brackets with free places.
 * `remaining` (max_eval minus the trials so far) is kept for the brackets under way: a new
 * bracket opens only when a whole one still fits after what the open brackets may still need,
 * so max_eval = k x the bracket size runs k whole brackets; once no bracket needs anything,
 * what remains goes to one last, cut-short bracket.
 */
export function planBudgetSlots(
  trials: readonly BudgetTrial[],
  rungs: readonly Rung[],
  free: number,
  remaining = Infinity,
): BudgetSlot[] {
  if (free <= 0) return [];
  const brackets = groupByBracket(trials);
  const order = [...brackets.keys()].sort((a, b) => a - b);
  const slots: BudgetSlot[] = [];
  for (const b of order) {
    for (const s of pendingPromotions(b, brackets.get(b)!, rungs)) {
      if (slots.length >= free) return slots;
      slots.push(s);
    }
  }
  const bottom = rungs[0]!;
  const newSlot = (bracket: number): BudgetSlot => ({
    kind: "new",
    bracket,
    rung: 0,
    budget: bottom.budget,
  });
  let reserved = 0;
  for (const b of order) {
    const list = brackets.get(b)!;
    reserved += outstanding(list, rungs);
    const placed = list.filter((t) => t.rung === 0 && holdsPlace(t)).length;
    for (let k = placed; k < bottom.configurations && slots.length < free; k++)
      slots.push(newSlot(b));
  }
  const size = rungs.reduce((n, r) => n + r.configurations, 0);
  let available = remaining - reserved;
  let next = order.length > 0 ? order[order.length - 1]! + 1 : 0;
  while (slots.length < free && available > 0 && (available >= size || reserved === 0)) {
    const places = Math.min(bottom.configurations, available);
    for (let k = 0; k < places && slots.length < free; k++) slots.push(newSlot(next));
    // The cut-short bracket takes what remains; a whole one its size.
    available -= available >= size ? size : available;
    reserved = size;
    next++;
  }
  return slots;
}

/** How many promotions are owed now (the runner proposes for them even while a strategy node waits). */
export function promotionsOwed(trials: readonly BudgetTrial[], rungs: readonly Rung[]): number {
  let n = 0;
  for (const [b, list] of groupByBracket(trials)) n += pendingPromotions(b, list, rungs).length;
  return n;
}
