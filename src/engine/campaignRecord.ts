import { randomBytes } from "node:crypto";
import { renameSync } from "node:fs";
import type { Campaign } from "../spec/campaign.js";
import { StateError } from "../errors/errors.js";
import { getCampaignById, insertCampaign, listCampaigns } from "../store/campaignRows.js";
import { insertImportedTrials, type ImportedTrial } from "../store/importedTrials.js";
import { IN_MEMORY, openStore, type Db } from "../store/openStore.js";
import type { CampaignRow } from "../store/rowTypes.js";
import { createCampaignFolder } from "./campaignFolder.js";
import { CampaignPaths } from "./campaignPaths.js";

export interface OpenCampaign {
  db: Db;
  row: CampaignRow;
  campaign: Campaign;
  dir: string;
}

/** A random campaign id: two campaigns with the same name never adopt each other's jobs. */
export function newCampaignUid(): string {
  return randomBytes(4).toString("hex");
}

/**
 * Creates runs/<name>/<N>/campaign.db holding the campaign (the resolved spec, seed included).
 * The database is built under a temporary name and renamed into place, so a crash at any
 * instant leaves either no campaign.db or a complete one; `trials` (from earlier runs:
 * continue, load) are in it from the start.
 */
export function createCampaignRecord(
  campaign: Campaign,
  trials: readonly ImportedTrial[] = [],
): OpenCampaign {
  const dir = createCampaignFolder(campaign.runDir, campaign.name);
  const paths = new CampaignPaths(dir);
  const tmp = paths.dbCreating;
  const building = openStore(tmp, { create: true });
  building
    .transaction(() => {
      const row = insertCampaign(building, {
        uid: newCampaignUid(),
        name: campaign.name,
        dir,
        specJson: JSON.stringify(campaign),
      });
      insertImportedTrials(building, row.id, trials);
    })
    .immediate();
  building.pragma("journal_mode = DELETE");
  building.close();
  renameSync(tmp, paths.db);
  return openCampaignRecord(dir);
}

/** Opens the campaign stored in a campaign folder (status, export, resume). */
export function openCampaignRecord(dir: string, readonly = false): OpenCampaign {
  const path = new CampaignPaths(dir).db;
  const db = openStore(path, { create: false, readonly });
  const rows = listCampaigns(db);
  const row = rows[0];
  if (!row) throw new StateError("CAMPAIGN_NOT_FOUND", `${path} holds no campaign`);
  const fresh = getCampaignById(db, row.id)!;
  return { db, row: fresh, campaign: storedCampaign(fresh.spec_json), dir };
}

/** A stored campaign, with the fields added since it was stored set to their defaults. */
function storedCampaign(json: string): Campaign {
  const c = JSON.parse(json) as Omit<Campaign, "outcomeConstraints" | "trackingMetrics"> &
    Partial<Pick<Campaign, "outcomeConstraints" | "trackingMetrics">>;
  return {
    ...c,
    outcomeConstraints: c.outcomeConstraints ?? [],
    trackingMetrics: c.trackingMetrics ?? [],
  };
}

/**
 * A campaign held in memory only, as if stored in `dir` (nothing is written): what a dry run
 * would propose.
 */
export function inMemoryCampaignRecord(campaign: Campaign, dir: string): OpenCampaign {
  const db = openStore(IN_MEMORY, { create: true });
  const row = insertCampaign(db, {
    uid: newCampaignUid(),
    name: campaign.name,
    dir,
    specJson: JSON.stringify(campaign),
  });
  return { db, row, campaign, dir };
}
