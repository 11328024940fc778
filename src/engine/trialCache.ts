import type { Point } from "../space/parameters.js";
import type { Db } from "../store/openStore.js";
import type { TrialRow } from "../store/rowTypes.js";
import { listTrialsChangedSince } from "../store/trialRows.js";

export interface CachedTrial {
  row: TrialRow;
  point: Point;
}

/**
 * The runner's view of its trials, refreshed from the store by revision: each refresh reads
 * only the rows that changed since the last one (the store stays the only truth; this saves
 * re-reading and re-parsing every trial on every proposal).
 */
export class TrialCache {
  private readonly byId = new Map<number, CachedTrial>();
  private rev = -1;

  constructor(
    private readonly db: Db,
    private readonly campaignId: number,
  ) {}

  /** All trials in trial order, current as of now. */
  refresh(): CachedTrial[] {
    const changed = listTrialsChangedSince(this.db, this.campaignId, this.rev);
    for (const row of changed) {
      const old = this.byId.get(row.id);
      const point =
        old && old.row.params_json === row.params_json
          ? old.point
          : (JSON.parse(row.params_json) as Point);
      this.byId.set(row.id, { row, point });
      if (row.rev > this.rev) this.rev = row.rev;
    }
    return [...this.byId.values()].sort((a, b) => a.row.trial_index - b.row.trial_index);
  }
}
