/**
 * User authentication for the SSH transport: key files (an encrypted key's passphrase comes
 * from an environment variable or a prompt on a TTY) and ssh-agent, turned into the ordered list
 * of methods ssh2 tries, and a clear error when the server accepts none of them.
 */
import { readFile } from "node:fs/promises";
import ssh2 from "ssh2";
import type { AnyAuthMethod, ParsedKey } from "ssh2";
import { ClusterError } from "../errors/errors.js";
import { sha256Fingerprint } from "./knownHosts.js";
import type { AskPassphrase } from "./sshPassphrasePrompt.js";

const { utils } = ssh2;

export interface IdentityFile {
  path: string;
  /** Named by the user (option or IdentityFile): a missing or unreadable file is an error. */
  explicit: boolean;
}

export interface Identity {
  file: string;
  key: ParsedKey;
}

export interface PassphraseSource {
  /** Name of the environment variable holding the passphrase, e.g. SLURMOPT_SSH_PASSPHRASE. */
  envName: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Prompt (on a TTY); null when nobody can be asked. */
  ask: AskPassphrase | null;
}

export interface LoadedIdentities {
  identities: Identity[];
  /** Keys that were skipped and why; part of the authentication error message. */
  notes: string[];
}

function authError(message: string, cause?: unknown): ClusterError {
  return new ClusterError("SSH_AUTH", message, cause === undefined ? undefined : { cause });
}

async function decrypt(
  file: string,
  data: Buffer,
  source: PassphraseSource,
  notes: string[],
): Promise<ParsedKey | null> {
  const fromEnv = source.env[source.envName];
  if (fromEnv !== undefined && fromEnv !== "") {
    const key = utils.parseKey(data, fromEnv);
    if (key instanceof Error) {
      throw authError(
        `cannot decrypt SSH key ${file} with the passphrase in $${source.envName} (${key.message}); ` +
          `set ${source.envName} to the key's passphrase, or load the key into ssh-agent with \`ssh-add ${file}\``,
        key,
      );
    }
    return key;
  }
  if (source.ask !== null) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await source.ask(file);
      if (answer === null) break;
      const key = utils.parseKey(data, answer);
      if (!(key instanceof Error)) return key;
      process.stderr.write(`Bad passphrase for ${file}, try again.\n`);
    }
  }
  notes.push(
    `key ${file} is encrypted and no passphrase was available: set $${source.envName}, ` +
      `load the key into ssh-agent (\`ssh-add ${file}\`), or run slurmopt on a terminal to be asked`,
  );
  return null;
}

/** Reads and decrypts key files in order. Default key files that do not exist are skipped. */
export async function loadIdentities(
  files: readonly IdentityFile[],
  source: PassphraseSource,
): Promise<LoadedIdentities> {
  const result: LoadedIdentities = { identities: [], notes: [] };
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const { path, explicit } of files) {
    if (seen.has(path)) continue;
    seen.add(path);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!explicit && code === "ENOENT") {
        missing.push(path);
        continue;
      }
      if (!explicit) {
        result.notes.push(`cannot read key ${path}: ${(e as Error).message}`);
        continue;
      }
      throw authError(
        `cannot read SSH identity file ${path} (${(e as Error).message}); fix the path in identity_file / ` +
          `IdentityFile or the file's permissions`,
        e,
      );
    }
    let key = utils.parseKey(data);
    if (key instanceof Error && /passphrase|encrypted/i.test(key.message)) {
      const decrypted = await decrypt(path, data, source, result.notes);
      if (decrypted === null) continue;
      key = decrypted;
    }
    if (key instanceof Error || !key.isPrivateKey()) {
      const why = key instanceof Error ? key.message : "it is a public key";
      if (explicit) {
        throw authError(
          `SSH identity file ${path} is not a usable private key (${why}); give the private key file ` +
            `(not the .pub), in OpenSSH or PEM format`,
          key instanceof Error ? key : undefined,
        );
      }
      result.notes.push(`skipped ${path}: ${why}`);
      continue;
    }
    result.identities.push({ file: path, key });
  }
  if (missing.length > 0 && result.identities.length === 0) {
    result.notes.push(`no key file found (looked for ${missing.join(", ")})`);
  }
  return result;
}

/**
 * The methods ssh2 tries, in order: ssh-agent first, then key files (as OpenSSH does). With
 * IdentitiesOnly the key files go first, so a full agent cannot exhaust the server's MaxAuthTries.
 */
export function authMethods(
  username: string,
  identities: readonly Identity[],
  agentSocket: string | null,
  identitiesOnly: boolean,
): AnyAuthMethod[] {
  const keys: AnyAuthMethod[] = identities.map((i) => ({
    type: "publickey",
    username,
    key: i.key,
  }));
  const agent: AnyAuthMethod[] =
    agentSocket === null ? [] : [{ type: "agent", username, agent: agentSocket }];
  return identitiesOnly ? [...keys, ...agent] : [...agent, ...keys];
}

/** What was offered, for the error message. */
export function describeOffered(
  identities: readonly Identity[],
  agentSocket: string | null,
): string[] {
  const offered = identities.map(
    (i) => `key ${i.file} (${i.key.type} ${sha256Fingerprint(i.key.getPublicSSH())})`,
  );
  if (agentSocket !== null) offered.unshift(`ssh-agent at ${agentSocket}`);
  return offered;
}

export interface AuthFailureContext {
  user: string;
  host: string;
  port: number;
  offered: string[];
  notes: string[];
}

export function authFailedError(ctx: AuthFailureContext, cause?: unknown): ClusterError {
  const where = `${ctx.user}@${ctx.host}:${ctx.port}`;
  const tried =
    ctx.offered.length > 0 ? ctx.offered.join("; ") : "nothing (no agent, no readable key file)";
  const notes = ctx.notes.length > 0 ? ` Notes: ${ctx.notes.join("; ")}.` : "";
  const portArg = ctx.port === 22 ? "" : ` -p ${ctx.port}`;
  return authError(
    `SSH authentication failed for ${where}: the server accepted none of the offered credentials ` +
      `(tried: ${tried}).${notes} Fix: put the public key into ~/.ssh/authorized_keys of ${ctx.user} on ` +
      `${ctx.host}, or name the right key with identity_file (or IdentityFile in ~/.ssh/config); ` +
      `check with \`ssh${portArg} -i <key> ${ctx.user}@${ctx.host} true\`.`,
    cause,
  );
}
