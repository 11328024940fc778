/**
 * ~/.ssh/config host alias resolution (with the ssh-config package): HostName, User, Port,
 * IdentityFile, IdentitiesOnly, IdentityAgent, ProxyJump (one hop), ServerAliveInterval,
 * ServerAliveCountMax, ConnectTimeout, UserKnownHostsFile, HostKeyAlias. First value wins, as
 * in ssh_config(5). `Match exec` blocks are never evaluated (slurmopt runs no shell commands
 * from the config); Include is expanded when the file is loaded.
 */
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";
import SSHConfig from "ssh-config";
import { ClusterError } from "../errors/errors.js";

export interface JumpHost {
  user: string | null;
  host: string;
  port: number | null;
}

export interface SshHostConfig {
  /** The name the user gave (a Host alias or a plain host name). */
  alias: string;
  /** HostName from the config, or the alias itself. */
  hostName: string;
  user: string | null;
  port: number | null;
  /** IdentityFile values with ~, ${VAR} and %-tokens expanded, in config order. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** IdentityAgent: a socket path, "none", or null (use SSH_AUTH_SOCK). */
  identityAgent: string | null;
  proxyJump: JumpHost | null;
  serverAliveIntervalSec: number | null;
  serverAliveCountMax: number | null;
  connectTimeoutSec: number | null;
  userKnownHostsFiles: string[] | null;
  hostKeyAlias: string | null;
}

export interface SshConfigContext {
  homeDir: string;
  localUser: string;
  localHostName: string;
  uid: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Shown in error messages. */
  configFile: string;
}

type Computed = Record<string, string | string[]>;

function first(computed: Computed, key: string): string | null {
  const v = computed[key];
  if (v === undefined) return null;
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === "" ? null : s;
}

function all(computed: Computed, key: string): string[] {
  const v = computed[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function parsePort(text: string, what: string, ctx: SshConfigContext, alias: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `${ctx.configFile}: ${what} "${text}" for host "${alias}" is not a port number (1-65535); fix the config entry`,
    );
  }
  return n;
}

