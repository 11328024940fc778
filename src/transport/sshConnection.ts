/**
 * Opens one authenticated ssh2 connection, directly or through one ProxyJump host (a channel
 * forwarded by a first connection). Host keys are checked against known_hosts before anything
 * is sent; refusals and failed authentication become ClusterErrors that say how to fix them.
 */
import ssh2 from "ssh2";
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from "ssh2";
import { ClusterError } from "../errors/errors.js";
import type { LoadedKnownHosts } from "./knownHosts.js";
import { checkHostKey, knownKeyTypes } from "./knownHosts.js";
import { authFailedError, authMethods, describeOffered } from "./sshAuth.js";
import type { LoadedIdentities } from "./sshAuth.js";
import { hostKeyError } from "./sshHostKeyErrors.js";
import { NoAnswerError } from "./sshReconnect.js";
import { describeEndpoint } from "./sshOptions.js";
import type { ResolvedSshOptions, SshEndpoint, SshLogger } from "./sshOptions.js";

const { Client: SshClient } = ssh2;

export interface ConnectionInputs {
  resolved: ResolvedSshOptions;
  knownHosts: LoadedKnownHosts;
  targetIdentities: LoadedIdentities;
  jumpIdentities: LoadedIdentities | null;
  logger: SshLogger;
}

const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/** Like OpenSSH: prefer the host key types known_hosts records for this host. */
export function preferredHostKeyAlgorithms(
  knownTypes: readonly string[],
): ServerHostKeyAlgorithm[] {
  const preferred: ServerHostKeyAlgorithm[] = [];
  for (const t of knownTypes) {
    const algos = t === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [t];
    for (const a of HOST_KEY_ALGORITHMS)
      if (algos.includes(a) && !preferred.includes(a)) preferred.push(a);
  }
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

type Ssh2Error = Error & { level?: string; code?: string };

function networkError(e: Ssh2Error, what: string, endpoint: SshEndpoint): ClusterError {
  let hint = "check the network (VPN, firewall) and that the host is up";
  if (e.code === "ECONNREFUSED")
    hint = `nothing accepts connections on port ${endpoint.port}; check the host and port`;
  else if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN")
    hint = `the host name "${endpoint.host}" does not resolve; check the host / HostName`;
  return new ClusterError(
    "TRANSPORT_ERROR",
    `cannot connect to ${what} ${describeEndpoint(endpoint)}: ${e.message}; ${hint}`,
    {
      cause: e,
    },
  );
}

function connectClient(
  endpoint: SshEndpoint,
  what: string,
  identities: LoadedIdentities,
  inputs: ConnectionInputs,
  sock: ClientChannel | null,
): Promise<Client> {
  const { resolved, knownHosts } = inputs;
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    const notes = [...identities.notes];
    let hostKeyFailure: ClusterError | null = null;
    let settled = false;
    const fail = (error: ClusterError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(
        new ClusterError(
          "TRANSPORT_ERROR",
          `timed out after ${resolved.connectTimeoutMs} ms connecting to ${what} ${describeEndpoint(endpoint)} ` +
            `(TCP connect, SSH handshake and authentication); check the network, or raise the connect timeout`,
        ),
      );
    }, resolved.connectTimeoutMs);
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on("error", (e: Ssh2Error) => {
      if (settled) return;
      if (hostKeyFailure !== null) {
        fail(hostKeyFailure);
        return;
      }
      if (e.level === "agent") {
        notes.push(`ssh-agent at ${resolved.agent ?? "?"} could not be used (${e.message})`);
        return;
      }
      if (e.level === "client-authentication") {
        if (/All configured authentication methods failed/.test(e.message)) {
          const offered = describeOffered(identities.identities, resolved.agent);
          fail(
            authFailedError(
              { user: endpoint.user, host: endpoint.host, port: endpoint.port, offered, notes },
              e,
            ),
          );
        } else notes.push(e.message);
        return;
      }
      fail(networkError(e, what, endpoint));
    });
    client.on("close", () => {
      fail(
        new ClusterError(
          "TRANSPORT_ERROR",
          `connection to ${what} ${describeEndpoint(endpoint)} closed during the SSH handshake; check that ` +
            `an SSH server listens there and accepts ${endpoint.user} (sshd's log names the reason)`,
        ),
      );
    });
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      keepaliveInterval: resolved.keepaliveIntervalMs,
      keepaliveCountMax: resolved.keepaliveCountMax,
      readyTimeout: resolved.connectTimeoutMs,
      algorithms: {
        serverHostKey: preferredHostKeyAlgorithms(
          knownKeyTypes(knownHosts.entries, endpoint.lookupName),
        ),
      },
      authHandler: authMethods(
        endpoint.user,
        identities.identities,
        resolved.agent,
        endpoint.identitiesOnly,
      ),
      hostVerifier: (key: Buffer): boolean => {
        const verdict = checkHostKey(knownHosts.entries, endpoint.lookupName, key);
        const ctx = {
          host: endpoint.host,
          port: endpoint.port,
          lookupName: endpoint.lookupName,
          files: knownHosts.files,
          missing: knownHosts.missing,
          ...(what === "jump host" || resolved.jump === null
            ? {}
            : { jump: describeEndpoint(resolved.jump) }),
        };
        hostKeyFailure = hostKeyError(verdict, key, ctx);
        return hostKeyFailure === null;
      },
    };
    if (sock !== null) config.sock = sock;
    try {
      client.connect(config);
    } catch (e) {
      fail(
        new ClusterError(
          "TRANSPORT_ERROR",
          `cannot start an SSH connection to ${what}: ${(e as Error).message}`,
          { cause: e },
        ),
      );
    }
  });
}

