import { processStartTicks } from "./processStartTime.js";

interface Pending {
  /** The group leader's start ticks: a leader pid reused by a new process is not signalled. */
  leaderTicks: number | null;
  killAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Ends what a finished attempt left running in its process group (a program's background
 * children, `sleep 297 & echo "RESULT: 1"`): SIGTERM at once, SIGKILL after the grace period
 * to whatever is still there. The local executor starts every attempt as a process group of
 * its own, so the group's id is the attempt's pid. A process that left the group (setsid,
 * a daemon of its own) is not followed.
 */
export class ProcessGroupReaper {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly graceMs: number) {}

  /** Number of groups signalled with SIGTERM and not yet gone or killed. */
  get lingering(): number {
    return this.pending.size;
  }

  end(pgid: number, leaderTicks: number | null): void {
    if (pgid <= 0 || this.pending.has(pgid) || !groupExists(pgid)) return;
    if (leaderReused(pgid, leaderTicks)) return;
    signalGroup(pgid, "SIGTERM");
    const timer = setTimeout(() => this.kill(pgid), this.graceMs);
    timer.unref();
    this.pending.set(pgid, { leaderTicks, killAt: Date.now() + this.graceMs, timer });
  }

  private kill(pgid: number): void {
    const p = this.pending.get(pgid);
    if (!p) return;
    this.pending.delete(pgid);
    clearTimeout(p.timer);
    if (groupExists(pgid) && !leaderReused(pgid, p.leaderTicks)) signalGroup(pgid, "SIGKILL");
  }

  /**
   * Waits for the signalled groups to go, each up to the end of its grace period, and kills
   * the ones still there: the controller does not exit leaving a child that ignores SIGTERM.
   */
  async close(): Promise<void> {
    while (this.pending.size > 0) {
      const now = Date.now();
      for (const [pgid, p] of this.pending) {
        if (!groupExists(pgid)) {
          clearTimeout(p.timer);
          this.pending.delete(pgid);
        } else if (p.killAt <= now) this.kill(pgid);
      }
      if (this.pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Whether any process of the group exists (and may be signalled by us). */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The leader's pid now belongs to another process. While any member of the old group lives the
 * kernel keeps its id, so a running process with that pid and other start ticks means the old
 * group is gone and the id names a new one.
 */
function leaderReused(pgid: number, leaderTicks: number | null): boolean {
  if (leaderTicks === null) return false;
  const now = processStartTicks(pgid);
  return now !== null && now !== leaderTicks;
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
