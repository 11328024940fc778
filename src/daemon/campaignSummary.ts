import { openCampaignRecord, type OpenCampaign } from "../engine/campaignRecord.js";
import { errorMessage } from "../errors/errors.js";
import { campaignStatus } from "../report/campaignStatus.js";
import type { CampaignSummary } from "./protocol.js";
import type { RegistryRow } from "./registry.js";

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

/**
 * The summary of a registered campaign the daemon does not drive now (waiting, stopped,
 * finished), read from its folder; "missing" with the reason when that cannot be read.
 */
export function storedCampaignSummary(row: RegistryRow): CampaignSummary {
  const state =
    row.wanted === "done" ? "finished" : row.wanted === "stopped" ? "stopped" : "waiting";
  if (row.missing !== null) return missingSummary(row, row.missing);
  let open: OpenCampaign | null = null;
  try {
    open = openCampaignRecord(row.dir, true);
    return campaignSummary(open, state, row.last_error);
  } catch (e) {
    return missingSummary(row, errorMessage(e));
  } finally {
    open?.db.close();
  }
}

function missingSummary(row: RegistryRow, reason: string): CampaignSummary {
  return {
    dir: row.dir,
    name: row.name,
    daemonState: "missing",
    state: row.final_state,
    done: 0,
    failed: 0,
    running: 0,
    queued: 0,
    total: 0,
    maxEval: 0,
    best: null,
    lastError: reason,
  };
}