function forward(
  jump: Client,
  jumpEndpoint: SshEndpoint,
  target: SshEndpoint,
  timeoutMs: number,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(
        new ClusterError(
          "TRANSPORT_ERROR",
          `jump host ${describeEndpoint(jumpEndpoint)} did not open a connection to ${target.host}:${target.port} ` +
            `within ${timeoutMs} ms; check the network, or raise the connect timeout`,
        ),
      );
    }, timeoutMs);
    jump.forwardOut("127.0.0.1", 0, target.host, target.port, (err, stream) => {
      clearTimeout(timer);
      if (settled) {
        if (!err) stream.close();
        return;
      }
      settled = true;
      if (err) {
        reject(
          new ClusterError(
            "TRANSPORT_ERROR",
            `jump host ${describeEndpoint(jumpEndpoint)} could not open a connection to ${target.host}:${target.port} ` +
              `(${err.message}); check the target's HostName as seen from the jump host, and that the jump host ` +
              `allows TCP forwarding (AllowTcpForwarding)`,
            { cause: err },
          ),
        );
      } else resolve(stream);
    });
  });
}

/**
 * One live connection (plus its jump connection). `closed` turns true as soon as either ends or
 * closes, or the transport discards it after an operation showed it is unusable.
 */
export class SshConnection {
  closed = false;
  private readonly closeListeners = new Set<(error: Error | null) => void>();
  private lastError: Error | null = null;
  private readonly closedPromise: Promise<void>;
  private resolveClosed: () => void = () => undefined;

  constructor(
    readonly client: Client,
    private readonly jumpClient: Client | null,
    private readonly logger: SshLogger,
  ) {
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    const onError = (e: Error): void => {
      this.lastError = e;
      this.logger.debug({ err: e.message }, "ssh connection error");
    };
    const onGone = (): void => {
      this.markClosed();
    };
    client.on("error", onError);
    client.on("end", onGone);
    client.on("close", onGone);
    jumpClient?.on("error", onError);
    jumpClient?.on("end", onGone);
    jumpClient?.on("close", onGone);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.resolveClosed();
    this.client.destroy();
    this.jumpClient?.destroy();
    for (const l of [...this.closeListeners]) l(this.lastError);
    this.closeListeners.clear();
  }

  /** Drops a connection that failed an operation in a way only a dead connection does. */
  discard(reason: Error): void {
    this.lastError ??= reason;
    this.markClosed();
  }

  /** Calls `listener` once the connection closes; returns a function that unsubscribes it. */
  onClose(listener: (error: Error | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  /**
   * Sends one request on this connection (`send` hands ssh2 the callback) and waits for the
   * answer. ssh2 may never answer a request sent while the connection goes down, so this
   * rejects at once on a closed connection, when the connection closes while waiting, and with
   * NoAnswerError after `timeoutMs`. A value that arrives after that is handed to `dispose`.
   */
  request<T>(
    what: string,
    timeoutMs: number,
    send: (callback: (err: Error | undefined, value: T) => void) => void,
    dispose: (late: T) => void = () => undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) {
        reject(new Error(`connection closed before ${what}`));
        return;
      }
      let settled = false;
      const settle = (error: Error | null, value?: T): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        if (error !== null) reject(error);
        else resolve(value as T);
        return true;
      };
      const unsubscribe = this.onClose(() => {
        // ssh2 fails the requests of a closed connection itself, right after its "close"
        // event, and its error says how far the request got ("No response from server": the
        // channel never opened). This one only settles what ssh2 left waiting.
        setImmediate(() => settle(new Error(`connection closed while ${what}`)));
      });
      const timer = setTimeout(() => {
        settle(new NoAnswerError(what, timeoutMs));
      }, timeoutMs);
      try {
        send((err, value) => {
          // ssh2 passes `true` when the channel closed before its request was answered.
          const error =
            err === undefined || err === null
              ? null
              : err instanceof Error
                ? err
                : new Error(`Channel closed while ${what}`);
          if (!settle(error, value) && error === null) dispose(value);
        });
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Ends the connection politely; destroys it if it has not closed within `graceMs`. */
  async end(graceMs = 2000): Promise<void> {
    if (!this.closed) {
      this.client.end();
      this.jumpClient?.end();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closedPromise,
      new Promise<void>((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
    this.client.destroy();
    this.jumpClient?.destroy();
  }
}

/** Connects (through the jump host when configured) and authenticates. */
export async function openSshConnection(inputs: ConnectionInputs): Promise<SshConnection> {
  const { resolved } = inputs;
  if (resolved.jump === null) {
    const client = await connectClient(
      resolved.target,
      "host",
      inputs.targetIdentities,
      inputs,
      null,
    );
    return new SshConnection(client, null, inputs.logger);
  }
  const jumpIdentities = inputs.jumpIdentities ?? inputs.targetIdentities;
  const jumpClient = await connectClient(resolved.jump, "jump host", jumpIdentities, inputs, null);
  try {
    const stream = await forward(
      jumpClient,
      resolved.jump,
      resolved.target,
      resolved.connectTimeoutMs,
    );
    const client = await connectClient(
      resolved.target,
      "host",
      inputs.targetIdentities,
      inputs,
      stream,
    );
    return new SshConnection(client, jumpClient, inputs.logger);
  } catch (e) {
    jumpClient.destroy();
    throw e;
  }
}
