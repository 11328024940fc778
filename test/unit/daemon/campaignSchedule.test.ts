import { afterEach, describe, expect, it } from "vitest";
import { CampaignSchedule, windowOpenAt } from "../../../src/daemon/campaignSchedule.js";
import {
  NO_SCHEDULES,
  scheduleSchema,
  toScheduleSettings,
} from "../../../src/spec/scheduleSchema.js";
import { ManualCronDriver } from "../../helpers/manualCron.js";

const drivers: ManualCronDriver[] = [];
function driverAt(iso: string): ManualCronDriver {
  const d = new ManualCronDriver(new Date(iso));
  drivers.push(d);
  return d;
}
afterEach(() => {
  for (const d of drivers.splice(0)) d.dispose();
});

// Nights: open at 20:00, close at 07:00 (UTC).
const NIGHTS = { open: ["0 20 * * *"], close: ["0 7 * * *"] };

function recorder() {
  const events: string[] = [];
  return {
    events,
    handlers: {
      window: (open: boolean) => events.push(open ? "open" : "close"),
      pause: () => events.push("pause"),
      continue: () => events.push("continue"),
      report: () => events.push("report"),
    },
  };
}

describe("submit window", () => {
  it("is closed by day and open by night, worked out from the expressions", () => {
    const d = driverAt("2026-01-05T12:00:00Z");
    expect(windowOpenAt(NIGHTS, "UTC", d, new Date("2026-01-05T12:00:00Z"))).toBe(false);
    expect(windowOpenAt(NIGHTS, "UTC", d, new Date("2026-01-05T21:30:00Z"))).toBe(true);
    expect(windowOpenAt(NIGHTS, "UTC", d, new Date("2026-01-06T06:59:00Z"))).toBe(true);
    expect(windowOpenAt(NIGHTS, "UTC", d, new Date("2026-01-06T07:00:00Z"))).toBe(false);
  });

  it("follows the time zone it is given", () => {
    const d = driverAt("2026-01-05T12:00:00Z");
    // 19:30 UTC is 20:30 in Berlin (winter): open there, not in UTC.
    const at = new Date("2026-01-05T19:30:00Z");
    expect(windowOpenAt(NIGHTS, "Europe/Berlin", d, at)).toBe(true);
    expect(windowOpenAt(NIGHTS, "UTC", d, at)).toBe(false);
  });

  it("opens and closes as the clock passes 20:00 and 07:00", () => {
    const d = driverAt("2026-01-05T12:00:00Z");
    const r = recorder();
    const s = new CampaignSchedule(
      { ...NO_SCHEDULES, timezone: "UTC", submitWindow: NIGHTS },
      d,
      r.handlers,
    );
    expect(s.windowOpen).toBe(false);
    d.advanceTo(new Date("2026-01-05T19:59:00Z"));
    expect(s.windowOpen).toBe(false);
    d.advanceTo(new Date("2026-01-05T20:00:00Z"));
    expect(s.windowOpen).toBe(true);
    d.advanceTo(new Date("2026-01-06T08:00:00Z"));
    expect(s.windowOpen).toBe(false);
    expect(r.events).toEqual(["open", "close"]);
    s.stop();
    expect(d.registered).toBe(0);
  });

  it("without a window, submission is always open", () => {
    const d = driverAt("2026-01-05T12:00:00Z");
    const s = new CampaignSchedule(NO_SCHEDULES, d, recorder().handlers);
    expect(s.windowOpen).toBe(true);
  });
});

describe("pause_at, continue_at, report_every", () => {
  it("fires each at its times", () => {
    const d = driverAt("2026-01-05T00:00:00Z");
    const r = recorder();
    const settings = toScheduleSettings(
      scheduleSchema.parse({
        timezone: "UTC",
        pause_at: "0 9 * * *",
        continue_at: ["0 17 * * *"],
        report_every: "0 */6 * * *",
      }),
    );
    const s = new CampaignSchedule(settings, d, r.handlers);
    d.advanceTo(new Date("2026-01-05T18:00:00Z"));
    expect(r.events).toEqual(["report", "pause", "report", "continue", "report"]);
    s.stop();
  });

  it("refuses bad cron expressions and time zones with the key", () => {
    expect(scheduleSchema.safeParse({ pause_at: "every day" }).success).toBe(false);
    expect(scheduleSchema.safeParse({ pause_at: "0 0 0 * * *" }).success).toBe(false);
    expect(scheduleSchema.safeParse({ timezone: "Mars/Olympus" }).success).toBe(false);
    expect(scheduleSchema.safeParse({ submit_window: { open: "0 20 * * *" } }).success).toBe(false);
  });
});
