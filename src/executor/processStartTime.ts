import { readFileSync } from "node:fs";

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
