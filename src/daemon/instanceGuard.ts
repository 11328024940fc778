import {
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StateError } from "../errors/errors.js";
import { isSameProcessRunning, processStartTicks } from "../executor/processStartTime.js";
import { requestDaemon, daemonSocket } from "./socketClient.js";
import type { DaemonPaths } from "./statePaths.js";

/** A start guard this old was left by a starter killed in the middle. */
const GUARD_STALE_MS = 30_000;

interface GuardOwner {
  pid: number;
  start: number | null;
}

function readGuardOwner(guard: string): GuardOwner | null {
  try {
    const o = JSON.parse(readFileSync(join(guard, "owner.json"), "utf8")) as Partial<GuardOwner>;
    return typeof o.pid === "number" ? { pid: o.pid, start: o.start ?? null } : null;
  } catch {
    return null;
  }
}

/** Whether a start guard was left behind (its starter is dead, or it is old). */
function guardIsStale(guard: string): boolean {
  const owner = readGuardOwner(guard);
  if (owner !== null) return !isSameProcessRunning(owner.pid, owner.start);
  try {
    return Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS;
  } catch {
    return true;
  }
}

/** Takes the start guard (mkdir is atomic): one starter at a time decides who runs. */
async function takeStartGuard(guard: string): Promise<() => void> {
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(guard, { mode: 0o700 });
      writeFileSync(
        join(guard, "owner.json"),
        JSON.stringify({ pid: process.pid, start: processStartTicks(process.pid) }),
      );
      return () => rmSync(guard, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    // A dead starter's guard is removed; a live one is waited for (it starts in a moment).
    if (guardIsStale(guard)) rmSync(guard, { recursive: true, force: true });
    else if (tries > 300)
      throw new StateError(
        "DAEMON_ERROR",
        `another slurmopt daemon has been starting for a minute (${guard}); look at "slurmopt daemon status" or remove that folder`,
      );
    else await sleep(200);
  }
}

/**
 * Claims the right to run the daemon of this state folder: under the start guard, a daemon that
 * answers on its socket means refusal (with its pid); a socket nobody answers on is a dead
 * daemon's and is removed. The caller listens on the socket and writes daemon.json, then calls
 * the returned function to let the next starter in (who then finds this daemon answering).
 */
export async function claimDaemonInstance(paths: DaemonPaths): Promise<() => void> {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const release = await takeStartGuard(paths.startGuard);
  try {
    for (const socket of new Set([daemonSocket(paths), paths.socket])) {
      let pid: number | null = null;
      try {
        pid = (await requestDaemon<{ pid: number }>(socket, { op: "ping" }, { timeoutMs: 5000 }))
          .pid;
      } catch (e) {
        if (e instanceof StateError && e.code === "DAEMON_ERROR") pid = -1;
      }
      if (pid !== null)
        throw new StateError(
          "DAEMON_ERROR",
          `a slurmopt daemon already runs for ${paths.stateDir}${pid > 0 ? ` (pid ${pid})` : ""} on ${socket}; "slurmopt daemon stop" ends it`,
        );
      removeStaleSocket(socket);
    }
    return release;
  } catch (e) {
    release();
    throw e;
  }
}

function removeStaleSocket(socket: string): void {
  try {
    if (lstatSync(socket).isSocket()) unlinkSync(socket);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}
