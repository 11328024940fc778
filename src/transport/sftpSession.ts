/**
 * One SFTP channel whose every request settles. ssh2 fails the requests pending when a channel
 * ends, but a request sent afterwards is dropped without a word (its callback never runs), and
 * its multi-step helpers (readFile, writeFile) send such requests (a close after a failed read).
 * So each request here is refused at once on a channel that has ended, fails when the channel
 * ends while it waits, and fails when the server has not answered within the deadline.
 */
import type { SFTPWrapper } from "ssh2";
import { NoAnswerError } from "./sshReconnect.js";

/** The SFTP channel ended (its connection, or only the sftp-server, went away). */
export const SFTP_CHANNEL_CLOSED = "SFTP channel closed";

interface ChannelState {
  outgoing?: { state?: string };
  readable?: boolean;
}

export class SftpSession {
  private ended = false;
  private readonly pending = new Set<(e: Error) => void>();

  constructor(
    readonly sftp: SFTPWrapper,
    /** How long the server may take to answer one request. */
    readonly answerTimeoutMs: number,
  ) {
    const onGone = (): void => {
      this.ended = true;
      const error = new Error(`${SFTP_CHANNEL_CLOSED} before the server answered`);
      for (const fail of [...this.pending]) fail(error);
      this.pending.clear();
    };
    sftp.on("end", onGone);
    sftp.on("close", onGone);
    sftp.on("error", () => undefined); // the close that follows fails what waits
  }

  /** Whether requests can still be sent (ssh2 drops them silently otherwise). */
  get open(): boolean {
    const state = this.sftp as unknown as ChannelState;
    return !this.ended && state.outgoing?.state === "open" && state.readable !== false;
  }

  /** Sends one request (`send` calls ssh2 with the callback) and waits for its answer. */
  request<T>(
    what: string,
    send: (callback: (err: Error | null | undefined, value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.open) {
        reject(new Error(`${SFTP_CHANNEL_CLOSED}; cannot send SFTP ${what}`));
        return;
      }
      let settled = false;
      const settle = (error: Error | null, value?: T): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        if (error !== null) reject(error);
        else resolve(value as T);
      };
      const fail = (error: Error): void => {
        settle(error);
      };
      const timer = setTimeout(() => {
        settle(new NoAnswerError(`SFTP ${what}`, this.answerTimeoutMs));
      }, this.answerTimeoutMs);
      this.pending.add(fail);
      try {
        send((err, value) => {
          settle(err ?? null, value);
        });
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** `request` for calls whose callback carries no value. */
  async done(what: string, send: (callback: (err?: Error | null) => void) => void): Promise<void> {
    await this.request<undefined>(what, (cb) => {
      send((err) => {
        cb(err, undefined);
      });
    });
  }
}
