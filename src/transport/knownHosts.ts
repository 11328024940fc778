/**
 * known_hosts parsing and host key verification, following OpenSSH (sshd(8) "SSH_KNOWN_HOSTS
 * FILE FORMAT"): plain host patterns with wildcards and negation, comma lists, hashed
 * `|1|salt|hash` entries, the `[host]:port` form for ports other than 22, and the @revoked and
 * @cert-authority markers. A presented key is accepted only when a line for the host records
 * exactly that key; nothing is ever accepted blindly.
 */
import { createHash, createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";

export type KnownHostsMarker = "revoked" | "cert-authority" | null;

export type HostField =
  { kind: "patterns"; patterns: string[] } | { kind: "hashed"; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker: KnownHostsMarker;
  hosts: HostField;
  /** Key type as written on the line, e.g. "ssh-ed25519". */
  keyType: string;
  /** The public key in SSH wire format (the base64 field decoded). */
  key: Buffer;
  comment: string;
}

export interface KnownHostsProblem {
  file: string;
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostsEntry[];
  /** Lines that were skipped (OpenSSH skips them too); worth a log line. */
  problems: KnownHostsProblem[];
}

/** The name a host is recorded under: `host` for port 22, `[host]:port` otherwise (lower case). */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH-style fingerprint of a wire-format public key: `SHA256:` + unpadded base64. */
export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** The key type embedded in a wire-format public key (its first string), or null. */
export function keyTypeOfBlob(key: Buffer): string | null {
  if (key.length < 4) return null;
  const len = key.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > key.length) return null;
  return key.subarray(4, 4 + len).toString("latin1");
}

function parseHostField(field: string): HostField | string {
  if (field.startsWith("|")) {
    const parts = field.split("|");
    if (parts.length !== 4 || parts[1] !== "1") return `unsupported hashed host "${field}"`;
    const salt = Buffer.from(parts[2] ?? "", "base64");
    const hash = Buffer.from(parts[3] ?? "", "base64");
    if (salt.length !== 20 || hash.length !== 20) return `malformed hashed host "${field}"`;
    return { kind: "hashed", salt, hash };
  }
  const patterns = field
    .split(",")
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== "");
  if (patterns.length === 0) return "empty host list";
  return { kind: "patterns", patterns };
}

/** Parses one known_hosts file's text. Invalid lines are skipped and reported in `problems`. */
export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostsMarker = null;
    if (fields[0]?.startsWith("@")) {
      const m = fields.shift();
      if (m === "@revoked") marker = "revoked";
      else if (m === "@cert-authority") marker = "cert-authority";
      else {
        problems.push({ file, line, message: `unknown marker "${m}"` });
        return;
      }
    }
    const [hostField, keyType, keyBase64, ...rest] = fields;
    if (hostField === undefined || keyType === undefined || keyBase64 === undefined) {
      problems.push({
        file,
        line,
        message: "expected: [marker] hosts keytype base64-key [comment]",
      });
      return;
    }
    const hosts = parseHostField(hostField);
    if (typeof hosts === "string") {
      problems.push({ file, line, message: hosts });
      return;
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) {
      problems.push({ file, line, message: "key is not base64" });
      return;
    }
    const key = Buffer.from(keyBase64, "base64");
    const embedded = keyTypeOfBlob(key);
    if (embedded !== keyType) {
      problems.push({
        file,
        line,
        message: `key type "${keyType}" does not match the key data ("${embedded ?? "unreadable"}")`,
      });
      return;
    }
    entries.push({ file, line, marker, hosts, keyType, key, comment: rest.join(" ") });
  });
  return { entries, problems };
}

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/**
 * OpenSSH's match_hostname: a name matches a comma list when some positive pattern matches and
 * no negated (`!pattern`) one does. `*` and `?` are wildcards; comparison ignores case.
 */
