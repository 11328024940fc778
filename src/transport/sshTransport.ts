/**
 * Transport over SSH (ssh2): one connection, reused for commands (exec channels) and files
 * (one SFTP channel), with keepalive. When the connection drops it reconnects with exponential
 * backoff and jitter and retries idempotent operations (readFile, list, mkdir, remove, and
 * writeFile, which is idempotent through its temporary name and atomic rename). run() is retried
 * only when the caller marks the command idempotent; otherwise a drop while a command ran is a
 * ClusterError (TRANSPORT_ERROR) saying its outcome is unknown, so that the caller reconciles
 * (the Slurm executor looks sbatch jobs up by name) before running it again.
 */
import { randomBytes } from "node:crypto";
import type { SFTPWrapper } from "ssh2";
import { ClusterError, SlurmoptError, errorMessage } from "../errors/errors.js";
import { loadKnownHosts } from "./knownHosts.js";
import { loadIdentities } from "./sshAuth.js";
import type { LoadedIdentities } from "./sshAuth.js";
import { SFTP_CHANNEL_CLOSED, SftpSession } from "./sftpSession.js";
import { openSshConnection } from "./sshConnection.js";
import { execNotStarted, execRemote } from "./sshExec.js";
import type { SshConnection } from "./sshConnection.js";
import { describeEndpoint, resolveSshOptions } from "./sshOptions.js";
import type { ResolvedSshOptions, SshLogger, SshTransportOptions } from "./sshOptions.js";
import { rememberingPrompt } from "./sshPassphrasePrompt.js";
import {
  DEFAULT_RECONNECT,
  NoAnswerError,
  abortableDelay,
  backoffDelayMs,
  isConnectionLoss,
} from "./sshReconnect.js";
import type { ReconnectPolicy } from "./sshReconnect.js";
import { remoteCommandLine, remoteScript } from "./sshRemoteCommand.js";
import {
  sftpList,
  sftpMkdirp,
  sftpReadFile,
  sftpReadFrom,
  sftpRemove,
  sftpWriteFileAtomic,
} from "./sshSftp.js";
import { MAX_READ_BYTES } from "../files/readFileFrom.js";
import { ChannelSlots } from "./channelSlots.js";
import { shellJoin } from "./shellQuote.js";
import type { FileEntry, ReadFileOptions, RunOptions, RunResult, Transport } from "./transport.js";

export type { SshTransportOptions, SshLogger } from "./sshOptions.js";

/** RunOptions; `idempotent` lets a command run again after a dropped connection. */
export type SshRunOptions = RunOptions;

interface Prepared {
  resolved: ResolvedSshOptions;
  targetIdentities: LoadedIdentities;
  jumpIdentities: LoadedIdentities | null;
}

const stderrLogger: SshLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields, message) => {
    process.stderr.write(`slurmopt ssh: ${message} ${JSON.stringify(fields)}\n`);
  },
};

/** Prints each argument that names an existing file, one per line. */
const WHICH_EXIST_SCRIPT = 'for f do [ -e "$f" ] && printf "%s\\n" "$f"; done; exit 0';
/** Paths per remote command (well below any ARG_MAX). */
const WHICH_EXIST_CHUNK = 500;

