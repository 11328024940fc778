import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readFileTailSync } from "../files/readFileFrom.js";
import { signalNameOf } from "./signalNames.js";

/**
 * The exit-status file every attempt writes when its program ends (local wrapper and Slurm job
 * script alike): one line "exit=<code> start=<epoch s> end=<epoch s> host=<name>" (fields in
 * any order; `signal=<name>` when the batch script forwarded a signal; `killed=<number>` when a
 * signal ended the program, as its wait status says: src/executor/waitStatus.ts).
 */
export const EXIT_STATUS_FILE = "exit-status";
export const STDOUT_FILE = "stdout";
export const STDERR_FILE = "stderr";
/**
 * How much of an attempt's stdout (and stderr) is read when it ends: the last 16 MiB, locally,
 * on Slurm and over SSH alike. Result lines are normally at the end; a larger output's beginning
 * is not read, so a program that prints gigabytes cannot take the controller's memory.
 */
export const OUTPUT_WINDOW_BYTES = 16 * 1024 * 1024;
/** The local executor's script for an attempt (kept: `sh attempt.sh` repeats the attempt). */
export const ATTEMPT_SCRIPT_FILE = "attempt.sh";

export interface ExitStatus {
  exitCode: number | null;
  startTime: number | null;
  endTime: number | null;
  hostname: string | null;
  signal: string | null;
  /** The signal that ended the program ("SIGKILL"), from its wait status; null otherwise. */
  killedBy: string | null;
}

/** "9" -> "SIGKILL"; null for anything but a signal number. */
export function signalFromNumber(text: string | undefined): string | null {
  if (text === undefined || !/^\d{1,2}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 64 ? signalNameOf(n) : null;
}

export function parseExitStatus(text: string): ExitStatus | null {
  const fields = new Map<string, string>();
  for (const m of text.matchAll(/(\w+)=(\S*)/g)) fields.set(m[1]!, m[2]!);
  if (!fields.has("exit")) return null;
  const num = (k: string): number | null => {
    const v = fields.get(k);
    if (v === undefined || v === "") return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const start = num("start");
  const end = num("end");
  return {
    exitCode: num("exit"),
    startTime: start === null ? null : start * 1000,
    endTime: end === null ? null : end * 1000,
    hostname: fields.get("host") || null,
    signal: fields.get("signal") || null,
    killedBy: signalFromNumber(fields.get("killed")),
  };
}

/** An ended attempt's exit-status file in `dir` (its end time the file's mtime when it has none); null: none readable. */
export function readExitStatus(dir: string): ExitStatus | null {
  try {
    const path = join(dir, EXIT_STATUS_FILE);
    const status = parseExitStatus(readFileSync(path, "utf8"));
    if (status && status.endTime === null) status.endTime = statSync(path).mtimeMs;
    return status;
  } catch {
    return null;
  }
}

/** The program's stdout in `dir` (its last OUTPUT_WINDOW_BYTES when it is larger); "" when none. */
export function readStdoutWindow(dir: string): string {
  try {
    return readFileTailSync(join(dir, STDOUT_FILE), OUTPUT_WINDOW_BYTES)?.toString("utf8") ?? "";
  } catch {
    return "";
  }
}
