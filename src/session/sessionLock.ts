import type { Logger } from "pino";
import type { OpenCampaign } from "../engine/campaignRecord.js";
import { lockCampaign, readOwner } from "../engine/campaignLock.js";
import { CAMPAIGN_FILES } from "../engine/campaignPaths.js";
import { StateError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import { getCampaignById } from "../store/campaignRows.js";
import { checkCampaignFolder, settleCampaignFolder } from "./campaignFolderCheck.js";

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
      throw copiedLock(e, open);
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

/**
 * A folder copied while the original's controller ran holds that controller's lock, copied
 * along: the lock refuses the copy as if a controller drove it, and "slurmopt stop" of the copy
 * would reach no one. Say what the lock is and what to do instead.
 */
function copiedLock(e: unknown, open: OpenCampaign): unknown {
  if (!(e instanceof StateError) || e.code !== "CAMPAIGN_LOCKED") return e;
  const finding = checkCampaignFolder(open.row, open.dir);
  if (finding.kind !== "copy") return e;
  const owner = readOwner(open.dir);
  const who = owner ? ` (on ${owner.host}, pid ${owner.pid})` : "";
  return new StateError(
    "CAMPAIGN_LOCKED",
    `${open.dir} is a copy of the campaign in ${finding.original}, made while its controller${who} was running: ` +
      `the copy's ${CAMPAIGN_FILES.lockDir} is the original's lock, copied along, and nothing drives the copy. ` +
      `Let the original end ("slurmopt status ${finding.original}"; "slurmopt stop ${finding.original}" stops it), ` +
      `copy it again then, and "slurmopt resume --as-copy" the new copy`,
    { cause: e },
  );
}
