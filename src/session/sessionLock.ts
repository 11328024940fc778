import type { Logger } from "pino";
import type { OpenCampaign } from "../engine/campaignRecord.js";
import { lockCampaign } from "../engine/campaignLock.js";
import type { Campaign } from "../spec/campaign.js";
import { getCampaignById } from "../store/campaignRows.js";
import { settleCampaignFolder } from "./campaignFolderCheck.js";

export interface SessionOptions {
  /**
   * Take the campaign's controller lock (one controller per campaign): a session that drives
   * the campaign with an executor, or that wants no other controller meanwhile. Without it,
   * the session shares the campaign with other clients (every change is one transaction) and
   * refuses to ask while a controller drives it.
   */
  lock?: {
    onCompromised: (e: Error) => void;
    onTakeover?: (message: string) => void;
  };
  logger?: Logger;
  /** Open for reading only (status): every change is refused by SQLite. */
  readonly?: boolean;
  /**
   * With `lock`: the folder is a copy of a campaign whose folder still exists; give it a uid
   * and folder of its own (resume --as-copy) instead of refusing it.
   */
  asCopy?: boolean;
}

/**
 * Takes the controller lock when asked and, under it, settles the folder (a moved folder
 * becomes the campaign's folder, a copy is refused or made a campaign of its own); then reads
 * the campaign again, as a controller that just let go may have changed it. Closes the store
 * when refused.
 */
export async function lockAndSettle(
  open: OpenCampaign,
  options: SessionOptions,
): Promise<{ open: OpenCampaign; release: (() => Promise<void>) | null }> {
  let release: (() => Promise<void>) | null = null;
  if (options.lock) {
    try {
      release = await lockCampaign(open.dir, options.lock);
    } catch (e) {
      open.db.close();
      throw e;
    }
  }
  if (options.lock && !options.readonly) {
    try {
      const current = getCampaignById(open.db, open.row.id) ?? open.row;
      settleCampaignFolder(open.db, current, open.dir, {
        asCopy: options.asCopy,
        logger: options.logger,
      });
    } catch (e) {
      await release?.();
      open.db.close();
      throw e;
    }
  }
  const row = getCampaignById(open.db, open.row.id) ?? open.row;
  return { open: { ...open, row, campaign: JSON.parse(row.spec_json) as Campaign }, release };
}
