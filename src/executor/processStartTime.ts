import { readFileSync, readdirSync } from "node:fs";

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or null
 * when the process does not exist. Together with the pid it identifies a process: a pid reused
 * by another process has another start time.
 */
export function processStartTicks(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 is rest[19].
  if (rest[0] === "Z") return null;
  const ticks = Number(rest[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** Whether the process with this pid still runs and is the same process (same start ticks). */
export function isSameProcessRunning(pid: number, startTicks: number | null): boolean {
  const now = processStartTicks(pid);
  if (now === null) return false;
  return startTicks === null || now === startTicks;
}

/**
 * Live processes that carry SLURMOPT_ATTEMPT_DIR in their environment, by that directory: finds
 * an attempt's processes even when its pid was never recorded (a crash right after spawn).
 */
export function processesByAttemptDir(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${e}/environ`, "utf8");
    } catch {
      continue;
    }
    const i = env.indexOf("SLURMOPT_ATTEMPT_DIR=");
    if (i < 0 || (i > 0 && env[i - 1] !== "\0")) continue;
    const end = env.indexOf("\0", i);
    const dir = env.slice(i + "SLURMOPT_ATTEMPT_DIR=".length, end < 0 ? undefined : end);
    if (processStartTicks(Number(e)) === null) continue;
    const list = out.get(dir) ?? [];
    list.push(Number(e));
    out.set(dir, list);
  }
  return out;
}