export function matchHostPatterns(patterns: readonly string[], name: string): boolean {
  const lower = name.toLowerCase();
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const p = negated ? pattern.slice(1) : pattern;
    if (wildcardToRegExp(p.toLowerCase()).test(lower)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Whether an entry's host field covers `name` (as produced by knownHostsName). */
export function entryMatchesHost(entry: KnownHostsEntry, name: string): boolean {
  if (entry.hosts.kind === "patterns") return matchHostPatterns(entry.hosts.patterns, name);
  const digest = createHmac("sha1", entry.hosts.salt).update(name.toLowerCase()).digest();
  return digest.equals(entry.hosts.hash);
}

/** Hashes a host name the way `ssh-keygen -H` does (for tests and for writing entries). */
export function hashHostName(name: string, salt: Buffer): string {
  const digest = createHmac("sha1", salt).update(name.toLowerCase()).digest();
  return `|1|${salt.toString("base64")}|${digest.toString("base64")}`;
}

/** RSA keys are recorded as ssh-rsa but negotiated as rsa-sha2-*; certificates are not keys. */
function sameKeyFamily(recorded: string, presented: string): boolean {
  const family = (t: string): string =>
    t === "rsa-sha2-256" || t === "rsa-sha2-512" ? "ssh-rsa" : t;
  return family(recorded) === family(presented);
}

export type HostKeyVerdict =
  | { status: "ok"; entry: KnownHostsEntry }
  | { status: "revoked"; entry: KnownHostsEntry }
  | { status: "changed"; entries: KnownHostsEntry[] }
  | {
      status: "unknown";
      /** Keys of other types recorded for this host (the server offered a type not recorded). */
      otherTypes: KnownHostsEntry[];
      /** @cert-authority lines covering the host (host certificates are not supported). */
      certAuthorities: KnownHostsEntry[];
    };

/** Checks a presented wire-format host key against parsed entries for the host `name`. */
export function checkHostKey(
  entries: readonly KnownHostsEntry[],
  name: string,
  presented: Buffer,
): HostKeyVerdict {
  const presentedType = keyTypeOfBlob(presented) ?? "unknown";
  const forHost = entries.filter((e) => entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === "revoked" && e.key.equals(presented));
  // A revoked key is refused wherever it appears, even for other hosts (OpenSSH does the same).
  const revokedAnywhere =
    revoked ?? entries.find((e) => e.marker === "revoked" && e.key.equals(presented));
  if (revokedAnywhere) return { status: "revoked", entry: revokedAnywhere };
  const plain = forHost.filter((e) => e.marker === null);
  const exact = plain.find((e) => e.key.equals(presented));
  if (exact) return { status: "ok", entry: exact };
  const sameType = plain.filter((e) => sameKeyFamily(e.keyType, presentedType));
  if (sameType.length > 0) return { status: "changed", entries: sameType };
  return {
    status: "unknown",
    otherTypes: plain,
    certAuthorities: forHost.filter((e) => e.marker === "cert-authority"),
  };
}

/** Key types recorded (plain lines) for a host, in file order, without duplicates. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  const types: string[] = [];
  for (const e of entries) {
    if (e.marker === null && entryMatchesHost(e, name) && !types.includes(e.keyType))
      types.push(e.keyType);
  }
  return types;
}

export interface LoadedKnownHosts extends ParsedKnownHosts {
  /** Files read (in order). */
  files: string[];
  /** Files that do not exist (not an error: OpenSSH treats them as empty). */
  missing: string[];
}

/** Reads and parses known_hosts files; missing files count as empty, unreadable ones as problems. */
export async function loadKnownHosts(files: readonly string[]): Promise<LoadedKnownHosts> {
  const result: LoadedKnownHosts = { entries: [], problems: [], files: [...files], missing: [] };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") result.missing.push(file);
      else result.problems.push({ file, line: 0, message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseKnownHosts(text, file);
    result.entries.push(...parsed.entries);
    result.problems.push(...parsed.problems);
  }
  return result;
}
