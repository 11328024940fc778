import type { Logger } from "pino";
import { accessRefusedReason, errorMessage, isAccessRefused } from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import { AbortableDelay } from "./abortableDelay.js";
import type { CampaignRunner } from "./campaignRunner.js";

export interface LoopOptions {
  /** Longest sleep between cycles; executor events and proposals wake the loop earlier. */
  idleMs: number;
  logger: Logger;
  /** Called at the start of every cycle (control requests, progress line). */
  onCycle?: () => void;
  /** Keep running when every runner has finished (daemon); the foreground run exits. */
  keepAlive?: boolean;
  /**
   * A running campaign held by the daemon (paused, or outside its submit window) is not
   * refilled: nothing new is proposed or submitted; its running attempts are still collected.
   */
  held?: (uid: string) => boolean;
}

/**
 * One loop for any number of campaigns: each cycle polls every executor ONCE (one batched
 * query for all the campaigns it serves), routes the events to their campaigns, then lets each
 * campaign refill its free slots.
 */
export class ControllerLoop {
  private readonly runners = new Map<string, CampaignRunner>();
  private readonly executors = new Set<Executor>();
  private readonly executorOf = new Map<string, Executor>();
  private readonly delay = new AbortableDelay();
  private stopping = false;
  private running: Promise<void> | null = null;

  constructor(private readonly options: LoopOptions) {}

  add(runner: CampaignRunner, executor: Executor): void {
    this.runners.set(runner.uid, runner);
    this.executorOf.set(runner.uid, executor);
    if (!this.executors.has(executor)) {
      this.executors.add(executor);
      executor.wakeups?.on("wake", () => this.delay.wake());
    }
    this.delay.wake();
  }

  /** Stops driving a runner (the daemon lets go of a finished campaign). */
  remove(uid: string): void {
    const executor = this.executorOf.get(uid);
    this.runners.delete(uid);
    this.executorOf.delete(uid);
    if (executor && ![...this.executorOf.values()].includes(executor))
      this.executors.delete(executor);
  }

  wake(): void {
    this.delay.wake();
  }

  /** Starts the loop; a second caller gets the same promise. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Ends the loop after the current cycle. Idempotent. */
  stop(): void {
    this.stopping = true;
    this.delay.cancel();
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopping) {
        this.options.onCycle?.();
        await this.cycle();
        const all = [...this.runners.values()];
        if (!this.options.keepAlive && all.every((r) => r.state === "finished")) break;
        await this.delay.wait(this.options.idleMs);
      }
    } finally {
      // Also after an error: submissions and cancellations in flight end before the store closes.
      for (const r of this.runners.values()) await r.settle();
    }
  }

  private async cycle(): Promise<void> {
    for (const executor of this.executors) {
      try {
        for (const ev of await executor.poll()) {
          const runner = this.runners.get(ev.campaignUid);
          if (runner) runner.handleEvent(ev);
          else this.options.logger.warn({ ev }, "event for a campaign this loop does not drive");
        }
      } catch (e) {
        if (isAccessRefused(e)) {
          // A changed host key or refused login: asking again cannot help (nor is it safe).
          for (const [uid, r] of this.runners)
            if (this.executorOf.get(uid) === executor)
              r.stop("FAILED", accessRefusedReason(e), { abandon: true });
          continue;
        }
        // Poll failures (slurmctld down, SSH drop) never fail trials: try again next cycle.
        this.options.logger.warn({ err: e }, `polling ${executor.kind} failed: ${errorMessage(e)}`);
      }
    }
    for (const runner of this.runners.values()) {
      try {
        await runner.followProgress();
      } catch (e) {
        this.options.logger.warn(
          { err: e },
          `campaign ${runner.campaign.name}: following progress lines failed: ${errorMessage(e)}`,
        );
      }
    }
    for (const runner of this.runners.values()) {
      const held = runner.state === "running" && this.options.held?.(runner.uid) === true;
      if (runner.state === "running") runner.setHeld(held);
      if (held) continue;
      try {
        runner.fill();
      } catch (e) {
        this.options.logger.error(
          { err: e },
          `campaign ${runner.campaign.name}: ${errorMessage(e)}`,
        );
        runner.stop("FAILED", errorMessage(e));
      }
    }
  }
}
