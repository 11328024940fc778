import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { StateError } from "../errors/errors.js";
import { isSameProcessRunning, processStartTicks } from "../executor/processStartTime.js";
import { CAMPAIGN_FILES, CampaignPaths } from "./campaignPaths.js";

const OWNER_FILE = CAMPAIGN_FILES.ownerFile;
/** A takeover guard older than this was left by a controller killed while taking over. */
const GUARD_STALE_MS = 30_000;

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
 *
 * A lock is taken over, with a message, when its owner is gone: the named owner ran on this
 * host and its process is dead (looked at twice, a second apart: a new controller may be just
 * between its mkdir and naming itself); no heartbeat for staleMs; or no owner is named and the
 * lock's mtime stays unchanged for a heartbeat interval plus 2 s, timed by this host's clock (a
 * controller killed between its mkdir and naming itself). A nameless lock whose heartbeat goes
 * on, and a live named owner, are refused with their details. Takeovers go one at a time
 * through controller.lock.takeover, and a lock that changed since it was judged is judged again, so two
 * controllers starting on a crashed campaign at once never both take it.
 */
export async function lockCampaign(
  dir: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const updateMs = options.updateMs ?? Math.min(10_000, Math.floor(staleMs / 3));
  const guard = new CampaignPaths(dir).takeoverDir;
  let guarded = false;
  try {
    guarded = await clearDeadLock(dir, staleMs, updateMs + 2_000, options.onTakeover);
    return await takeLock(dir, staleMs, updateMs, options.onCompromised);
  } finally {
    if (guarded) rmSync(guard, { recursive: true, force: true });
  }
}

interface LockStat {
  ino: number;
  mtimeMs: number;
}

function statLock(path: string): LockStat | null {
  try {
    const st = statSync(path);
    return { ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Removes the lock when its owner is gone (see lockCampaign). Returns whether this process now
 * holds the takeover guard (kept until the new lock is taken and named).
 */
async function clearDeadLock(
  dir: string,
  staleMs: number,
  namelessWatchMs: number,
  onTakeover: ((message: string) => void) | undefined,
): Promise<boolean> {
  const lockPath = new CampaignPaths(dir).lockDir;
  let nameless: { mtimeMs: number; since: number } | null = null;
  let deadSeen = false;
  let guarded = false;
  const guardPath = new CampaignPaths(dir).takeoverDir;
  for (;;) {
    const st = statLock(lockPath);
    if (!st) {
      // No lock: free, unless another controller is between removing a dead lock and taking
      // its own (it holds the guard): wait for it, then judge the lock it took.
      if (guarded || !guardHeld(guardPath)) return guarded;
      await sleep(100);
      continue;
    }
    const owner = readOwner(dir);
    const age = Date.now() - st.mtimeMs;
    const from = `taking over the campaign from the controller ${owner ? `on ${owner.host} (pid ${owner.pid})` : "of unknown owner"}`;
    let message: string;
    if (owner === null) {
      if (nameless !== null && nameless.mtimeMs !== st.mtimeMs) return guarded; // heartbeat: live
      nameless ??= { mtimeMs: st.mtimeMs, since: Date.now() };
      const watched = Date.now() - nameless.since;
      if (age <= staleMs && watched < namelessWatchMs) {
        await sleep(250);
        continue;
      }
      message = `${from}: no controller named itself in ${OWNER_FILE} and the lock saw no heartbeat for ${Math.round(Math.max(age, watched) / 1000)} s (one killed while taking it)`;
    } else if (owner.host === hostname() && !isSameProcessRunning(owner.pid, owner.pidStart)) {
      if (!deadSeen) {
        deadSeen = true;
        await sleep(1_000);
        continue;
      }
      message = `${from}: that process is gone`;
    } else if (age > staleMs) {
      message = `${from}: no heartbeat for ${Math.round(age / 1000)} s`;
    } else return guarded; // a live owner: takeLock refuses with its details
    if (!guarded) guarded = takeGuard(guardPath);
    if (!guarded) {
      await sleep(250); // another controller is taking over: see what it leaves
      continue;
    }
    const again = statLock(lockPath);
    if (again && again.ino === st.ino && again.mtimeMs === st.mtimeMs) {
      onTakeover?.(message);
      rmSync(lockPath, { recursive: true, force: true });
      return guarded;
    }
    nameless = null; // the lock changed since it was judged: judge it again
    deadSeen = false;
  }
}

/** Whether another controller is taking over now (a guard younger than GUARD_STALE_MS). */
function guardHeld(guard: string): boolean {
  const st = statLock(guard);
  return st !== null && Date.now() - st.mtimeMs < GUARD_STALE_MS;
}

function takeGuard(guard: string): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      mkdirSync(guard);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const st = statLock(guard);
      if (!st || Date.now() - st.mtimeMs < GUARD_STALE_MS) return false;
      rmSync(guard, { recursive: true, force: true });
    }
  }
  return false;
}

async function takeLock(
  dir: string,
  staleMs: number,
  updateMs: number,
  onCompromised: (e: Error) => void,
): Promise<() => Promise<void>> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(new CampaignPaths(dir).db, {
      lockfilePath: new CampaignPaths(dir).lockDir,
      stale: staleMs,
      update: updateMs,
      realpath: false,
      retries: 0,
      onCompromised,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOCKED") {
      const o = readOwner(dir);
      throw new StateError(
        "CAMPAIGN_LOCKED",
        o
          ? `campaign ${dir} is driven by another controller on ${o.host} (pid ${o.pid}, since ${new Date(o.startedAt).toISOString()}); stop it with "slurmopt stop ${dir}" or wait for it to end`
          : `campaign ${dir} is held by a controller that has not named itself in ${OWNER_FILE}, yet its lock's heartbeat goes on (one just starting, or on another host where that file is not visible yet); wait for it, or stop it with "slurmopt stop ${dir}"`,
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
  writeFileSync(new CampaignPaths(dir).ownerFile, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  return release;
}

export function readOwner(dir: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(new CampaignPaths(dir).ownerFile, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** Whether a live controller holds the campaign (lock present and fresh). */
export function isCampaignLocked(dir: string, staleMs = 60_000): boolean {
  const lockPath = new CampaignPaths(dir).lockDir;
  if (!existsSync(lockPath)) return false;
  const owner = readOwner(dir);
  if (owner && owner.host === hostname() && !isSameProcessRunning(owner.pid, owner.pidStart))
    return false;
  return Date.now() - statSync(lockPath).mtimeMs <= staleMs;
}
