/**
 * Options of the SSH transport and their resolution: explicit options beat ~/.ssh/config, which
 * beats OpenSSH's defaults. The result names everything a connection needs (endpoints, key
 * files, agent, known_hosts files, keepalive and time-outs).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { ClusterError } from "../errors/errors.js";
import { knownHostsName } from "./knownHosts.js";
import type { IdentityFile } from "./sshAuth.js";
import { localSshConfigContext, loadSshConfigText, resolveSshHost } from "./sshConfig.js";
import type { SshConfigContext, SshHostConfig } from "./sshConfig.js";
import type { AskPassphrase } from "./sshPassphrasePrompt.js";
import type { ReconnectPolicy } from "./sshReconnect.js";

/** pino-compatible: logger.warn({ fields }, "message"). */
export interface SshLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SshTransportOptions {
  /** Host alias from ~/.ssh/config, or a host name / IP address. */
  host: string;
  /** Remote user (default: User from ~/.ssh/config, else the local user). */
  user?: string;
  /** Port (default: Port from ~/.ssh/config, else 22). */
  port?: number;
  /** Private key files (default: IdentityFile from ~/.ssh/config, else ~/.ssh/id_{ed25519,ecdsa,rsa}). */
  identityFiles?: string[];
  /** known_hosts files, exactly these (default: UserKnownHostsFile or ~/.ssh/known_hosts{,2}, plus /etc/ssh/ssh_known_hosts{,2}). */
  knownHostsFiles?: string[];
  /** ssh config file (default ~/.ssh/config); null ignores any config. */
  sshConfigFile?: string | null;
  /** ssh-agent socket; false: no agent (default: IdentityAgent, else $SSH_AUTH_SOCK). */
  agent?: string | false;
  /** Environment variable with the passphrase of encrypted keys (default SLURMOPT_SSH_PASSPHRASE). */
  passphraseEnv?: string;
  /** Asks for a passphrase; default: a prompt when stdin is a TTY. null: never ask. */
  askPassphrase?: AskPassphrase | null;
  /** Shell lines run before every command in a non-login shell (module load, source .../activate). */
  setupLines?: string[];
  /** Directories put in front of PATH for every command (e.g. /opt/slurm/bin). */
  pathPrefix?: string[];
  /** SSH keepalive interval (default ServerAliveInterval, else 15 s); 0 disables. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dropped (default ServerAliveCountMax, else 3). */
  keepaliveCountMax?: number;
  /** Time allowed for TCP connect, handshake and authentication (default ConnectTimeout, else 20 s). */
  connectTimeoutMs?: number;
  /**
   * Time the server may take to answer one request (opening a channel, starting a command, each
   * SFTP open/read/write/close...) before the connection counts as lost (default 60 s).
   */
  answerTimeoutMs?: number;
  /** Reconnection after a drop (exponential backoff with jitter). */
  reconnect?: Partial<ReconnectPolicy>;
  /** Simultaneous exec channels on the one connection (sshd's MaxSessions is 10 by default; SFTP takes one). */
  maxChannels?: number;
  logger?: SshLogger;
  /** Environment to read SSH_AUTH_SOCK, HOME tokens and the passphrase from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** Name looked up in known_hosts: HostKeyAlias, or `host` / `[host]:port`. */
  lookupName: string;
  identityFiles: IdentityFile[];
  identitiesOnly: boolean;
}

export interface ResolvedSshOptions {
  alias: string;
  target: SshEndpoint;
  jump: SshEndpoint | null;
  agent: string | null;
  knownHostsFiles: string[];
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  connectTimeoutMs: number;
}

const DEFAULT_KEYS = ["id_rsa", "id_ecdsa", "id_ed25519"];

function defaultKnownHosts(home: string): string[] {
  return [
    join(home, ".ssh", "known_hosts"),
    join(home, ".ssh", "known_hosts2"),
    "/etc/ssh/ssh_known_hosts",
    "/etc/ssh/ssh_known_hosts2",
  ];
}

/** `~` and `~/x` on this machine (paths from a spec or from options; the config expands its own). */
function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  return path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

function identityList(
  explicit: readonly string[] | undefined,
  fromConfig: readonly string[],
  home: string,
): IdentityFile[] {
  if (explicit !== undefined && explicit.length > 0) {
    const expanded = explicit.map((p) => expandHome(p, home));
    return expanded.map((path) => ({ path, explicit: true }));
  }
  // Like OpenSSH, a missing IdentityFile from the config is skipped (and named in a failure).
  if (fromConfig.length > 0) return fromConfig.map((path) => ({ path, explicit: false }));
  return DEFAULT_KEYS.map((k) => ({ path: join(home, ".ssh", k), explicit: false }));
}

