import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { InputError } from "../errors/errors.js";

/**
 * Every path the daemon uses, named once. The state folder holds the registry, the log, the
 * config and the guard; the socket lives in $XDG_RUNTIME_DIR/slurmopt/ when that exists (a
 * short, per-user, tmpfs path), otherwise in the state folder.
 */
export interface DaemonPaths {
  /** $SLURMOPT_HOME, $XDG_STATE_HOME/slurmopt or ~/.local/state/slurmopt. */
  readonly stateDir: string;
  /** The folder holding the socket (made 0700). */
  readonly socketDir: string;
  readonly socket: string;
  /** SQLite registry of the campaigns the daemon drives. */
  readonly registry: string;
  /** The daemon's JSON log (rotated by size). */
  readonly log: string;
  /** pid, start time, socket path and version of the running daemon. */
  readonly info: string;
  /** Taken while a daemon starts (at most one starter at a time decides). */
  readonly startGuard: string;
  /** The daemon's config file: schedules, poll interval. */
  readonly config: string;
}

/**
 * A Unix socket path is limited by sun_path: 108 bytes on Linux including the final NUL, so at
 * most 107 bytes of path.
 */
export const SOCKET_PATH_MAX = 107;

type Env = Readonly<Record<string, string | undefined>>;

function absoluteOrNull(value: string | undefined): string | null {
  return value !== undefined && value !== "" && isAbsolute(value) ? value : null;
}

/** The state folder: $SLURMOPT_HOME, else $XDG_STATE_HOME/slurmopt, else ~/.local/state/slurmopt. */
export function resolveStateDir(env: Env = process.env, home: string = homedir()): string {
  const own = env.SLURMOPT_HOME;
  if (own !== undefined && own !== "") return resolve(own);
  const xdg = absoluteOrNull(env.XDG_STATE_HOME);
  return xdg !== null ? join(xdg, "slurmopt") : join(home, ".local", "state", "slurmopt");
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The socket: in $XDG_RUNTIME_DIR/slurmopt/ when that folder exists, named after the state
 * folder (two state folders of one user, as tests use, never share a socket); otherwise
 * daemon.sock in the state folder. A path over the sun_path limit is refused with the fix.
 */
export function resolveSocketPath(
  stateDir: string,
  env: Env = process.env,
): { socketDir: string; socket: string } {
  const runtime = absoluteOrNull(env.XDG_RUNTIME_DIR);
  if (runtime !== null && isDirectory(runtime)) {
    const tag = createHash("sha256").update(stateDir).digest("hex").slice(0, 12);
    const socketDir = join(runtime, "slurmopt");
    const socket = join(socketDir, `daemon-${tag}.sock`);
    if (Buffer.byteLength(socket) <= SOCKET_PATH_MAX) return { socketDir, socket };
  }
  const socket = join(stateDir, "daemon.sock");
  if (Buffer.byteLength(socket) > SOCKET_PATH_MAX)
    throw new InputError(
      "FLAG_INVALID",
      `the daemon's socket path ${socket} is ${Buffer.byteLength(socket)} bytes, over the ${SOCKET_PATH_MAX}-byte limit of Unix sockets; set SLURMOPT_HOME (or XDG_RUNTIME_DIR) to a shorter folder`,
    );
  return { socketDir: stateDir, socket };
}

export function daemonPaths(env: Env = process.env, home: string = homedir()): DaemonPaths {
  const stateDir = resolveStateDir(env, home);
  const { socketDir, socket } = resolveSocketPath(stateDir, env);
  return {
    stateDir,
    socketDir,
    socket,
    registry: join(stateDir, "registry.db"),
    log: join(stateDir, "daemon.log"),
    info: join(stateDir, "daemon.json"),
    startGuard: join(stateDir, "daemon.starting"),
    config: join(stateDir, "daemon.yaml"),
  };
}
