import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StateError } from "../errors/errors.js";
import { daemonSocket, requestDaemon } from "./socketClient.js";
import type { DaemonPaths } from "./statePaths.js";

/** Where a detached daemon's stdout and stderr go (crashes before its log is open land here). */
export function daemonOutputFile(paths: DaemonPaths): string {
  return join(paths.stateDir, "daemon.out");
}

/** The pid of the daemon answering for this state folder, or null when none answers. */
export async function runningDaemonPid(
  paths: DaemonPaths,
  timeoutMs = 5000,
): Promise<number | null> {
  try {
    const r = await requestDaemon<{ pid: number }>(
      daemonSocket(paths),
      { op: "ping" },
      { timeoutMs },
    );
    return r.pid;
  } catch {
    return null;
  }
}

function tail(path: string, from: number): string {
  try {
    return readFileSync(path, "utf8").slice(from).trim().split("\n").slice(-10).join("\n");
  } catch {
    return "";
  }
}

/**
 * Starts the daemon in its own session (setsid: the user's terminal, SSH session or shell
 * ending does not end it) and resolves with its pid once its socket answers. A daemon that
 * exits first (another one runs, a bad daemon.yaml) is reported with its last output lines.
 */
export async function startDetachedDaemon(paths: DaemonPaths, timeoutMs = 60_000): Promise<number> {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const outFile = daemonOutputFile(paths);
  let offset = 0;
  try {
    offset = statSync(outFile).size;
  } catch {
    offset = 0;
  }
  const out = openSync(outFile, "a", 0o600);
  const script = process.argv[1];
  if (script === undefined)
    throw new StateError("DAEMON_ERROR", "cannot tell which slurmopt to start (no script path)");
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, "daemon", "start", "--foreground"],
    {
      detached: true,
      stdio: ["ignore", out, out],
      env: process.env,
    },
  );
  closeSync(out);
  const child_ = { exited: null as number | null };
  child.on("exit", (code, signal) => {
    child_.exited = code ?? (signal ? 128 : 1);
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pid = await runningDaemonPid(paths, 2000);
    if (pid !== null) return pid;
    if (child_.exited !== null)
      throw new StateError(
        "DAEMON_ERROR",
        `the daemon exited (code ${child_.exited}) before it answered:\n${tail(outFile, offset) || "(no output)"}`,
      );
    await sleep(100);
  }
  throw new StateError(
    "DAEMON_ERROR",
    `the daemon (pid ${child.pid ?? "?"}) did not answer on its socket within ${Math.round(timeoutMs / 1000)} s; see ${outFile} and ${paths.log}`,
  );
}

/** The running daemon's pid, starting one (detached) when none answers. */
export async function ensureDaemon(paths: DaemonPaths): Promise<number> {
  const pid = await runningDaemonPid(paths);
  if (pid !== null) return pid;
  try {
    return await startDetachedDaemon(paths);
  } catch (e) {
    // Two shells starting one at once: the other one won; use its daemon.
    const other = await runningDaemonPid(paths);
    if (other !== null) return other;
    throw e;
  }
}
