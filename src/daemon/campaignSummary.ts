import type { OpenCampaign } from "../engine/campaignRecord.js";
import { campaignStatus } from "../report/campaignStatus.js";
import type { CampaignSummary } from "./protocol.js";

/** One line of `slurmopt list`: counts, best value and the last error, from the store. */
export function campaignSummary(
  open: OpenCampaign,
  daemonState: string,
  lastError: string | null,
): CampaignSummary {
  const s = campaignStatus(open.db, open.row, open.campaign);
  const c = s.counts;
  const o = open.campaign.objectives[0];
  const best = o && open.campaign.objectives.length === 1 ? s.best[0]?.results[o.name] : undefined;
  return {
    dir: open.dir,
    name: s.name,
    daemonState,
    state: s.state,
    done: c.COMPLETED + c.EARLY_STOPPED,
    failed: c.FAILED + c.TIMEOUT + c.CANCELLED,
    // A submitted job that has not started (pending in Slurm, or held while paused) is queued.
    running: c.RUNNING,
    queued: c.PROPOSED + c.SUBMITTED,
    total: Object.values(c).reduce((a, b) => a + b, 0),
    maxEval: s.max_eval,
    best: best ?? null,
    lastError: lastError ?? (s.state === "FAILED" ? s.stop_reason : null),
  };
}
