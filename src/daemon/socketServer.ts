import { chmodSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import { errorMessage, isSlurmoptError, StateError } from "../errors/errors.js";
import {
  errorReply,
  MAX_REQUEST_BYTES,
  okReply,
  parseRequest,
  type Reply,
  type Request,
} from "./protocol.js";

/** Answers one validated request; a thrown SlurmoptError becomes a REFUSED reply with its message. */
export type RequestHandler = (request: Request) => Promise<unknown>;

/**
 * Makes the socket's folder: created 0700, or an existing one owned by this user set to 0700.
 * A folder of another user is refused (someone could listen in our place).
 */
export function prepareSocketDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new StateError(
      "STORE_ERROR",
      `the daemon's socket folder ${dir} belongs to uid ${st.uid}, not to you (uid ${uid}); remove it or set SLURMOPT_HOME to a folder of yours`,
    );
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/**
 * The daemon's Unix-socket server: one JSON request per line, one reply per line, in order per
 * connection. A malformed, oversized, unknown or failing request gets an error reply; the
 * server goes on serving every other connection (and this one, unless the line was too long).
 */
export class SocketServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    private readonly handle: RequestHandler,
    private readonly logger: Logger,
  ) {
    this.server = createServer((s) => this.serve(s));
  }

  /** Listens on the socket (made 0600; the folder must be prepared first). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      // No moment where the socket exists with wider permissions than 0600.
      const old = process.umask(0o177);
      const fail = (e: Error): void => {
        process.umask(old);
        reject(e);
      };
      this.server.once("error", fail);
      this.server.listen(this.path, () => {
        process.umask(old);
        this.server.off("error", fail);
        this.server.on("error", (e) => this.logger.error({ err: e }, "socket server error"));
        try {
          chmodSync(this.path, 0o600);
          resolve();
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  /** Stops accepting, ends open connections and removes the socket. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.end();
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 1000).unref();
    });
    return this.closing;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", (e) => this.logger.debug({ err: e }, "client connection error"));
    socket.setEncoding("utf8");
    let buffer = "";
    let queue: Promise<void> = Promise.resolve();
    let dropped = false;
    socket.on("data", (chunk: string) => {
      if (dropped) return;
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
          this.refuseTooLarge(socket);
          dropped = true;
          return;
        }
        if (line.trim() === "") continue;
        queue = queue.then(() => this.answer(socket, line));
      }
      if (Buffer.byteLength(buffer) > MAX_REQUEST_BYTES) {
        this.refuseTooLarge(socket);
        dropped = true;
      }
    });
  }

  private refuseTooLarge(socket: Socket): void {
    this.logger.warn("a request over the size limit was refused");
    this.write(
      socket,
      errorReply(
        undefined,
        "TOO_LARGE",
        `the request is over ${MAX_REQUEST_BYTES} bytes; requests name campaign folders and are small`,
      ),
    );
    socket.end();
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    const parsed = parseRequest(line);
    if ("error" in parsed) {
      this.logger.warn({ error: parsed.error }, "a request was refused");
      this.write(socket, parsed.error);
      return;
    }
    const { request } = parsed;
    try {
      this.write(socket, okReply(request.id, await this.handle(request)));
    } catch (e) {
      if (isSlurmoptError(e)) {
        this.write(
          socket,
          errorReply(
            request.id,
            e.code === "CAMPAIGN_NOT_FOUND" ? "NOT_DRIVEN" : "REFUSED",
            e.message,
          ),
        );
      } else {
        this.logger.error({ err: e, op: request.op }, "a request failed");
        this.write(socket, errorReply(request.id, "INTERNAL", errorMessage(e)));
      }
    }
  }

  private write(socket: Socket, reply: Reply): void {
    if (socket.writable) socket.write(`${JSON.stringify(reply)}\n`);
  }
}
