import { EventEmitter } from "node:events";
import { existsSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type {
  AttemptEvent,
  AttemptRef,
  AttemptToRun,
  Executor,
  Fault,
  ResumeFinding,
  StoredAttempt,
  SubmitRecord,
} from "./executor.js";
import { readFileFrom } from "../files/readFileFrom.js";
import { attemptKey } from "./executor.js";
import {
  ATTEMPT_SCRIPT_FILE,
  STDOUT_FILE,
  readExitStatus,
  readStdoutWindow,
} from "./exitStatusFile.js";
import { renderLocalAttemptScript } from "./localAttemptScript.js";
import { ProcessLauncher } from "./processLauncher.js";
import {
  isSameProcessRunning,
  processStartTicks,
  processesByAttemptDir,
} from "./processStartTime.js";
import { setLongTimeout, type LongTimeout } from "./longTimeout.js";
import { ProcessGroupReaper, signalGroup } from "./processGroupReaper.js";

export interface LocalExecutorOptions {
  /**
   * Grace between SIGTERM and SIGKILL when a time limit or a cancel stops an attempt, and for
   * what an ended attempt left running in its process group.
   */
  killGraceMs?: number;
  /**
   * How often running attempts are checked in /proc (a safety net: attempts normally report
   * their end through the launcher; killed ones and adopted ones are found here).
   */
  watchMs?: number;
}

interface Running {
  attempt: { campaignUid: string; attemptId: number; dir: string };
  pid: number;
  startTime: number;
  startTicks: number | null;
  timer: LongTimeout | null;
  killTimer: NodeJS.Timeout | null;
  fault: "TIMEOUT" | "CANCELLED" | null;
}

/** Runs attempts as local processes, each in its own process group. */
export class LocalExecutor implements Executor {
  readonly kind = "local" as const;
  readonly wakeups = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private readonly events: AttemptEvent[] = [];
  private readonly killGraceMs: number;
  private readonly host = hostname();
  private watchTimer: NodeJS.Timeout | null = null;
  private readonly watchMs: number;
  private readonly endedEarly = new Map<string, { code: number; killedBy: string | null }>();
  private readonly launcher = new ProcessLauncher(
    (key, code, killedBy) => this.ended(key, code, killedBy),
    (key) => this.unwritable.add(key),
  );
  /** Attempts whose launched job could not write attempt.sh (reported before their end). */
  private readonly unwritable = new Set<string>();
  private readonly reaper: ProcessGroupReaper;

  constructor(options: LocalExecutorOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.watchMs = options.watchMs ?? 500;
    this.reaper = new ProcessGroupReaper(this.killGraceMs);
  }

  get runningCount(): number {
    return this.running.size;
  }

  async submit(batch: readonly AttemptToRun[]): Promise<SubmitRecord[]> {
    const records: SubmitRecord[] = [];
    let firstError: Error | null = null;
    // One attempt that cannot start (its directory cannot be made) does not hide the others.
    for (const a of batch) {
      try {
        records.push(await this.start(a));
      } catch (e) {
        firstError ??= e instanceof Error ? e : new Error(String(e));
      }
    }
    if (records.length === 0 && firstError !== null) throw firstError;
    return records;
  }

  private async start(a: AttemptToRun): Promise<SubmitRecord> {
    const key = attemptKey(a);
    const script = join(a.dir, ATTEMPT_SCRIPT_FILE);
    const text = renderLocalAttemptScript(a, key);
    mkdirSync(a.dir, { recursive: true });
    // The launched job writes the script: one file fewer created on the controller's thread.
    const pid = await this.launcher.launch(key, script, text);
    const startTime = Date.now();
    const r: Running = {
      attempt: { campaignUid: a.campaignUid, attemptId: a.attemptId, dir: a.dir },
      pid,
      startTime,
      startTicks: processStartTicks(pid),
      timer: null,
      killTimer: null,
      fault: null,
    };
    this.running.set(key, r);
    this.watch();
    const early = this.endedEarly.get(key);
    if (early !== undefined) {
      this.endedEarly.delete(key);
      this.finish(r, early.code, early.killedBy, undefined, true);
    } else if (a.timeoutMs !== null)
      r.timer = setLongTimeout(() => this.stop(r, "TIMEOUT"), a.timeoutMs);
    return {
      attemptId: a.attemptId,
      jobId: null,
      arrayTaskId: null,
      pid,
      pidStartTime: r.startTicks,
      startedAt: { time: startTime, hostname: this.host },
    };
  }

  /**
   * The script reported its end on the launcher's pipe (the fast path). A very short program
   * can end before the launcher reported its start: that ending waits in endedEarly.
   */
  private ended(key: string, exitCode: number, killedBy: string | null): void {
    const r = this.running.get(key);
    if (r) this.finish(r, exitCode, killedBy, undefined, true);
    else this.endedEarly.set(key, { code: exitCode, killedBy });
  }

  /** SIGTERM to the attempt's process group, SIGKILL after the grace period. */
  private stop(r: Running, fault: "TIMEOUT" | "CANCELLED"): void {
    if (r.fault !== null) return;
    r.fault = fault;
    signalGroup(r.pid, "SIGTERM");
    r.killTimer = setTimeout(() => signalGroup(r.pid, "SIGKILL"), this.killGraceMs);
    r.killTimer.unref();
  }

  /**
   * `endTime`: when the end happened while no controller watched (resume), else now.
   * `reported`: the exit code came from the script itself (the launcher's pipe), so the
   * exit-status file, which holds the same, need not be read.
   */
  private finish(
    r: Running,
    code: number | null,
    signal: string | null,
    endTime?: number,
    reported = false,
  ): void {
    const key = attemptKey(r.attempt);
    if (this.running.get(key) !== r) return;
    this.running.delete(key);
    this.unwritable.delete(key);
    r.timer?.clear();
    // The group may still hold background children of the program (`sleep 99 & echo ...`):
    // end them too. A stopped attempt had its SIGTERM and grace already.
    if (r.fault !== null) signalGroup(r.pid, "SIGKILL");
    else {
      if (r.killTimer) clearTimeout(r.killTimer);
      this.reaper.end(r.pid, r.startTicks);
    }
    const status = reported ? null : readExitStatus(r.attempt.dir);
    const stdout = readStdoutWindow(r.attempt.dir);
    const exitCode = reported ? code : (status?.exitCode ?? (signal ? null : code));
    // Only the wait status tells a signal (src/executor/waitStatus.ts): exit code 252 is 252.
    const sig = signal ?? status?.killedBy ?? null;
    this.events.push({
      type: "finished",
      campaignUid: r.attempt.campaignUid,
      attemptId: r.attempt.attemptId,
      result: {
        exitCode,
        signal: sig,
        fault:
          r.fault ??
          (!reported && status === null && code === null && signal === null ? "LOST" : null),
        faultReason:
          r.fault === "TIMEOUT"
            ? "worker time-out reached: SIGTERM sent to the process group"
            : r.fault === "CANCELLED"
              ? "cancelled"
              : null,
        stdout,
        startTime: r.startTime,
        endTime: endTime ?? Date.now(),
        hostname: this.host,
        retryable: false,
      },
    });
    this.wakeups.emit("wake");
  }

  poll(): Promise<AttemptEvent[]> {
    return Promise.resolve(this.events.splice(0));
  }

  readOutputFrom(dir: string, offset: number): Promise<Buffer | null> {
    return readFileFrom(join(dir, STDOUT_FILE), offset);
  }

  cancel(attempts: readonly AttemptRef[]): Promise<void> {
    for (const ref of attempts) {
      const r = this.running.get(attemptKey(ref));
      if (r) this.stop(r, "CANCELLED");
    }
    return Promise.resolve();
  }

  /**
   * Takes over attempts left by an earlier controller. A process still running (same pid and
   * start time, or found by its SLURMOPT_ATTEMPT_DIR in /proc) is watched until it ends; one that
   * ended is collected from its exit-status and stdout files; one that started and vanished
   * without an exit status is LOST (retried); a CREATED attempt with no trace never started.
   */
  resume(attempts: readonly StoredAttempt[]): Promise<ResumeFinding[]> {
    const findings: ResumeFinding[] = [];
    const byDir = attempts.length > 0 ? processesByAttemptDir() : new Map<string, number[]>();
    for (const q of attempts) {
      const record = (pid: number | null, ticks: number | null): SubmitRecord => ({
        attemptId: q.attemptId,
        jobId: null,
        arrayTaskId: null,
        pid,
        pidStartTime: ticks,
      });
      let pid: number | null = null;
      let ticks: number | null = null;
      if (q.pid !== null && isSameProcessRunning(q.pid, q.pidStart)) {
        pid = q.pid;
        ticks = q.pidStart ?? processStartTicks(q.pid);
      } else {
        const found = byDir.get(q.dir);
        if (found && found.length > 0) {
          pid = Math.min(...found);
          ticks = processStartTicks(pid);
        }
      }
      const status = readExitStatus(q.dir);
      const started = status !== null || pid !== null || existsSync(join(q.dir, STDOUT_FILE));
      if (q.state === "CREATED" && !started) {
        findings.push({ attemptId: q.attemptId, found: "not-submitted" });
        continue;
      }
      const r: Running = {
        attempt: { campaignUid: q.campaignUid, attemptId: q.attemptId, dir: q.dir },
        pid: pid ?? q.pid ?? -1,
        startTime: q.startTime ?? Date.now(),
        startTicks: ticks,
        timer: null,
        killTimer: null,
        fault: null,
      };
      this.running.set(attemptKey(q), r);
      findings.push({
        attemptId: q.attemptId,
        found: "tracked",
        record: record(r.pid > 0 ? r.pid : null, ticks),
      });
      if (pid !== null) {
        if (q.remainingMs !== null)
          r.timer = setLongTimeout(() => this.stop(r, "TIMEOUT"), Math.max(0, q.remainingMs));
      } else if (status !== null) {
        this.finish(r, status.exitCode, null, status.endTime ?? undefined);
      } else {
        this.finishLost(r);
      }
    }
    this.watch();
    return Promise.resolve(findings);
  }

  private finishLost(r: Running): void {
    const key = attemptKey(r.attempt);
    if (this.unwritable.delete(key))
      this.finishWithFault(
        r,
        "SUBMIT_FAILED",
        `could not write ${join(r.attempt.dir, ATTEMPT_SCRIPT_FILE)} (is the file system full, read-only or not yours?); the attempt did not start`,
        false,
      );
    else
      this.finishWithFault(
        r,
        "LOST",
        "lost: the process ended without an exit status while no controller watched it",
        true,
      );
  }

  private finishWithFault(r: Running, fault: Fault, reason: string, retryable: boolean): void {
    this.running.delete(attemptKey(r.attempt));
    r.timer?.clear();
    if (r.killTimer) clearTimeout(r.killTimer);
    this.reaper.end(r.pid, r.startTicks);
    this.events.push({
      type: "finished",
      campaignUid: r.attempt.campaignUid,
      attemptId: r.attempt.attemptId,
      result: {
        exitCode: null,
        signal: null,
        fault,
        faultReason: reason,
        stdout: readStdoutWindow(r.attempt.dir),
        startTime: r.startTime,
        endTime: Date.now(),
        hostname: this.host,
        retryable,
      },
    });
    this.wakeups.emit("wake");
  }

  private watch(): void {
    if (this.watchTimer) return;
    this.watchTimer = setInterval(() => this.checkRunning(), this.watchMs);
    this.watchTimer.unref();
  }

  /** Finishes attempts whose process group leader is gone (killed, or not ours to wait for). */
  private checkRunning(): void {
    for (const r of this.running.values()) {
      if (isSameProcessRunning(r.pid, r.startTicks)) continue;
      const status = readExitStatus(r.attempt.dir);
      if (status || r.fault !== null) this.finish(r, status?.exitCode ?? null, null);
      else this.finishLost(r);
    }
    if (this.running.size === 0 && this.watchTimer) {
      clearInterval(this.watchTimer);
      this.watchTimer = null;
    }
  }

  /** Stops watching (running attempts go on); what ended attempts left behind is ended first. */
  async close(): Promise<void> {
    for (const r of this.running.values()) r.timer?.clear();
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
    this.launcher.close();
    await this.reaper.close();
  }

  /** Stops every running attempt now (SIGTERM, then SIGKILL) and waits for them to end. */
  async cancelAll(): Promise<void> {
    await this.cancel([...this.running.values()].map((r) => r.attempt));
  }
}
