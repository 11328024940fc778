import { validate } from "node-cron";
import { z } from "zod";

/**
 * A campaign's schedules (followed when the daemon drives it), from the spec's `schedule:`
 * section and the daemon's config file (defaults for all campaigns). Cron expressions have five fields (minute resolution), evaluated in
 * `timezone` (default: the system's).
 */
export interface ScheduleSettings {
  timezone: string | null;
  /** Submission opens at any `open` match and closes at any `close` match; null: always open. */
  submitWindow: { open: string[]; close: string[] } | null;
  pauseAt: string[];
  continueAt: string[];
  /** Regenerate results.csv (and the report) at these times. */
  reportEvery: string[];
}

export const NO_SCHEDULES: ScheduleSettings = {
  timezone: null,
  submitWindow: null,
  pauseAt: [],
  continueAt: [],
  reportEvery: [],
};

const cron = z.string().refine((s) => s.trim().split(/\s+/).length === 5 && validate(s), {
  message: 'a cron expression of five fields, e.g. "0 20 * * 1-5" (20:00 on weekdays)',
});
const cronList = z.union([cron, z.array(cron)]).transform((v) => (Array.isArray(v) ? v : [v]));

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'an IANA time zone such as "Europe/Berlin" or "UTC"' },
);

export const scheduleSchema = z
  .object({
    timezone: timezone.optional(),
    submit_window: z.object({ open: cronList, close: cronList }).strict().optional(),
    pause_at: cronList.optional(),
    continue_at: cronList.optional(),
    report_every: cronList.optional(),
  })
  .strict();

export type ScheduleInput = z.input<typeof scheduleSchema>;

export function toScheduleSettings(input: z.output<typeof scheduleSchema>): ScheduleSettings {
  return {
    timezone: input.timezone ?? null,
    submitWindow: input.submit_window ?? null,
    pauseAt: input.pause_at ?? [],
    continueAt: input.continue_at ?? [],
    reportEvery: input.report_every ?? [],
  };
}
