import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");
export const CLI = join(REPO, "bin", "slurmopt.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built slurmopt binary as a user would. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh directory for one test's campaigns (kept after the run for inspection). */
export function testDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `slurmopt-${name}-`));
}

/** A running CLI process that a test can signal (SIGKILL: a controller crash). */
export interface CliChild {
  pid: number;
  ended: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts the built slurmopt binary in the background (`env` on top of this process's). */
export function startCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): CliChild {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    pid: child.pid!,
    ended,
    stdout: () => stdout,
    stderr: () => stderr,
    kill: async (signal = "SIGKILL") => {
      child.kill(signal);
      await ended;
    },
  };
}

/** A small seeded PRNG, so that random instants (kills, cuts) can be replayed from a logged seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `slurmopt run` of a local campaign `name` with one parameter x in [0, 1], one trial at a
 * time, `program` as its run program, `maxEval` trials, and `extra` flags.
 */
export function localRunArgs(
  name: string,
  program: string,
  maxEval: number,
  extra: readonly string[] = [],
): string[] {
  return [
    "run",
    "--experiment_name",
    name,
    "--force_local_execution",
    "--num_parallel_jobs",
    "1",
    "--parameter",
    "x",
    "range",
    "0",
    "1",
    "--run_program",
    program,
    "--max_eval",
    String(maxEval),
    ...extra,
  ];
}
