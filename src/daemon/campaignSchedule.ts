import type { CronDriver } from "./cronDriver.js";
import { systemTimeZone } from "./cronDriver.js";
import type { ScheduleSettings } from "../spec/scheduleSchema.js";

export interface ScheduleHandlers {
  /** The submit window opened (true) or closed (false). */
  window(open: boolean): void;
  pause(): void;
  continue(): void;
  report(): void;
}

/** How far back the submit window's last opening or closing is looked for. */
const LOOK_BACK_MINUTES = 8 * 24 * 60;

/**
 * Whether the submit window is open at `now`: whichever of its `open` and `close` expressions
 * matched last (within 8 days) decides; when both match the same minute, close wins; when
 * neither matched, the window is closed.
 */
export function windowOpenAt(
  window: { open: readonly string[]; close: readonly string[] },
  timezone: string,
  driver: Pick<CronDriver, "matches">,
  now: Date,
): boolean {
  const start = now.getTime() - (now.getTime() % 60_000);
  for (let i = 0; i < LOOK_BACK_MINUTES; i++) {
    const at = new Date(start - i * 60_000);
    if (window.close.some((e) => driver.matches(e, timezone, at))) return false;
    if (window.open.some((e) => driver.matches(e, timezone, at))) return true;
  }
  return false;
}

/**
 * One campaign's schedules on a cron driver: the submit window (its state at start is worked
 * out from the expressions), pause_at / continue_at and report_every.
 */
export class CampaignSchedule {
  private readonly stops: (() => void)[] = [];
  private open: boolean;

  constructor(
    readonly settings: ScheduleSettings,
    private readonly driver: CronDriver,
    private readonly handlers: ScheduleHandlers,
  ) {
    const tz = settings.timezone ?? systemTimeZone();
    const w = settings.submitWindow;
    this.open = w === null ? true : windowOpenAt(w, tz, driver, driver.now());
    if (w !== null) {
      for (const e of w.open) this.stops.push(driver.every(e, tz, () => this.setOpen(true)));
      // Registered after the openings: a minute matching both ends closed, as windowOpenAt says.
      for (const e of w.close) this.stops.push(driver.every(e, tz, () => this.setOpen(false)));
    }
    for (const e of settings.pauseAt) this.stops.push(driver.every(e, tz, () => handlers.pause()));
    for (const e of settings.continueAt)
      this.stops.push(driver.every(e, tz, () => handlers.continue()));
    for (const e of settings.reportEvery)
      this.stops.push(driver.every(e, tz, () => handlers.report()));
  }

  get windowOpen(): boolean {
    return this.open;
  }

  private setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.handlers.window(open);
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }
}
