import { appendFileSync } from "node:fs";

/**
 * Named fault-injection points for the crash-safety tests. Inert unless the environment sets
 * SLURMOPT_FAULT_POINT to the point's name: then, after skipping SLURMOPT_FAULT_SKIP hits
 * (default 0), the hit is appended to SLURMOPT_FAULT_LOG (when set) and the process kills
 * itself with SIGKILL, exactly like a crash at that instant.
 */
export type FaultPointName =
  | "after-trial-rows"
  | "after-submit-before-record"
  | "collect-before-write"
  | "results-csv-rewrite";

let hits = 0;

export function faultPoint(name: FaultPointName): void {
  if (process.env.SLURMOPT_FAULT_POINT !== name) return;
  hits++;
  if (hits <= Number(process.env.SLURMOPT_FAULT_SKIP ?? "0")) return;
  const log = process.env.SLURMOPT_FAULT_LOG;
  if (log) appendFileSync(log, `${name} ${process.pid}\n`);
  process.kill(process.pid, "SIGKILL");
}
