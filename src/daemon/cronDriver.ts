import { createTask, schedule, type ScheduledTask } from "node-cron";

/**
 * What the daemon's schedules need from a clock: run a function at every minute a cron
 * expression matches in a time zone, and ask whether an expression matches a given minute.
 * The daemon runs on node-cron; tests drive the same schedules with a clock they advance.
 */
export interface CronDriver {
  /** Calls `fire` at every match; the returned function ends it. */
  every(expression: string, timezone: string, fire: (at: Date) => void): () => void;
  /** Whether the expression matches the minute of `at` (seconds ignored). */
  matches(expression: string, timezone: string, at: Date): boolean;
  now(): Date;
}

/** The system's time zone (the default of every schedule). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Matchers for expressions, shared by both drivers: node-cron's own (a task that is created
 * but never started), so the test clock and the daemon agree on every expression.
 */
export class CronMatchers {
  private readonly tasks = new Map<string, ScheduledTask>();

  matches(expression: string, timezone: string, at: Date): boolean {
    const key = `${timezone}\n${expression}`;
    let task = this.tasks.get(key);
    if (!task) {
      task = createTask(expression, () => undefined, { timezone });
      this.tasks.set(key, task);
    }
    const minute = new Date(at.getTime() - (at.getTime() % 60_000));
    return task.match(minute);
  }

  dispose(): void {
    for (const t of this.tasks.values()) void t.destroy();
    this.tasks.clear();
  }
}

/** The daemon's driver: node-cron's scheduler on the system clock. */
export class NodeCronDriver implements CronDriver {
  private readonly matchers = new CronMatchers();

  every(expression: string, timezone: string, fire: (at: Date) => void): () => void {
    const task = schedule(expression, (ctx) => fire(ctx.date), {
      timezone,
      noOverlap: true,
      unref: true,
    });
    return () => void task.destroy();
  }

  matches(expression: string, timezone: string, at: Date): boolean {
    return this.matchers.matches(expression, timezone, at);
  }

  now(): Date {
    return new Date();
  }

  dispose(): void {
    this.matchers.dispose();
  }
}
