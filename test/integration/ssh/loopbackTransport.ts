/** Builds SshTransports against the loopback sshd for tests, and closes every one afterwards. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SshTransport } from "../../../src/transport/sshTransport.js";
import type { SshLogger, SshTransportOptions } from "../../../src/transport/sshTransport.js";
import type { LoopbackSshd } from "./sshdSetup.js";

export interface LogLine {
  level: "debug" | "info" | "warn";
  message: string;
  fields: Record<string, unknown>;
}

export function capturingLogger(lines: LogLine[]): SshLogger {
  return {
    debug: (fields, message) => lines.push({ level: "debug", message, fields }),
    info: (fields, message) => lines.push({ level: "info", message, fields }),
    warn: (fields, message) => lines.push({ level: "warn", message, fields }),
  };
}

const execFileAsync = promisify(execFile);
const open: SshTransport[] = [];

/** Environment without the caller's agent or passphrase, so that tests are deterministic. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.SSH_AUTH_SOCK;
  if (extra.SLURMOPT_SSH_PASSPHRASE === undefined) delete env.SLURMOPT_SSH_PASSPHRASE;
  return env;
}

/**
 * A transport to the loopback sshd with its key and known_hosts; `overrides` replace options,
 * `omit` removes defaults (to test what happens when an option is not given).
 */
export function loopbackTransport(
  sshd: LoopbackSshd,
  overrides: Partial<SshTransportOptions> = {},
  omit: (keyof SshTransportOptions)[] = [],
): SshTransport {
  const options: SshTransportOptions = {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.userKey],
    knownHostsFiles: [sshd.knownHosts],
    sshConfigFile: null,
    agent: false,
    askPassphrase: null,
    env: cleanEnv(),
    connectTimeoutMs: 10_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    logger: capturingLogger([]),
    ...overrides,
  };
  const kept = Object.fromEntries(
    Object.entries(options).filter(([key]) => !omit.includes(key as keyof SshTransportOptions)),
  ) as unknown as SshTransportOptions;
  const t = new SshTransport(kept);
  open.push(t);
  return t;
}

export async function closeAllTransports(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(all.map((t) => t.close()));
}

/** The local port of the transport's current connection, as the server sees it ($SSH_CLIENT). */
export async function clientPortOf(t: SshTransport): Promise<number> {
  const r = await t.run(["sh", "-c", 'echo "$SSH_CLIENT"'], { idempotent: true });
  const port = Number(r.stdout.trim().split(/\s+/)[1]);
  if (!Number.isInteger(port))
    throw new Error(`no client port in SSH_CLIENT: ${JSON.stringify(r.stdout)}`);
  return port;
}

/**
 * Whether a TCP connection from `clientPort` to the sshd is established. With `untilClosed`
 * it waits up to 3 s for the connection to go away first.
 */
export async function connectionOpen(
  sshd: LoopbackSshd,
  clientPort: number,
  untilClosed = false,
): Promise<boolean> {
  for (let i = 0; ; i++) {
    const { stdout } = await execFileAsync("ss", [
      "-Htn",
      "state",
      "established",
      `( sport = :${sshd.port} and dport = :${clientPort} )`,
    ]);
    const open = stdout.trim() !== "";
    if (!open || !untilClosed || i >= 30) return open;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Command lines of running processes that contain `text` (this machine is the server). */
export async function processesMatching(text: string): Promise<string[]> {
  const { stdout } = await execFileAsync("ps", ["-eo", "args="]);
  return stdout.split("\n").filter((l) => l.includes(text) && !l.includes("ps -eo"));
}
