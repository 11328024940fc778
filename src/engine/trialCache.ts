import type { Point } from "../space/parameters.js";
import type { Db } from "../store/openStore.js";
import type { TrialRow } from "../store/rowTypes.js";
import { listTrialsChangedSince } from "../store/trialRows.js";

export interface CachedTrial {
  row: TrialRow;
  point: Point;
  /** results_json and sems_json parsed (empty when the trial has none). */
  values: Readonly<Record<string, number>>;
  sems: Readonly<Record<string, number>>;
}

/**
 * The runner's view of its trials, refreshed from the store by revision: each refresh reads
 * only the rows that changed since the last one (the store stays the only truth; this saves
 * re-reading and re-parsing every trial on every proposal, which made a long campaign's
 * proposals grow with its length).
 */
export class TrialCache {
  private readonly byId = new Map<number, CachedTrial>();
  private ordered: CachedTrial[] = [];
  private rev = -1;

  constructor(
    private readonly db: Db,
    private readonly campaignId: number,
  ) {}

  /** All trials in trial order, current as of now (do not modify the array). */
  refresh(): readonly CachedTrial[] {
    const changed = listTrialsChangedSince(this.db, this.campaignId, this.rev);
    if (changed.length === 0) return this.ordered;
    for (const row of changed) {
      const old = this.byId.get(row.id);
      const point =
        old && old.row.params_json === row.params_json
          ? old.point
          : (JSON.parse(row.params_json) as Point);
      const entry: CachedTrial = {
        row,
        point,
        values: parseNumbers(row.results_json, old?.row.results_json, old?.values),
        sems: parseNumbers(row.sems_json, old?.row.sems_json, old?.sems),
      };
      this.byId.set(row.id, entry);
      if (row.rev > this.rev) this.rev = row.rev;
    }
    // byId keeps first-seen order; sorting nearly sorted input is cheap.
    this.ordered = [...this.byId.values()].sort((a, b) => a.row.trial_index - b.row.trial_index);
    return this.ordered;
  }
}

const NONE: Readonly<Record<string, number>> = Object.freeze({});

function parseNumbers(
  json: string | null,
  oldJson: string | null | undefined,
  oldParsed: Readonly<Record<string, number>> | undefined,
): Readonly<Record<string, number>> {
  if (json === null) return NONE;
  if (oldParsed !== undefined && oldJson === json) return oldParsed;
  return JSON.parse(json) as Record<string, number>;
}
