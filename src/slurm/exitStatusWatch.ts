/**
 * Learns that an attempt's program ended from the attempt itself: its job script writes
 * `exit-status` (atomically, by rename) the moment the program ends, seconds before Slurm's
 * epilogue is done and long before the next squeue at a gentle cadence would show it. One
 * batched existence check per interval for every watched attempt (a stat each locally, one
 * remote command over SSH); squeue and sacct keep their own schedule for everything else.
 */
import { posix } from "node:path";
import type { Logger } from "pino";
import { errorMessage } from "../errors/errors.js";
import { EXIT_STATUS_FILE, parseExitStatus, type ExitStatus } from "../executor/exitStatusFile.js";
import type { Transport } from "../transport/transport.js";
import type { Tracked } from "./trackedJob.js";

export const DEFAULT_EXIT_STATUS_WATCH_MS = 1000;

export interface EndedAttempt {
  readonly tracked: Tracked;
  readonly status: ExitStatus;
}

export class ExitStatusWatch {
  private lastAt = Number.NEGATIVE_INFINITY;

  /** `intervalMs` 0 turns the watch off (Slurm's answers alone, as before). */
  constructor(
    private readonly transport: Transport,
    private readonly intervalMs: number,
    private readonly logger: Logger | undefined,
  ) {}

  /**
   * The watched attempts whose exit-status file has appeared since the last look (each is
   * reported once: `exitSeen` is set). Nothing when the interval has not passed yet (a little
   * early counts: the controller's loop wakes about once per interval). Errors are logged and
   * leave the attempts to squeue and sacct.
   */
  async ended(watched: Iterable<Tracked>, now: number): Promise<EndedAttempt[]> {
    if (this.intervalMs <= 0 || now - this.lastAt < this.intervalMs * 0.8) return [];
    this.lastAt = now;
    const open = [...watched].filter((t) => t.final === null && t.exitSeen !== true);
    if (open.length === 0) return [];
    const pathOf = (t: Tracked): string => posix.join(t.dir, EXIT_STATUS_FILE);
    try {
      const present = await this.transport.whichExist(open.map(pathOf));
      const out: EndedAttempt[] = [];
      for (const t of open) {
        if (!present.has(pathOf(t))) continue;
        const status = parseExitStatus((await this.transport.readFile(pathOf(t))) ?? "");
        if (status === null) continue; // not there after all: look again next time
        t.exitSeen = true;
        out.push({ tracked: t, status });
      }
      return out;
    } catch (e) {
      this.logger?.debug({ err: e }, `exit-status watch: ${errorMessage(e)}`);
      return [];
    }
  }
}

/**
 * Whether an attempt's own exit status settles its result without Slurm's final state: the
 * program ended by itself with exit code 0. Anything else (a non-zero code, a forwarded
 * signal) may be Slurm's doing (time limit, memory kill, preemption, scancel), whose fault
 * only squeue and sacct can name.
 */
export function settlesWithoutSlurm(status: ExitStatus): boolean {
  return status.exitCode === 0 && status.signal === null;
}
