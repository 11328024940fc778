import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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
 * owner is refused with its details. A lock without a named owner yet is waited for (up to the
 * grace): it may belong to a controller that is just starting.
 */
export async function lockCampaign(
  dir: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const updateMs = options.updateMs ?? Math.min(10_000, Math.floor(staleMs / 3));
  const lockPath = join(dir, LOCK_DIR);
  // A lock that may be between its mkdir and its controller.json is looked at again shortly,
  // for at most the grace (plus a margin for clock skew on shared file systems).
  const settleBy = Date.now() + OWNERLESS_GRACE_MS + 2_000;
  for (;;) {
    const seen = inspectLock(dir, staleMs);
    if (seen.kind === "unsettled" && Date.now() < settleBy) {
      await sleep(200);
      continue;
    }
    if (seen.kind === "takeover") {
      options.onTakeover?.(seen.message);
      rmSync(lockPath, { recursive: true, force: true });
    }
    break;
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
          : `campaign ${dir} is held by a controller that has not named itself in ${OWNER_FILE}, yet its lock stays fresh (another host, where that file is not visible yet?); stop that controller, or remove ${join(dir, LOCK_DIR)} if you are sure none runs`,
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

type LockSeen = { kind: "free" | "held" | "unsettled" } | { kind: "takeover"; message: string };

/**
 * What the lock directory says: free; held by a live owner; to be taken over (owner dead on
 * this host, no heartbeat for staleMs, no owner named for the grace); or unsettled: no owner
 * named yet, or its named owner died but the lock was made or refreshed under a second ago,
 * which is also what a new controller between its mkdir and writing controller.json looks like.
 */
function inspectLock(dir: string, staleMs: number): LockSeen {
  const lockPath = join(dir, LOCK_DIR);
  if (!existsSync(lockPath)) return { kind: "free" };
  const owner = readOwner(dir);
  const age = Date.now() - statSync(lockPath).mtimeMs;
  const deadHere =
    owner !== null && owner.host === hostname() && !isSameProcessRunning(owner.pid, owner.pidStart);
  const from = `taking over the campaign from the controller ${owner ? `on ${owner.host} (pid ${owner.pid})` : "of unknown owner"}`;
  if (owner === null)
    return age > OWNERLESS_GRACE_MS
      ? {
          kind: "takeover",
          message: `${from}: it was killed while taking the lock ${Math.round(age / 1000)} s ago`,
        }
      : { kind: "unsettled" };
  if (deadHere)
    return age < 1_000
      ? { kind: "unsettled" }
      : { kind: "takeover", message: `${from}: that process is gone` };
  if (age > staleMs)
    return { kind: "takeover", message: `${from}: no heartbeat for ${Math.round(age / 1000)} s` };
  return { kind: "held" };
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
