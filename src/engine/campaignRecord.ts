import { randomBytes } from "node:crypto";
import { renameSync } from "node:fs";
import { join } from "node:path";
import type { Campaign } from "../spec/campaign.js";
import { StateError } from "../errors/errors.js";
import { getCampaignById, insertCampaign, listCampaigns } from "../store/campaignRows.js";
import { openStore, type Db } from "../store/openStore.js";
import type { CampaignRow } from "../store/rowTypes.js";
import { DB_FILE, createCampaignFolder } from "./campaignFolder.js";

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
 * instant leaves either no campaign.db or a complete one.
 */
export function createCampaignRecord(campaign: Campaign): OpenCampaign {
  const dir = createCampaignFolder(campaign.runDir, campaign.name);
  const tmp = join(dir, `${DB_FILE}.creating`);
  const building = openStore(tmp, { create: true });
  insertCampaign(building, {
    uid: newCampaignUid(),
    name: campaign.name,
    dir,
    specJson: JSON.stringify(campaign),
  });
  building.pragma("journal_mode = DELETE");
  building.close();
  renameSync(tmp, join(dir, DB_FILE));
  return openCampaignRecord(dir);
}

/** Opens the campaign stored in a campaign folder (status, export, resume). */
export function openCampaignRecord(dir: string, readonly = false): OpenCampaign {
  const db = openStore(join(dir, DB_FILE), { create: false, readonly });
  const rows = listCampaigns(db);
  const row = rows[0];
  if (!row) throw new StateError("CAMPAIGN_NOT_FOUND", `${dir}/${DB_FILE} holds no campaign`);
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
