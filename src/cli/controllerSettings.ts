import type { ControllerJobSettings } from "../controllerJob/renderControllerScript.js";
import { parseDuration } from "../spec/duration.js";

/** The controller job's settings from run flags (OmniOpt2: --time in minutes, --main_process_gb). */
export function controllerSettings(f: Record<string, unknown>): ControllerJobSettings {
  const time = f.time;
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  return {
    jobName: "slurmopt-controller",
    timeSeconds:
      typeof time === "string" || typeof time === "number"
        ? parseDuration(time, "--time", "m")
        : 3600,
    memGb: typeof f.main_process_gb === "number" ? f.main_process_gb : 2,
    partition: str(f.partition),
    account: str(f.account),
    qos: str(f.qos),
    reservation: str(f.reservation),
    signalDelaySeconds:
      typeof f.controller_signal_delay_s === "number" ? f.controller_signal_delay_s : 120,
    signal: "USR1",
    setup: [],
  };
}
