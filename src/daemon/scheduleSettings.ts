import type { ScheduleSettings } from "../spec/scheduleSchema.js";

/** A campaign's own schedules over the daemon's defaults, key by key. */
export function mergeSchedules(
  defaults: ScheduleSettings,
  own: ScheduleSettings | null,
): ScheduleSettings {
  if (own === null) return defaults;
  return {
    timezone: own.timezone ?? defaults.timezone,
    submitWindow: own.submitWindow ?? defaults.submitWindow,
    pauseAt: own.pauseAt.length > 0 ? own.pauseAt : defaults.pauseAt,
    continueAt: own.continueAt.length > 0 ? own.continueAt : defaults.continueAt,
    reportEvery: own.reportEvery.length > 0 ? own.reportEvery : defaults.reportEvery,
  };
}
