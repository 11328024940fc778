import { existsSync, readFileSync } from "node:fs";
import { validate } from "node-cron";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError } from "../errors/errors.js";
import { formatZodIssues } from "../spec/zodMessages.js";
import {
  NO_SCHEDULES,
  scheduleSchema,
  toScheduleSettings,
  type ScheduleSettings,
} from "../spec/scheduleSchema.js";

/** The daemon's settings: $SLURMOPT_HOME/daemon.yaml over these defaults. */
export interface DaemonConfig {
  /** Schedules every campaign follows unless its spec's `schedule:` says otherwise. */
  schedules: ScheduleSettings;
  /** When the daemon compacts its registry and checks that each folder is still there. */
  housekeeping: string;
  /** Longest sleep of the loop between cycles (the executors poll Slurm at their own pace). */
  idleMs: number;
  /** The live dashboard of every campaign the daemon knows; null: not served. */
  dashboard: DashboardSettings | null;
}

export interface DashboardSettings {
  host: string;
  /** 0: a free port. */
  port: number;
  /** Listen on an address other than loopback (warned about in the log). */
  allowRemote: boolean;
}

export const DEFAULT_CONFIG: DaemonConfig = {
  schedules: NO_SCHEDULES,
  housekeeping: "*/10 * * * *",
  idleMs: 1000,
  dashboard: { host: "127.0.0.1", port: 0, allowRemote: false },
};

const configSchema = z
  .object({
    schedule: scheduleSchema.optional(),
    housekeeping: z
      .string()
      .refine((s) => s.trim().split(/\s+/).length === 5 && validate(s), {
        message: "a cron expression of five fields",
      })
      .optional(),
    loop_idle_ms: z.number().int().min(50).max(60_000).optional(),
    dashboard: z
      .union([
        z.literal(false),
        z
          .object({
            host: z.string().min(1).optional(),
            port: z.number().int().min(0).max(65_535).optional(),
            allow_remote: z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/** Reads daemon.yaml (absent: the defaults); a bad file is an InputError naming the key. */
export function loadDaemonConfig(path: string): DaemonConfig {
  if (!existsSync(path)) return DEFAULT_CONFIG;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8")) ?? {};
  } catch (e) {
    throw new InputError("SPEC_INVALID", `${path} is not valid YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(
      "SPEC_INVALID",
      `${path}: ${formatZodIssues(parsed.error.issues)}; fix the file and start the daemon again`,
    );
  const c = parsed.data;
  return {
    schedules: c.schedule ? toScheduleSettings(c.schedule) : NO_SCHEDULES,
    housekeeping: c.housekeeping ?? DEFAULT_CONFIG.housekeeping,
    idleMs: c.loop_idle_ms ?? DEFAULT_CONFIG.idleMs,
    dashboard:
      c.dashboard === false
        ? null
        : {
            host: c.dashboard?.host ?? "127.0.0.1",
            port: c.dashboard?.port ?? 0,
            allowRemote: c.dashboard?.allow_remote === true,
          },
  };
}
