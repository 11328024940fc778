import Database from "better-sqlite3";
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { newCampaignUid } from "../engine/campaignRecord.js";
import { StateError } from "../errors/errors.js";
import type { Logger } from "pino";
import { addCampaignEvent, countOpenAttempts, setCampaignFolder } from "../store/campaignRows.js";
import type { Db } from "../store/openStore.js";
import type { CampaignRow } from "../store/rowTypes.js";

/** How the folder a campaign is opened in relates to the folder stored with it. */
export type FolderFinding =
  | { readonly kind: "same" }
  /** The stored folder is gone (or holds another campaign): this folder was moved there. */
  | { readonly kind: "moved"; readonly from: string }
  /** The stored folder still holds this campaign (same uid): this folder is a copy of it. */
  | { readonly kind: "copy"; readonly original: string };

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** The uid of the campaign stored in a folder, or null when there is none to read. */
function storedUid(dir: string): string | null {
  const path = new CampaignPaths(dir).db;
  if (!existsSync(path)) return null;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT uid FROM campaigns ORDER BY id LIMIT 1`).get() as
        { uid: string } | undefined;
      return row?.uid ?? null;
    } finally {
      db.close();
    }
  } catch {
    // A database that cannot be read now (locked, being written): assume the original lives.
    return "unreadable";
  }
}

/** Compares the folder a campaign was opened in with the folder stored in its row. */
export function checkCampaignFolder(row: CampaignRow, dir: string): FolderFinding {
  const here = real(dir) ?? resolve(dir);
  if (row.dir === dir || row.dir === here) return { kind: "same" };
  const stored = real(row.dir);
  if (stored === here) return { kind: "same" };
  if (stored === null) return { kind: "moved", from: row.dir };
  const uid = storedUid(row.dir);
  if (uid === row.uid || uid === "unreadable") return { kind: "copy", original: row.dir };
  return { kind: "moved", from: row.dir };
}

/**
 * Settles where a campaign lives before a session writes to it. A moved folder is taken as the
 * campaign's folder from now on (its attempt directories are stored relative to it). A copy is
 * refused, since it would drive the original's jobs and write into its folder, unless
 * `asCopy`, which gives it a uid and folder of its own.
 */
export function settleCampaignFolder(
  db: Db,
  row: CampaignRow,
  dir: string,
  options: { asCopy?: boolean | undefined; logger?: Logger | undefined },
): void {
  const here = real(dir) ?? resolve(dir);
  const finding = checkCampaignFolder(row, dir);
  if (finding.kind === "same") {
    if (options.asCopy)
      throw new StateError(
        "RESUME_INCOMPATIBLE",
        `--as-copy: ${here} is the campaign's own folder, not a copy; resume it without --as-copy`,
      );
    return;
  }
  if (finding.kind === "moved") {
    db.transaction(() => {
      setCampaignFolder(db, row.id, row.uid, here);
      addCampaignEvent(db, row.id, "info", `campaign folder moved from ${finding.from} to ${here}`);
    }).immediate();
    options.logger?.info({ from: finding.from, to: here }, "campaign folder moved");
    return;
  }
  if (!options.asCopy)
    throw new StateError(
      "RESUME_INCOMPATIBLE",
      `${here} is a copy of the campaign in ${finding.original} (same campaign uid ${row.uid}; the original is still there); ` +
        `resuming it would drive the original's jobs. Resume the original, or give the copy its own identity with ` +
        `"slurmopt resume --as-copy ${here}" (if you moved the folder, remove the old one first)`,
    );
  const open = countOpenAttempts(db, row.id);
  if (open > 0)
    throw new StateError(
      "RESUME_INCOMPATIBLE",
      `--as-copy: ${here} was copied while ${open} attempt(s) of the original in ${finding.original} were in flight: ` +
        `a copy must not adopt the original's jobs, so this copy cannot be resumed. ` +
        `Copy the original again once nothing of it runs ("slurmopt status ${finding.original}" shows 0 running and 0 queued; ` +
        `"slurmopt cancel ${finding.original}" ends its trials now), then "slurmopt resume --as-copy" the new copy`,
    );
  const uid = newCampaignUid();
  db.transaction(() => {
    setCampaignFolder(db, row.id, uid, here);
    addCampaignEvent(
      db,
      row.id,
      "info",
      `resumed as a copy of ${finding.original} (uid ${row.uid}): new uid ${uid}`,
    );
  }).immediate();
  options.logger?.info({ original: finding.original, uid }, "campaign resumed as a copy");
}
