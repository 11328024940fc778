/**
 * The loopback OpenSSH server for the SSH integration tests (scripts/sshd-loopback.sh).
 *
 * - As a vitest globalSetup file: `setup` starts the server once per run (and exports its paths
 *   as SLURMOPT_SSHD_* environment variables); `teardown` stops it again if this run started it.
 * - From a test file: `await ensureLoopbackSshd()` in beforeAll (idempotent and cheap when the
 *   server is already up), so the tests also work without the globalSetup.
 *
 * Set SLURMOPT_SSHD_PORT / SLURMOPT_SSHD_DIR to run a second server beside another suite's.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "scripts",
  "sshd-loopback.sh",
);

export interface LoopbackSshd {
  dir: string;
  host: string;
  port: number;
  user: string;
  log: string;
  userKey: string;
  userKeyEncrypted: string;
  userKeyPassphrase: string;
  userKeyUnauthorized: string;
  knownHosts: string;
  knownHostsHashed: string;
  knownHostsChanged: string;
  knownHostsUnknown: string;
}

function parseEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

function toLoopback(vars: Record<string, string>): LoopbackSshd {
  const get = (k: string): string => {
    const v = vars[k];
    if (v === undefined) throw new Error(`scripts/sshd-loopback.sh did not print ${k}`);
    return v;
  };
  return {
    dir: get("SSHD_DIR"),
    host: get("SSHD_HOST"),
    port: Number(get("SSHD_PORT")),
    user: get("SSHD_USER"),
    log: get("SSHD_LOG"),
    userKey: get("USER_KEY"),
    userKeyEncrypted: get("USER_KEY_ENCRYPTED"),
    userKeyPassphrase: get("USER_KEY_PASSPHRASE"),
    userKeyUnauthorized: get("USER_KEY_UNAUTHORIZED"),
    knownHosts: get("KNOWN_HOSTS"),
    knownHostsHashed: get("KNOWN_HOSTS_HASHED"),
    knownHostsChanged: get("KNOWN_HOSTS_CHANGED"),
    knownHostsUnknown: get("KNOWN_HOSTS_UNKNOWN"),
  };
}

interface Instance {
  port?: number;
  dir?: string;
}

async function script(
  args: string[],
  instance: Instance = {},
): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env };
  if (instance.port !== undefined) env.SLURMOPT_SSHD_PORT = String(instance.port);
  if (instance.dir !== undefined) env.SLURMOPT_SSHD_DIR = instance.dir;
  return run("bash", [SCRIPT, ...args], { timeout: 300_000, maxBuffer: 4 << 20, env });
}

/**
 * Starts the loopback sshd unless it runs; fails with what went wrong and how to fix it.
 * `instance` selects another server (port and state directory) than the shared one.
 */
export async function ensureLoopbackSshd(instance: Instance = {}): Promise<LoopbackSshd> {
  try {
    const { stdout } = await script(["up"], instance);
    return toLoopback(parseEnv(stdout));
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(
      `cannot start the loopback sshd with \`bash scripts/sshd-loopback.sh up\`: ${err.stderr?.trim() || err.message}\n` +
        `It needs OpenSSH (apt-get install openssh-server openssh-client; the script installs it when run as ` +
        `root on Debian), a free port ${instance.port ?? process.env.SLURMOPT_SSHD_PORT ?? "2222"} on 127.0.0.1 ` +
        `(set SLURMOPT_SSHD_PORT to use another) and \`ss\` (iproute2). See its log under ` +
        `${instance.dir ?? process.env.SLURMOPT_SSHD_DIR ?? "/tmp/slurmopt-sshd"}/sshd.log.`,
      { cause: e },
    );
  }
}

/**
 * Kills the server side of the connection from 127.0.0.1:`clientPort` (the sshd processes
 * only, as a network cut would leave the commands running). Resolves how many were killed.
 */
export async function killServerSession(
  clientPort: number,
  options: { all?: boolean } & Instance = {},
): Promise<number> {
  const args = ["kill-sessions", "--client-port", String(clientPort)];
  if (options.all === true) args.push("--all");
  const { stdout } = await script(args, options);
  return Number(/killed (\d+)/.exec(stdout)?.[1] ?? "0");
}

/** Stops a server (keeps its keys unless `purge`, so a restarted server has the same host key). */
export async function stopLoopbackSshd(instance: Instance = {}, purge = false): Promise<void> {
  await script(purge ? ["down", "--purge"] : ["down"], instance);
}

let startedHere = false;

export async function setup(): Promise<void> {
  const before = await script(["status"]).then(
    () => true,
    () => false,
  );
  const sshd = await ensureLoopbackSshd();
  startedHere = !before;
  process.env.SLURMOPT_SSHD_DIR = sshd.dir;
  process.env.SLURMOPT_SSHD_PORT = String(sshd.port);
}

export async function teardown(): Promise<void> {
  if (startedHere) await script(["down"]);
}
