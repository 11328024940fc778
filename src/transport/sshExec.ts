/**
 * Runs one command line on an exec channel and collects its result, with a time-out that
 * really stops the remote command: sshd puts each session's command into its own process group
 * (setsid), and the remote script reports that group's id on stderr (PGID_MARKER, removed from
 * the output here); on time-out the group gets TERM, then KILL, through a second exec channel.
 * (The SSH "signal" request is sent too, but sshd ignores it for root logins.)
 */
import type { ClientChannel } from "ssh2";
import type { SshConnection } from "./sshConnection.js";
import type { SshLogger } from "./sshOptions.js";
import { NoAnswerError } from "./sshReconnect.js";
import { PGID_MARKER, remoteCommandLine } from "./sshRemoteCommand.js";
import type { RunOptions, RunResult } from "./transport.js";

export const KILL_GRACE_MS = 2000;

const MARKER_RE = new RegExp(`(?:^|\\n)${PGID_MARKER} (\\d+)\\n`);

/**
 * The exec request was never sent (the channel did not open): safe to run again. A request left
 * unanswered past its deadline (NoAnswerError) may have started the command: not this.
 */
export function execNotStarted(e: unknown): boolean {
  return (
    e instanceof Error &&
    !(e instanceof NoAnswerError) &&
    /^(Not connected|No response from server$|\(SSH\) Channel open failure)/.test(e.message)
  );
}

/** Removes the process-group marker line the remote script writes first to stderr. */
export function stripPgidMarker(stderr: string): { stderr: string; pgid: number | null } {
  const m = MARKER_RE.exec(stderr);
  if (!m) return { stderr, pgid: null };
  const start = m.index + (m[0].startsWith("\n") ? 1 : 0);
  return {
    stderr: stderr.slice(0, start) + stderr.slice(m.index + m[0].length),
    pgid: Number(m[1]),
  };
}

/**
 * Sends a signal request on a session channel. ssh2's ClientChannel.signal() does nothing once
 * stdin has been ended (it checks `writable`), and stdin is ended at once so that commands see
 * EOF; the protocol allows the request at any time, so use the channel's protocol directly.
 */
function signalChannel(stream: ClientChannel, name: "TERM" | "KILL"): void {
  const internals = stream as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  const protocol = internals._client?._protocol;
  try {
    // "eof" is our own end of stdin; the channel is still open for requests.
    if (
      id !== undefined &&
      (state === "open" || state === "eof") &&
      typeof protocol?.signal === "function"
    ) {
      protocol.signal(id, name);
    } else {
      stream.signal(name);
    }
  } catch {
    // The channel is already gone; the close that follows settles the result.
  }
}

function killGroup(
  conn: SshConnection,
  pgid: number,
  signal: "TERM" | "KILL",
  logger: SshLogger,
): void {
  if (conn.closed) return;
  const line = remoteCommandLine(`kill -s ${signal} -- -${pgid} 2>/dev/null\n`);
  try {
    conn.client.exec(line, (err, stream) => {
      if (err) {
        logger.warn(
          { pgid, signal, err: err.message },
          "ssh: could not signal a timed-out command",
        );
        return;
      }
      stream.resume();
      stream.stderr.resume();
      stream.end();
    });
  } catch (e) {
    logger.warn(
      { pgid, signal, err: (e as Error).message },
      "ssh: could not signal a timed-out command",
    );
  }
}

/**
 * Runs `line` on a new exec channel. Rejects when the channel cannot be opened, the server does
 * not start the command within `answerTimeoutMs` (NoAnswerError), or the connection closes before
 * the command's exit status arrived (the outcome is then unknown). Once the command runs, its
 * own `timeoutMs` bounds it, and keepalive the connection under it.
 */
export async function execRemote(
  conn: SshConnection,
  line: string,
  options: RunOptions,
  logger: SshLogger,
  answerTimeoutMs: number,
): Promise<RunResult> {
  let collecting: Promise<RunResult> | null = null;
  await conn.request<ClientChannel>(
    "starting the command",
    answerTimeoutMs,
    (cb) => {
      conn.client.exec(line, (err, stream) => {
        // Listen at once: a short command's output, exit status and close can arrive in the
        // same chunk as the channel's confirmation, before any awaiting code runs.
        if (!err) collecting = collect(conn, stream, options, logger);
        cb(err, stream);
      });
    },
    (late) => {
      // Started after its deadline: nobody waits for it any more.
      late.close();
      collecting?.catch(() => undefined);
    },
  );
  if (collecting === null) throw new Error("Channel closed while starting the command");
  return collecting;
}

/** Waits for the command on `stream` to end (or its time-out to stop it) and collects its output. */
function collect(
  conn: SshConnection,
  stream: ClientChannel,
  options: RunOptions,
  logger: SshLogger,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let pgid: number | null = null;
    let exitCode: number | null | undefined;
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: stripPgidMarker(Buffer.concat(errOut).toString("utf8")).stderr,
        exitCode: timedOut ? null : (exitCode ?? null),
        timedOut,
      });
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            signalChannel(stream, "TERM");
            if (pgid !== null) killGroup(conn, pgid, "TERM", logger);
            killTimer = setTimeout(() => {
              signalChannel(stream, "KILL");
              if (pgid !== null) killGroup(conn, pgid, "KILL", logger);
              // Give the exit status a moment, then stop waiting for the server.
              killTimer = setTimeout(() => {
                stream.close();
                finish();
              }, 1000);
            }, KILL_GRACE_MS);
          }, options.timeoutMs);
    stream.on("data", (d: Buffer) => out.push(d));
    stream.stderr.on("data", (d: Buffer) => {
      errOut.push(d);
      if (pgid === null) pgid = stripPgidMarker(Buffer.concat(errOut).toString("utf8")).pgid;
    });
    stream.on("exit", (code: number | null) => {
      exitCode = typeof code === "number" ? code : null;
    });
    stream.on("close", () => {
      if (settled) return;
      if (exitCode === undefined && !timedOut && conn.closed) {
        settled = true;
        clearTimeout(timer);
        reject(new Error("connection closed while the command ran"));
        return;
      }
      finish();
    });
    stream.end(options.stdin ?? undefined);
  });
}
