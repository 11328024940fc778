/**
 * Turns a refused host key verdict into an actionable ClusterError (code SSH_HOST_KEY): which
 * host, which key (SHA256 fingerprint), which known_hosts file and line, and the exact command
 * that fixes it once the fingerprint has been checked.
 */
import { ClusterError } from "../errors/errors.js";
import type { HostKeyVerdict, KnownHostsEntry } from "./knownHosts.js";
import { keyTypeOfBlob, sha256Fingerprint } from "./knownHosts.js";
import { shellJoin, shellQuote } from "./shellQuote.js";

export interface HostKeyContext {
  /** Host name to connect to (after ~/.ssh/config resolution). */
  host: string;
  port: number;
  /** Name looked up in known_hosts (`[host]:port`, or HostKeyAlias). */
  lookupName: string;
  /** known_hosts files searched, in order; new keys belong in the first one. */
  files: readonly string[];
  /** ProxyJump destination when the host is only reachable through a jump host. */
  jump?: string;
  /** Those of `files` that do not exist. */
  missing?: readonly string[];
}

/** ssh-keyscan's -t names: ed25519, ecdsa, rsa, dsa. */
function keyscanType(keyType: string): string {
  if (keyType === "ssh-ed25519") return "ed25519";
  if (keyType.startsWith("ecdsa-sha2-")) return "ecdsa";
  if (keyType === "ssh-rsa" || keyType.startsWith("rsa-sha2-")) return "rsa";
  if (keyType === "ssh-dss") return "dsa";
  return keyType;
}

function where(entry: KnownHostsEntry): string {
  return `${entry.file}:${entry.line}`;
}

/** The command that appends the host's current key to the user's known_hosts file. */
export function addHostKeyCommand(ctx: HostKeyContext, keyType: string): string {
  const target = ctx.files[0] ?? "~/.ssh/known_hosts";
  if (ctx.jump !== undefined) {
    // ssh-keyscan cannot go through a jump host; an interactive ssh asks and records the key.
    const portArgs = ctx.port === 22 ? [] : ["-p", String(ctx.port)];
    return `${shellJoin(["ssh", "-J", ctx.jump, "-o", `UserKnownHostsFile=${target}`, ...portArgs, ctx.host, "true"])} (answer "yes" after comparing the fingerprint)`;
  }
  const portArgs = ctx.port === 22 ? [] : ["-p", String(ctx.port)];
  return `${shellJoin(["ssh-keyscan", ...portArgs, "-t", keyscanType(keyType), ctx.host])} >> ${shellQuote(target)}`;
}

/** Null for an accepted key; otherwise the error to raise (nothing has been sent to the host). */
export function hostKeyError(
  verdict: HostKeyVerdict,
  presented: Buffer,
  ctx: HostKeyContext,
): ClusterError | null {
  const keyType = keyTypeOfBlob(presented) ?? "unknown";
  const fp = sha256Fingerprint(presented);
  switch (verdict.status) {
    case "ok":
      return null;
    case "revoked":
      return new ClusterError(
        "SSH_HOST_KEY",
        `SSH host key of ${ctx.lookupName} is REVOKED: the server presented ${keyType} key ${fp}, which ` +
          `${where(verdict.entry)} marks @revoked. Refusing to connect; nothing was sent. Ask the cluster's ` +
          `administrators which key the host should present now.`,
      );
    case "changed": {
      const recorded = verdict.entries
        .map((e) => `${where(e)} (${e.keyType} ${sha256Fingerprint(e.key)})`)
        .join(", ");
      const first = verdict.entries[0];
      const file = first?.file ?? ctx.files[0] ?? "~/.ssh/known_hosts";
      return new ClusterError(
        "SSH_HOST_KEY",
        `WARNING: SSH HOST KEY FOR ${ctx.lookupName} HAS CHANGED. The server presented ${keyType} key ${fp}, ` +
          `but known_hosts records a different key: ${recorded}. Someone may be intercepting the ` +
          `connection (man-in-the-middle attack), or the host key was replaced. Refusing to connect; ` +
          `nothing was sent. Check the new fingerprint with the cluster's administrators; if the change ` +
          `is expected, remove the old entry with \`${shellJoin(["ssh-keygen", "-R", ctx.lookupName, "-f", file])}\` ` +
          `and add the new key with \`${addHostKeyCommand({ ...ctx, files: [file] }, keyType)}\`.`,
      );
    }
    case "unknown": {
      const searched = ctx.files.length > 0 ? ctx.files.join(", ") : "(no known_hosts files)";
      const missing = ctx.missing ?? [];
      const absent =
        missing.length === 0
          ? ""
          : `; ${missing.length === ctx.files.length ? "none of them exists" : `${missing.join(", ")} does not exist`}`;
      let detail = "";
      if (verdict.otherTypes.length > 0) {
        detail += ` known_hosts records only other key types for this host (${verdict.otherTypes
          .map((e) => `${e.keyType} at ${where(e)}`)
          .join(", ")}), so the ${keyType} key cannot be checked.`;
      }
      if (verdict.certAuthorities.length > 0) {
        detail += ` ${verdict.certAuthorities.map(where).join(", ")} trusts a host certificate authority, but slurmopt verifies plain host keys only.`;
      }
      return new ClusterError(
        "SSH_HOST_KEY",
        `SSH host ${ctx.lookupName} is not known: it presented ${keyType} key ${fp}, and no known_hosts ` +
          `entry matches (searched ${searched}${absent}).${detail} slurmopt never accepts unknown host keys. ` +
          `Compare the fingerprint with the one the cluster's administrators publish, then add the key ` +
          `with \`${addHostKeyCommand(ctx, keyType)}\`.`,
      );
    }
  }
}
