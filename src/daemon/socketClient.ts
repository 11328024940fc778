import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { StateError } from "../errors/errors.js";
import { parseReply, PROTOCOL_VERSION, type RequestBody } from "./protocol.js";
import type { DaemonPaths } from "./statePaths.js";

/**
 * The socket a running daemon listens on: the path it wrote to daemon.json (a client started
 * from cron, without XDG_RUNTIME_DIR, still finds a daemon started by systemd), else the path
 * this environment resolves.
 */
export function daemonSocket(paths: DaemonPaths): string {
  try {
    const info = JSON.parse(readFileSync(paths.info, "utf8")) as { socket?: unknown };
    if (typeof info.socket === "string" && info.socket !== "") return info.socket;
  } catch {
    // no daemon.json: no daemon started from this state folder yet
  }
  return paths.socket;
}

/** The daemon did not answer: none runs (or its socket is gone). */
export function daemonUnavailable(socket: string, cause: unknown): StateError {
  return new StateError(
    "DAEMON_UNAVAILABLE",
    `no slurmopt daemon answers on ${socket}; start one with "slurmopt daemon start"`,
    { cause },
  );
}

let nextId = 1;

/**
 * Sends one request and resolves with the daemon's result; rejects with DAEMON_UNAVAILABLE when
 * nothing answers and DAEMON_ERROR with the daemon's message when it refuses the request.
 */
export function requestDaemon<T = unknown>(
  socket: string,
  body: RequestBody,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const conn = connect(socket);
    let buffer = "";
    let answered = false;
    const timer = setTimeout(() => {
      conn.destroy();
      finish(() =>
        reject(
          new StateError(
            "DAEMON_UNAVAILABLE",
            `the slurmopt daemon on ${socket} did not answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s; see "slurmopt logs"`,
          ),
        ),
      );
    }, options.timeoutMs ?? 30_000);
    const finish = (f: () => void): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      f();
    };
    conn.setEncoding("utf8");
    conn.on("connect", () =>
      conn.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id, ...body })}\n`),
    );
    conn.on("error", (e) => finish(() => reject(daemonUnavailable(socket, e))));
    conn.on("close", () =>
      finish(() =>
        reject(daemonUnavailable(socket, new Error("connection closed before a reply"))),
      ),
    );
    conn.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl < 0) return;
      const reply = parseReply(buffer.slice(0, nl));
      conn.end();
      finish(() => {
        if (reply === null)
          reject(
            new StateError("DAEMON_ERROR", `the daemon on ${socket} sent an unreadable reply`),
          );
        else if (reply.ok) resolve(reply.result as T);
        else
          reject(
            new StateError(
              "DAEMON_ERROR",
              `the daemon refused the request (${reply.error.code}): ${reply.error.message}`,
            ),
          );
      });
    });
  });
}

/** Whether a daemon answers on the socket (ping). */
export async function daemonAnswers(socket: string, timeoutMs = 5000): Promise<boolean> {
  try {
    await requestDaemon(socket, { op: "ping" }, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}
