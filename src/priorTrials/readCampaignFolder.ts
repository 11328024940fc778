import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { CAMPAIGN_FILES } from "../engine/campaignPaths.js";
import { InputError, isSlurmoptError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import type { ParamValue } from "../space/parameters.js";
import { listTrials } from "../store/trialRows.js";
import type { TrialRow } from "../store/rowTypes.js";
import type { PriorTrial } from "./priorRun.js";

/**
 * The campaign and trials of a slurmopt campaign.db. SQLite writes even when it only reads (a
 * WAL file is checkpointed, -shm files appear), so the database (with its WAL, which may hold
 * the latest trials of a running controller) is copied into a temporary folder and read
 * there: the run's own folder stays byte for byte as it was.
 */
export function readCampaignFolderTrials(dbPath: string): {
  campaign: Campaign;
  trials: PriorTrial[];
} {
  const tmp = mkdtempSync(join(tmpdir(), "slurmopt-prior-"));
  try {
    const copy = join(tmp, CAMPAIGN_FILES.db);
    copyFileSync(dbPath, copy);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
    let open;
    try {
      open = openCampaignRecord(tmp);
    } catch (e) {
      throw new InputError(
        "PRIOR_RUN_INVALID",
        `${dbPath} cannot be read (${isSlurmoptError(e) ? e.message : String(e)}); give the folder of a campaign slurmopt created`,
        { cause: e },
      );
    }
    try {
      return {
        campaign: open.campaign,
        trials: listTrials(open.db, open.row.id).map(priorTrial),
      };
    } finally {
      open.db.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function priorTrial(t: TrialRow): PriorTrial {
  return {
    index: t.trial_index,
    line: null,
    state: t.state,
    parameters: JSON.parse(t.params_json) as Record<string, ParamValue>,
    values: t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : {},
    sems: t.sems_json ? (JSON.parse(t.sems_json) as Record<string, number>) : {},
    cells: null,
    generationNode: t.generation_node,
    generator: t.generator,
    generationMs: t.generation_ms,
    createdAt: t.created_at,
    submitTime: t.submit_time,
    startTime: t.start_time,
    endTime: t.end_time,
    extras: t.extras_json ? (JSON.parse(t.extras_json) as Record<string, string>) : null,
    exitCode: t.exit_code,
    signal: t.signal,
    reason: t.reason,
    hostname: t.hostname,
    programString: t.program_string,
    budget:
      t.budget === null
        ? null
        : {
            budget: t.budget,
            bracket: t.bracket,
            rung: t.rung,
            parentIndex: t.parent_index,
            configIndex: t.config_index,
          },
  };
}
