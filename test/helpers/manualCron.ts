import { CronMatchers, type CronDriver } from "../../src/daemon/cronDriver.js";

/**
 * A cron driver on a clock the test moves: advanceTo() steps minute by minute and fires every
 * registered expression that matches (node-cron's own matcher), in registration order.
 */
export class ManualCronDriver implements CronDriver {
  private readonly matchers = new CronMatchers();
  private readonly tasks = new Map<
    number,
    { expression: string; timezone: string; fire: (at: Date) => void }
  >();
  private nextId = 1;

  constructor(private current: Date) {}

  every(expression: string, timezone: string, fire: (at: Date) => void): () => void {
    const id = this.nextId++;
    this.matchers.matches(expression, timezone, this.current); // throws on a bad expression
    this.tasks.set(id, { expression, timezone, fire });
    return () => this.tasks.delete(id);
  }

  matches(expression: string, timezone: string, at: Date): boolean {
    return this.matchers.matches(expression, timezone, at);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock to `to`, firing each minute strictly after the current one up to `to`. */
  advanceTo(to: Date): void {
    const start = this.current.getTime() - (this.current.getTime() % 60_000);
    for (let t = start + 60_000; t <= to.getTime(); t += 60_000) {
      const at = new Date(t);
      this.current = at;
      for (const task of [...this.tasks.values()])
        if (this.matchers.matches(task.expression, task.timezone, at)) task.fire(at);
    }
    this.current = new Date(to);
  }

  get registered(): number {
    return this.tasks.size;
  }

  dispose(): void {
    this.matchers.dispose();
  }
}
