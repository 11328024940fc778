import { isAbsolute, resolve } from "node:path";
import { InputError } from "../errors/errors.js";
import type { SshSettings } from "./campaign.js";
import { parseDuration } from "./duration.js";
import type { RawSpec } from "./specSchema.js";

type RawSsh = NonNullable<RawSpec["ssh"]>;

/** A path on this machine: `~` stays for the transport to expand, a relative one is taken from `cwd`. */
function localPath(path: string, cwd: string): string {
  if (path === "~" || path.startsWith("~/") || isAbsolute(path)) return path;
  return resolve(cwd, path);
}

/** A directory on the cluster: absolute, since job scripts and SFTP do not expand `~`. */
function remotePath(path: string, field: string): string {
  if (!path.startsWith("/")) {
    throw new InputError(
      "SPEC_INVALID",
      `field "${field}": "${path}" is a directory on the cluster and must be absolute (job scripts and SFTP do ` +
        `not expand ~ or relative paths); write it out, e.g. "/home/<user>/slurmopt-runs"`,
    );
  }
  return path;
}

/** The `ssh:` section: validated, local paths resolved, durations in seconds. */
export function buildSshSettings(raw: RawSsh, cwd: string): SshSettings {
  if (raw.port !== undefined && raw.port > 65535) {
    throw new InputError("SPEC_INVALID", `field "ssh.port": ${raw.port} is not a port (1-65535)`);
  }
  if (raw.passphrase_env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.passphrase_env)) {
    throw new InputError(
      "SPEC_INVALID",
      `field "ssh.passphrase_env": "${raw.passphrase_env}" is not an environment variable name; give the ` +
        `variable's NAME (e.g. SLURMOPT_SSH_PASSPHRASE), never the passphrase itself`,
    );
  }
  const keepalive = raw.keepalive;
  const remoteDir = remotePath(raw.remote_dir, "ssh.remote_dir");
  return {
    host: raw.host,
    user: raw.user ?? null,
    port: raw.port ?? null,
    identityFile: raw.identity_file === undefined ? null : localPath(raw.identity_file, cwd),
    knownHosts: raw.known_hosts === undefined ? null : localPath(raw.known_hosts, cwd),
    remoteDir,
    workdir: raw.workdir === undefined ? remoteDir : remotePath(raw.workdir, "ssh.workdir"),
    pathPrefix: (raw.path_prefix ?? "").split(":").filter((p) => p !== ""),
    setup: raw.setup ?? [],
    sshConfig:
      raw.ssh_config === undefined
        ? null
        : raw.ssh_config.toLowerCase() === "none"
          ? false
          : localPath(raw.ssh_config, cwd),
    passphraseEnv: raw.passphrase_env ?? null,
    keepaliveSeconds:
      keepalive === undefined
        ? null
        : keepalive === 0 || keepalive === "0"
          ? 0
          : parseDuration(keepalive, 'field "ssh.keepalive"', "s"),
  };
}