function parseSeconds(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`; IPv6 hosts in brackets. */
export function parseJumpHost(text: string): JumpHost {
  let rest = text.trim().replace(/^ssh:\/\//, "");
  let user: string | null = null;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1] ?? rest;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(rest);
    if (m) {
      rest = m[1] ?? rest;
      port = Number(m[2]);
    }
  }
  return { user: user === "" ? null : user, host: rest, port };
}

/** Expands a leading ~, ${VAR} and the %-tokens ssh_config(5) allows in file paths. */
export function expandPath(
  value: string,
  ctx: SshConfigContext,
  tokens: { host: string; alias: string; port: number; remoteUser: string },
): string {
  let s = value;
  if (s === "~") s = ctx.homeDir;
  else if (s.startsWith("~/")) s = join(ctx.homeDir, s.slice(2));
  s = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => ctx.env[name] ?? "");
  return s.replace(/%(.)/g, (m, t: string) => {
    switch (t) {
      case "%":
        return "%";
      case "h":
        return tokens.host;
      case "n":
        return tokens.alias;
      case "p":
        return String(tokens.port);
      case "r":
        return tokens.remoteUser;
      case "u":
        return ctx.localUser;
      case "d":
        return ctx.homeDir;
      case "l":
        return ctx.localHostName;
      case "L":
        return ctx.localHostName.split(".")[0] ?? ctx.localHostName;
      case "i":
        return String(ctx.uid);
      default:
        return m;
    }
  });
}

/**
 * Resolves `alias` against the text of an ssh config file (null: no config). `user` and `port`
 * are the caller's explicit values, used for %r/%p tokens when given (they win over the config).
 */
export function resolveSshHost(
  configText: string | null,
  alias: string,
  ctx: SshConfigContext,
  explicit: { user?: string; port?: number } = {},
): SshHostConfig {
  let computed: Computed = {};
  if (configText !== null) {
    let parsed: SSHConfig;
    try {
      parsed = SSHConfig.parse(configText);
    } catch (e) {
      throw new ClusterError(
        "TRANSPORT_ERROR",
        `${ctx.configFile}: cannot parse the SSH config (${(e as Error).message}); fix the file or point slurmopt at another one`,
        { cause: e },
      );
    }
    computed = parsed.compute(alias, { ignoreCase: true, matchExec: false });
  }
  const hostNameRaw = first(computed, "hostname") ?? alias;
  const hostName = hostNameRaw.replace(/%(.)/g, (m, t: string) =>
    t === "h" ? alias : t === "%" ? "%" : m,
  );
  const portText = first(computed, "port");
  const port = portText === null ? null : parsePort(portText, "Port", ctx, alias);
  const user = first(computed, "user");
  const tokens = {
    host: hostName,
    alias,
    port: explicit.port ?? port ?? 22,
    remoteUser: explicit.user ?? user ?? ctx.localUser,
  };
  const identityFiles = all(computed, "identityfile")
    .filter((f) => f.toLowerCase() !== "none")
    .map((f) => expandPath(f, ctx, tokens));
  const jumpText = first(computed, "proxyjump");
  let proxyJump: JumpHost | null = null;
  if (jumpText !== null && jumpText.toLowerCase() !== "none") {
    if (jumpText.includes(",")) {
      throw new ClusterError(
        "TRANSPORT_ERROR",
        `${ctx.configFile}: ProxyJump "${jumpText}" for host "${alias}" has several hops; slurmopt supports one ` +
          `jump host. Give the jump host its own Host entry with its own ProxyJump removed, or use a single hop.`,
      );
    }
    proxyJump = parseJumpHost(jumpText);
    if (proxyJump.port !== null) parsePort(String(proxyJump.port), "ProxyJump port", ctx, alias);
  }
  const proxyCommand = first(computed, "proxycommand");
  if (proxyCommand !== null && proxyCommand.toLowerCase() !== "none") {
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `${ctx.configFile}: host "${alias}" uses ProxyCommand (${proxyCommand}), which slurmopt does not run; ` +
        `replace it with "ProxyJump <jumphost>" (one hop) or connect from a machine that reaches the host directly.`,
    );
  }
  const knownHosts = all(computed, "userknownhostsfile").flatMap((v) =>
    v.split(/\s+/).filter((f) => f !== ""),
  );
  const agent = first(computed, "identityagent");
  const onOff = first(computed, "identitiesonly");
  return {
    alias,
    hostName,
    user,
    port,
    identityFiles,
    identitiesOnly: onOff !== null && onOff.toLowerCase() === "yes",
    identityAgent:
      agent === null || agent === "SSH_AUTH_SOCK"
        ? null
        : agent.toLowerCase() === "none"
          ? "none"
          : expandPath(agent.replace(/^\$([A-Za-z_][A-Za-z0-9_]*)$/, "$${$1}"), ctx, tokens),
    proxyJump,
    serverAliveIntervalSec: parseSeconds(first(computed, "serveraliveinterval")),
    serverAliveCountMax: parseSeconds(first(computed, "serveralivecountmax")),
    connectTimeoutSec: parseSeconds(first(computed, "connecttimeout")),
    userKnownHostsFiles:
      knownHosts.length > 0 ? knownHosts.map((f) => expandPath(f, ctx, tokens)) : null,
    hostKeyAlias: first(computed, "hostkeyalias"),
  };
}

/** The local context from the running process. */
export function localSshConfigContext(
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): SshConfigContext {
  return {
    homeDir: homedir(),
    localUser: env.USER ?? env.LOGNAME ?? "root",
    localHostName: env.HOSTNAME ?? "localhost",
    uid: typeof process.getuid === "function" ? process.getuid() : 0,
    env,
    configFile,
  };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

async function includedFiles(pattern: string, baseDir: string, homeDir: string): Promise<string[]> {
  let p = pattern.startsWith("~/") ? join(homeDir, pattern.slice(2)) : pattern;
  if (!isAbsolute(p)) p = join(baseDir, p);
  const name = basename(p);
  if (!/[*?]/.test(name)) return [p];
  try {
    const names = await readdir(dirname(p));
    const re = globToRegExp(name);
    return names
      .filter((n) => re.test(n))
      .sort()
      .map((n) => join(dirname(p), n));
  } catch {
    return [];
  }
}

/**
 * Reads an ssh config file and inlines its Include directives (relative paths are taken from
 * ~/.ssh, wildcards in the file name are expanded). Resolves null when the file does not exist.
 */
export async function loadSshConfigText(
  file: string,
  homeDir: string = homedir(),
  depth = 0,
): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `cannot read SSH config ${file}: ${(e as Error).message}; fix its permissions or set another config file`,
      { cause: e },
    );
  }
  if (depth > 16) {
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `SSH config ${file}: Include nested too deeply (loop?)`,
    );
  }
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include\s*[=\s]\s*(.+?)\s*$/i.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    for (const pattern of (m[1] ?? "").split(/\s+/)) {
      for (const f of await includedFiles(
        pattern.replace(/^"|"$/g, ""),
        join(homeDir, ".ssh"),
        homeDir,
      )) {
        const inner = await loadSshConfigText(f, homeDir, depth + 1);
        if (inner !== null) out.push(inner);
      }
    }
  }
  return out.join("\n");
}
