/**
 * Daemon tests: each test gets its own SLURMOPT_HOME (so no two share a daemon) and every daemon
 * a test starts is stopped afterwards (stopAllDaemons fails the file when one outlives its stop).
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import type { CampaignSummary, DaemonStatus } from "../../../src/daemon/protocol.js";
import { requestDaemon } from "../../../src/daemon/socketClient.js";
import { isSameProcessRunning } from "../../../src/executor/processStartTime.js";
import { runCli, testDir, type CliResult } from "../../helpers/runCli.js";
import { POLL_FLOOR_MS } from "../slurmCrash/slurmCrashKit.js";

export const sh = promisify(execFile);

export interface DaemonHome {
  /** Where the test's campaigns and spec files live (the CLI's cwd). */
  cwd: string;
  /** SLURMOPT_HOME of this test's daemon. */
  home: string;
  socket: string;
  env: Record<string, string>;
}

const homes: DaemonHome[] = [];

/** A fresh state folder (its socket in it: XDG_RUNTIME_DIR is cleared) and campaign folder. */
export function daemonHome(what: string, env: Record<string, string> = {}): DaemonHome {
  const cwd = testDir(`daemon-${what}`);
  const home = join(cwd, "h");
  const h: DaemonHome = {
    cwd,
    home,
    socket: join(home, "daemon.sock"),
    env: {
      SLURMOPT_HOME: home,
      XDG_RUNTIME_DIR: "",
      SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS,
      ...env,
    },
  };
  homes.push(h);
  return h;
}

export function cli(
  h: DaemonHome,
  args: readonly string[],
  timeoutMs = 300_000,
): Promise<CliResult> {
  return runCli(args, { cwd: h.cwd, env: h.env, timeoutMs });
}

export function daemonPidOf(h: DaemonHome): number | null {
  try {
    const info = JSON.parse(readFileSync(join(h.home, "daemon.json"), "utf8")) as { pid: number };
    return isSameProcessRunning(info.pid, null) ? info.pid : null;
  } catch {
    return null;
  }
}

export function list(h: DaemonHome): Promise<CampaignSummary[]> {
  return requestDaemon<CampaignSummary[]>(h.socket, { op: "list" });
}

export function status(h: DaemonHome): Promise<DaemonStatus> {
  return requestDaemon<DaemonStatus>(h.socket, { op: "status" });
}

/** Waits until the daemon lists `n` campaigns and none of them is still driven. */
export async function waitAllEnded(
  h: DaemonHome,
  n: number,
  timeoutMs: number,
): Promise<CampaignSummary[]> {
  const deadline = Date.now() + timeoutMs;
  let last: CampaignSummary[] = [];
  while (Date.now() < deadline) {
    last = await list(h).catch(() => last);
    if (
      last.length === n &&
      last.every((c) => c.daemonState === "finished" || c.daemonState === "stopped")
    )
      return last;
    await sleep(500);
  }
  throw new Error(`campaigns still driven after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** A Slurm spec of tiny trials (sleep, then RESULT = x), with the fast test poll settings. */
export function writeDaemonSpec(
  h: DaemonHome,
  name: string,
  o: {
    maxEval: number;
    parallelism: number;
    sleep: number;
    /** Trials wait until this file exists before their sleep (a test decides when they end). */
    gate?: string;
    extra?: Record<string, unknown>;
  },
): string {
  const path = join(h.cwd, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: `${o.gate === undefined ? "" : `until [ -e ${o.gate} ]; do sleep 0.5; done; `}sleep ${o.sleep}; echo "RESULT: %(x)"`,
      max_eval: o.maxEval,
      parallelism: o.parallelism,
      seed: 3,
      strategy: "SOBOL",
      executor: "slurm",
      slurm: { mem: "100M", poll_interval: 1, max_poll_interval: 1, output_grace: 10 },
      ...o.extra,
    }),
  );
  return path;
}

/** A folder with a squeue wrapper that logs "<parent pid> <args>" and execs the real squeue. */
export async function squeueWrapper(h: DaemonHome): Promise<{ bin: string; log: string }> {
  const bin = join(h.cwd, "wrappers");
  const log = join(h.cwd, "squeue-calls.log");
  mkdirSync(bin);
  writeFileSync(log, "");
  const real = (await sh("sh", ["-c", "command -v squeue"])).stdout.trim();
  writeFileSync(
    join(bin, "squeue"),
    `#!/bin/sh\nprintf '%s %s\\n' "$PPID" "$*" >> '${log}'\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(bin, "squeue"), 0o755);
  return { bin, log };
}

/** Stops every daemon the tests started; returns the pids that outlived their stop (killed then). */
export async function stopAllDaemons(): Promise<number[]> {
  const leaked: number[] = [];
  for (const h of homes.splice(0)) {
    const pid = daemonPidOf(h);
    if (pid === null) continue;
    await cli(h, ["daemon", "stop", "--wait", "90"]);
    if (isSameProcessRunning(pid, null)) {
      leaked.push(pid);
      process.kill(pid, "SIGKILL");
    }
  }
  return leaked;
}