function endpoint(
  cfg: SshHostConfig,
  user: string | undefined,
  port: number | undefined,
  identityFiles: IdentityFile[],
  ctx: SshConfigContext,
): SshEndpoint {
  const p = port ?? cfg.port ?? 22;
  return {
    host: cfg.hostName,
    port: p,
    user: user ?? cfg.user ?? ctx.localUser,
    lookupName: cfg.hostKeyAlias ?? knownHostsName(cfg.hostName, p),
    identityFiles,
    identitiesOnly: cfg.identitiesOnly,
  };
}

/** Resolves options against ~/.ssh/config. Throws ClusterError TRANSPORT_ERROR for bad config. */
export async function resolveSshOptions(options: SshTransportOptions): Promise<ResolvedSshOptions> {
  const env = options.env ?? process.env;
  const home = env.HOME ?? homedir();
  const configFile =
    options.sshConfigFile === undefined
      ? join(home, ".ssh", "config")
      : options.sshConfigFile === null
        ? null
        : expandHome(options.sshConfigFile, home);
  const ctx: SshConfigContext = {
    ...localSshConfigContext(configFile ?? "(no ssh config)", env),
    homeDir: home,
  };
  const text = configFile === null ? null : await loadSshConfigText(configFile, home);
  return resolveSshOptionsFromText(options, text, ctx);
}

/** The pure part of resolveSshOptions: `text` is the ssh config (Includes inlined) or null. */
export function resolveSshOptionsFromText(
  options: SshTransportOptions,
  text: string | null,
  ctx: SshConfigContext,
): ResolvedSshOptions {
  const env = ctx.env;
  const home = ctx.homeDir;
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
  ) {
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `ssh port ${options.port} is not a port number (1-65535)`,
    );
  }
  const explicit: { user?: string; port?: number } = {};
  if (options.user !== undefined) explicit.user = options.user;
  if (options.port !== undefined) explicit.port = options.port;
  const cfg = resolveSshHost(text, options.host, ctx, explicit);
  const target = endpoint(
    cfg,
    options.user,
    options.port,
    identityList(options.identityFiles, cfg.identityFiles, home),
    ctx,
  );

  let jump: SshEndpoint | null = null;
  if (cfg.proxyJump !== null) {
    const jcfg = resolveSshHost(text, cfg.proxyJump.host, ctx);
    if (jcfg.proxyJump !== null) {
      throw new ClusterError(
        "TRANSPORT_ERROR",
        `${ctx.configFile}: the jump host "${cfg.proxyJump.host}" of "${options.host}" has a ProxyJump of its own; ` +
          `slurmopt supports one hop. Add "ProxyJump none" to the jump host's Host entry, or connect from closer.`,
      );
    }
    const jumpKeys = identityList(undefined, jcfg.identityFiles, home);
    const merged = [
      ...target.identityFiles,
      ...jumpKeys.filter((k) => !target.identityFiles.some((t) => t.path === k.path)),
    ];
    jump = endpoint(
      jcfg,
      cfg.proxyJump.user ?? jcfg.user ?? undefined,
      cfg.proxyJump.port ?? jcfg.port ?? undefined,
      merged,
      ctx,
    );
  }

  const agent =
    options.agent === false
      ? null
      : (options.agent ??
        (cfg.identityAgent === "none" ? null : (cfg.identityAgent ?? env.SSH_AUTH_SOCK ?? null)));

  const aliveSec = cfg.serverAliveIntervalSec;
  return {
    alias: options.host,
    target,
    jump,
    agent: agent === "" ? null : agent,
    knownHostsFiles: options.knownHostsFiles?.map((f) => expandHome(f, home)) ?? [
      ...(cfg.userKnownHostsFiles ?? defaultKnownHosts(home).slice(0, 2)),
      ...defaultKnownHosts(home).slice(2),
    ],
    keepaliveIntervalMs:
      options.keepaliveIntervalMs ?? (aliveSec !== null && aliveSec > 0 ? aliveSec * 1000 : 15_000),
    keepaliveCountMax: options.keepaliveCountMax ?? cfg.serverAliveCountMax ?? 3,
    connectTimeoutMs:
      options.connectTimeoutMs ??
      (cfg.connectTimeoutSec !== null ? cfg.connectTimeoutSec * 1000 : 20_000),
  };
}

export function describeEndpoint(e: SshEndpoint): string {
  return `${e.user}@${e.host}:${e.port}`;
}
