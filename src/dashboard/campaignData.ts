import { openCampaignRecord } from "../engine/campaignRecord.js";
import { buildReportData } from "../report/buildReportData.js";
import type { ModelFitMemory } from "../report/modelView.js";
import type { ReportData } from "../report/reportData.js";
import { countTrialsByState } from "../store/trialRows.js";

export interface CampaignEntry {
  /** The campaign's uid (stable across restarts of the dashboard). */
  id: string;
  folder: string;
  name: string;
  state: string;
  done: number;
  maxEval: number;
  /** Null when the folder cannot be read now. */
  error: string | null;
}

/** One line per folder for the campaign list, read from each campaign.db (read-only). */
export function campaignList(folders: readonly string[]): CampaignEntry[] {
  return folders.map((folder, i) => {
    try {
      const open = openCampaignRecord(folder, true);
      try {
        const c = countTrialsByState(open.db, open.row.id);
        return {
          id: open.row.uid,
          folder,
          name: open.row.name,
          state: open.row.state,
          done: c.COMPLETED + c.EARLY_STOPPED + c.FAILED + c.TIMEOUT + c.CANCELLED,
          maxEval: open.campaign.maxEval,
          error: null,
        };
      } finally {
        open.db.close();
      }
    } catch (e) {
      return {
        id: `unreadable-${i}`,
        folder,
        name: folder,
        state: "UNREADABLE",
        done: 0,
        maxEval: 0,
        error: (e as Error).message,
      };
    }
  });
}

const cache = new Map<string, { mark: string; data: ReportData }>();
const modelMemories = new Map<string, ModelFitMemory>();

/**
 * The report data of a campaign folder, rebuilt only when the watcher's change mark moved (many
 * viewers of one campaign cost one build per change); the model view's GP hyperparameters are
 * refitted only every so many new trials (ModelFitMemory), so an update is quick.
 */
export function campaignData(folder: string, mark: string | null): ReportData {
  const hit = cache.get(folder);
  if (hit && mark !== null && hit.mark === mark) return hit.data;
  const open = openCampaignRecord(folder, true);
  try {
    let memory = modelMemories.get(folder);
    if (!memory) modelMemories.set(folder, (memory = { fit: null }));
    const data = buildReportData(open, Date.now(), memory);
    if (mark !== null) cache.set(folder, { mark, data });
    return data;
  } finally {
    open.db.close();
  }
}
