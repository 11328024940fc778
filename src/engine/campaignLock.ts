import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { StateError } from "../errors/errors.js";
import { isSameProcessRunning, processStartTicks } from "../executor/processStartTime.js";
import { DB_FILE } from "./campaignFolder.js";

export const LOCK_DIR = "controller.lock";
export const OWNER_FILE = "controller.json";
/**
 * A controller writes controller.json within milliseconds of taking the lock. A lock that has
 * had no owner for this long belongs to a controller killed in between.
 */
export const OWNERLESS_GRACE_MS = 5_000;

export interface LockOwner {
  host: string;
  pid: number;
  pidStart: number | null;
  startedAt: number;
}

export interface LockOptions {
  /** A lock whose heartbeat is older than this is taken over (default 60 s). */
  staleMs?: number;
  /** Heartbeat interval (default 10 s). */
  updateMs?: number;
  /** Called when another controller took the lock away (e.g. after a long freeze). */
  onCompromised: (e: Error) => void;
  /** Called with a message when a dead controller's lock is taken over. */
  onTakeover?: (message: string) => void;
}

/**
 * One controller per campaign: a lock directory next to campaign.db (mkdir is atomic on NFS
 * too; proper-lockfile) whose mtime is a heartbeat, plus controller.json naming the owner.
 * A lock whose owner is gone (same host and its pid is dead, or no heartbeat for staleMs from
 * any host, or no owner named for OWNERLESS_GRACE_MS) is taken over with a message; a live
 * owner is refused with its details.
 */
export async function lockCampaign(
  dir: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const updateMs = options.updateMs ?? Math.min(10_000, Math.floor(staleMs / 3));
  const lockPath = join(dir, LOCK_DIR);
  const owner = readOwner(dir);
  if (existsSync(lockPath)) {
    const age = Date.now() - statSync(lockPath).mtimeMs;
    const here = hostname();
    const deadHere =
      owner !== null && owner.host === here && !isSameProcessRunning(owner.pid, owner.pidStart);
    const ownerless = owner === null && age > OWNERLESS_GRACE_MS;
    if (deadHere || ownerless || age > staleMs) {
      const why = deadHere
        ? "that process is gone"
        : ownerless
          ? `it was killed while taking the lock ${Math.round(age / 1000)} s ago`
          : `no heartbeat for ${Math.round(age / 1000)} s`;
      options.onTakeover?.(
        `taking over the campaign from the controller ${owner ? `on ${owner.host} (pid ${owner.pid})` : "of unknown owner"}: ${why}`,
      );
      rmSync(lockPath, { recursive: true, force: true });
    }
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(join(dir, DB_FILE), {
      lockfilePath: lockPath,
      stale: staleMs,
      update: updateMs,
      realpath: false,
      retries: 0,
      onCompromised: options.onCompromised,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOCKED") {
      const o = readOwner(dir);
      throw new StateError(
        "CAMPAIGN_LOCKED",
        o
          ? `campaign ${dir} is driven by another controller on ${o.host} (pid ${o.pid}, since ${new Date(o.startedAt).toISOString()}); stop it with "slurmopt stop ${dir}" or wait for it to end`
          : `campaign ${dir} is being taken by another controller that has not yet named itself in ${OWNER_FILE}; if none is starting, try again in ${OWNERLESS_GRACE_MS / 1000} s`,
        { cause: e },
      );
    }
    throw new StateError(
      "CAMPAIGN_LOCKED",
      `cannot lock campaign ${dir}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const me: LockOwner = {
    host: hostname(),
    pid: process.pid,
    pidStart: processStartTicks(process.pid),
    startedAt: Date.now(),
  };
  writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify(me)}\n`, { mode: 0o600 });
  return release;
}

export function readOwner(dir: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** Whether a live controller holds the campaign (lock present and fresh). */
export function isCampaignLocked(dir: string, staleMs = 60_000): boolean {
  const lockPath = join(dir, LOCK_DIR);
  if (!existsSync(lockPath)) return false;
  const owner = readOwner(dir);
  if (owner && owner.host === hostname() && !isSameProcessRunning(owner.pid, owner.pidStart))
    return false;
  const age = Date.now() - statSync(lockPath).mtimeMs;
  if (owner === null && age > OWNERLESS_GRACE_MS) return false;
  return age <= staleMs;
}