/** How long the server may take to answer one request before the connection counts as lost. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 60_000;

export class SshTransport implements Transport {
  private prepared: Promise<Prepared> | null = null;
  private connection: SshConnection | null = null;
  private connecting: Promise<SshConnection> | null = null;
  private sftpState: { conn: SshConnection; sftp: Promise<SftpSession> } | null = null;
  private everConnected = false;
  private closing: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private readonly policy: ReconnectPolicy;
  private readonly logger: SshLogger;
  private readonly slots: ChannelSlots;
  private readonly answerTimeoutMs: number;
  private label: string;
  private connectCount = 0;

  constructor(private readonly options: SshTransportOptions) {
    this.policy = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.logger = options.logger ?? stderrLogger;
    this.slots = new ChannelSlots(options.maxChannels ?? 8);
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    const user = options.user !== undefined ? `${options.user}@` : "";
    const port = options.port !== undefined ? `:${options.port}` : "";
    this.label = `ssh ${user}${options.host}${port}`;
  }

  get description(): string {
    return this.label;
  }

  /** Connections opened so far (1 + reconnections); for logs and tests. */
  get connects(): number {
    return this.connectCount;
  }

  /** Connects now (normally the first operation does); rejects with the reason it cannot. */
  async connect(): Promise<void> {
    await this.live();
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= (async () => {
      const resolved = await resolveSshOptions(this.options);
      const via = resolved.jump !== null ? ` via ${describeEndpoint(resolved.jump)}` : "";
      this.label = `ssh ${describeEndpoint(resolved.target)}${via}`;
      const env = this.options.env ?? process.env;
      const source = {
        envName: this.options.passphraseEnv ?? "SLURMOPT_SSH_PASSPHRASE",
        env,
        ask:
          this.options.askPassphrase === undefined
            ? rememberingPrompt()
            : this.options.askPassphrase,
      };
      const targetIdentities = await loadIdentities(resolved.target.identityFiles, source);
      const jumpIdentities =
        resolved.jump === null ? null : await loadIdentities(resolved.jump.identityFiles, source);
      return { resolved, targetIdentities, jumpIdentities };
    })();
    this.prepared.catch(() => {
      this.prepared = null; // a fixed config or key file is picked up by the next attempt
    });
    return this.prepared;
  }

  private closedError(): ClusterError {
    return new ClusterError(
      "TRANSPORT_ERROR",
      `${this.label} is closed; create a new transport to reconnect`,
    );
  }

  private live(): Promise<SshConnection> {
    if (this.closing !== null) return Promise.reject(this.closedError());
    if (this.connection !== null && !this.connection.closed)
      return Promise.resolve(this.connection);
    this.connecting ??= this.connectWithBackoff().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private permanent(e: unknown): boolean {
    if (!(e instanceof SlurmoptError)) return false;
    if (e.code !== "TRANSPORT_ERROR") return true; // SSH_HOST_KEY, SSH_AUTH, input errors
    // Before the first success a refused port or an unknown name is a mistake, not a blip.
    const cause = (e.cause as { code?: string } | undefined)?.code;
    return !this.everConnected && (cause === "ECONNREFUSED" || cause === "ENOTFOUND");
  }

  private async connectWithBackoff(): Promise<SshConnection> {
    const prep = await this.prepare();
    let lastError: unknown = null;
    for (let attempt = 0; attempt < this.policy.attempts; attempt++) {
      if (attempt > 0) {
        const delayMs = backoffDelayMs(attempt - 1, this.policy);
        this.logger.warn(
          { target: this.label, attempt, delayMs, err: errorMessage(lastError) },
          "ssh: reconnecting",
        );
        await abortableDelay(delayMs, this.abort.signal);
      }
      try {
        const knownHosts = await loadKnownHosts(prep.resolved.knownHostsFiles);
        for (const p of knownHosts.problems)
          this.logger.debug({ ...p }, "ssh: skipped a known_hosts line");
        const conn = await openSshConnection({ ...prep, knownHosts, logger: this.logger });
        if (this.closing !== null) {
          await conn.end();
          throw this.closedError();
        }
        conn.onClose((err) => {
          if (this.connection === conn) this.connection = null;
          if (this.closing === null) {
            this.logger.warn(
              { target: this.label, err: err?.message ?? null },
              "ssh: connection dropped",
            );
          }
        });
        this.connection = conn;
        this.everConnected = true;
        this.connectCount++;
        if (this.connectCount > 1)
          this.logger.info({ target: this.label, connects: this.connectCount }, "ssh: reconnected");
        return conn;
      } catch (e) {
        if (this.closing !== null) throw this.closedError();
        if (this.permanent(e)) throw e;
        lastError = e;
      }
    }
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `gave up connecting to ${this.label} after ${this.policy.attempts} attempts: ${errorMessage(lastError)}`,
      // Once connected, a host that stops answering is an outage; before, a mistake.
      { cause: lastError, unreachable: this.everConnected },
    );
  }

  private sftp(conn: SshConnection): Promise<SftpSession> {
    if (this.sftpState !== null && this.sftpState.conn === conn) return this.sftpState.sftp;
    const sftp = conn.request<SFTPWrapper>(
      "opening the SFTP channel",
      this.answerTimeoutMs,
      (cb) => {
        conn.client.sftp(cb);
      },
      (late) => {
        late.end();
      },
    );
    const session = sftp.then((s) => new SftpSession(s, this.answerTimeoutMs));
    const state = { conn, sftp: session };
    this.sftpState = state;
    const forget = (): void => {
      if (this.sftpState === state) this.sftpState = null;
    };
    session.then((s) => s.sftp.on("close", forget), forget);
    return session;
  }

  /**
   * After a loss: a dead SFTP channel on a live connection is reopened next time; a connection
   * that cannot even open a channel, or leaves a request unanswered past its deadline, is
   * discarded, so the next operation reconnects.
   */
  private forget(conn: SshConnection, e: unknown): void {
    if (this.sftpState?.conn === conn) this.sftpState = null;
    const sftpOnly =
      e instanceof Error &&
      !(e instanceof NoAnswerError) &&
      (/^No response from server$/.test(e.message) || e.message.startsWith(SFTP_CHANNEL_CLOSED)) &&
      !conn.closed;
    if (!sftpOnly) conn.discard(e instanceof Error ? e : new Error(String(e)));
  }

  /** Runs an idempotent operation, again on a new connection after a drop. */
  private async retrying<T>(what: string, op: (conn: SshConnection) => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      const conn = await this.live();
      try {
        return await op(conn);
      } catch (e) {
        if (e instanceof SlurmoptError) throw e;
        const lost = isConnectionLoss(e, conn.closed);
        if (!lost || this.closing !== null || retry >= this.policy.operationRetries) {
          throw new ClusterError(
            "TRANSPORT_ERROR",
            `${what} on ${this.label} failed: ${errorMessage(e)}`,
            { cause: e, unreachable: lost },
          );
        }
        this.forget(conn, e);
        this.logger.warn(
          { target: this.label, op: what, retry: retry + 1 },
          "ssh: connection lost; retrying",
        );
      }
    }
  }

  readFile(path: string, options: ReadFileOptions = {}): Promise<string | null> {
    return this.retrying(`reading ${path}`, async (c) =>
      sftpReadFile(await this.sftp(c), path, options.lastBytes),
    );
  }

  /**
   * Over the connection's one SFTP channel (shared by every read of a poll cycle, no new
   * connection or channel per file), again on a new connection after a drop (a read is
   * idempotent).
   */
  readFrom(path: string, offset: number, maxBytes = MAX_READ_BYTES): Promise<Buffer | null> {
    return this.retrying(`reading ${path} from byte ${offset}`, async (c) =>
      sftpReadFrom(await this.sftp(c), path, offset, maxBytes),
    );
  }

  writeFile(path: string, content: string, mode?: number): Promise<void> {
    const tmpSuffix = `slurmopt-${randomBytes(6).toString("hex")}`;
    return this.retrying(`writing ${path}`, async (c) =>
      sftpWriteFileAtomic(await this.sftp(c), path, content, mode, tmpSuffix),
    );
  }

  mkdir(path: string): Promise<void> {
    return this.retrying(`creating directory ${path}`, async (c) =>
      sftpMkdirp(await this.sftp(c), path),
    );
  }

  /** One remote shell for all paths (an SFTP stat each would be a round trip each). */
  async whichExist(paths: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < paths.length; i += WHICH_EXIST_CHUNK) {
      const part = paths.slice(i, i + WHICH_EXIST_CHUNK);
      const r = await this.run(["sh", "-c", WHICH_EXIST_SCRIPT, "sh", ...part], {
        idempotent: true,
        timeoutMs: 30_000,
      });
      if (r.exitCode !== 0)
        throw new ClusterError(
          "TRANSPORT_ERROR",
          `checking ${part.length} file(s) on ${this.description} failed: ${r.stderr.trim() || `exit ${r.exitCode ?? "killed"}`}`,
        );
      const asked = new Set(part);
      for (const line of r.stdout.split("\n")) if (asked.has(line)) found.add(line);
    }
    return found;
  }

  list(path: string): Promise<FileEntry[]> {
    return this.retrying(`listing ${path}`, async (c) => sftpList(await this.sftp(c), path));
  }

  remove(path: string): Promise<void> {
    return this.retrying(`removing ${path}`, async (c) => sftpRemove(await this.sftp(c), path));
  }

  async run(argv: readonly string[], options: SshRunOptions = {}): Promise<RunResult> {
    const line = remoteCommandLine(
      remoteScript({
        argv,
        setupLines: this.options.setupLines ?? [],
        pathPrefix: this.options.pathPrefix ?? [],
        env: options.env,
        cwd: options.cwd,
      }),
    );
    for (let retry = 0; ; retry++) {
      const release = await this.slots.acquire();
      let conn: SshConnection | null = null;
      try {
        conn = await this.live();
        return await execRemote(conn, line, options, this.logger, this.answerTimeoutMs);
      } catch (e) {
        if (e instanceof SlurmoptError) throw e;
        const lost = isConnectionLoss(e, conn?.closed ?? false);
        if (lost && conn !== null) this.forget(conn, e);
        const again = execNotStarted(e) || options.idempotent === true;
        if (lost && again && this.closing === null && retry < this.policy.operationRetries) {
          this.logger.warn(
            { target: this.label, argv: argv[0] ?? "", retry: retry + 1 },
            "ssh: connection lost; rerunning",
          );
          continue;
        }
        if (lost && !execNotStarted(e)) {
          throw new ClusterError(
            "TRANSPORT_ERROR",
            `the SSH connection to ${this.label} dropped while \`${shellJoin(argv)}\` ran: the command's outcome is ` +
              `unknown (it may have run, partly or fully). It was not run again because it is not marked ` +
              `idempotent; check its effect before running it again (for sbatch: look the job up by name with ` +
              `squeue/sacct).`,
            { cause: e, unreachable: true },
          );
        }
        throw new ClusterError(
          "TRANSPORT_ERROR",
          `cannot run \`${shellJoin(argv)}\` on ${this.label}: ${errorMessage(e)}`,
          { cause: e, unreachable: lost },
        );
      } finally {
        release();
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort(this.closedError());
      await this.connecting?.catch(() => undefined);
      const conn = this.connection;
      this.connection = null;
      this.sftpState = null;
      if (conn !== null) await conn.end();
    })();
    return this.closing;
  }
}
