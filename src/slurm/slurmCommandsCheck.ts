import { ClusterError, InputError, errorMessage } from "../errors/errors.js";
import type { RunResult, Transport } from "../transport/transport.js";

/** The Slurm commands slurmopt runs on the cluster side. */
export const SLURM_COMMANDS = [
  "sbatch",
  "squeue",
  "sacct",
  "scancel",
  "scontrol",
  "sinfo",
] as const;

/** Prints "missing <name>" for each argument the shell cannot find, then "path <PATH>". */
const PROBE = `for c in "$@"; do command -v "$c" >/dev/null 2>&1 || printf 'missing %s\\n' "$c"; done; printf 'path %s\\n' "$PATH"`;

export interface SlurmCommandsFound {
  missing: string[];
  /** PATH as the commands see it (after setup lines and PATH prefix over SSH). */
  path: string;
  /** What the setup lines printed (SSH runs them with their output on stderr). */
  setupOutput: string;
}

/** Asks the cluster side which Slurm commands its shell finds, in the environment commands run in. */
export async function findSlurmCommands(transport: Transport): Promise<SlurmCommandsFound> {
  let r: RunResult;
  try {
    r = await transport.run(["/bin/sh", "-c", PROBE, "sh", ...SLURM_COMMANDS], {
      timeoutMs: 60_000,
      idempotent: true,
    });
  } catch (e) {
    if (e instanceof ClusterError && e.code !== "TRANSPORT_ERROR") throw e;
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `cannot check for the Slurm commands on ${transport.description}: ${errorMessage(e)}`,
      { cause: e },
    );
  }
  const lines = r.stdout.split("\n");
  const path = lines.find((l) => l.startsWith("path "));
  if (r.exitCode !== 0 || path === undefined) {
    throw new ClusterError(
      "TRANSPORT_ERROR",
      `checking for the Slurm commands on ${transport.description} failed (${r.timedOut ? "timed out" : `exit ${r.exitCode}`}): ` +
        `${r.stderr.trim() || "no output"}; check the setup lines, which run before every command`,
    );
  }
  return {
    missing: lines.filter((l) => l.startsWith("missing ")).map((l) => l.slice(8)),
    path: path.slice(5),
    setupOutput: r.stderr.trim(),
  };
}

/**
 * Throws InputError PREFLIGHT_FAILED naming every Slurm command the cluster side lacks, its
 * PATH, what the setup printed, and `fix` (how to make them found).
 */
export async function assertSlurmCommands(transport: Transport, fix: string): Promise<void> {
  const found = await findSlurmCommands(transport);
  if (found.missing.length === 0) return;
  const printed = found.setupOutput.split("\n").slice(-5).join(" | ");
  throw new InputError(
    "PREFLIGHT_FAILED",
    `Slurm preflight check failed: ${found.missing.join(", ")} ${found.missing.length === 1 ? "is" : "are"} not found ` +
      `on ${transport.description} (PATH there: ${found.path})` +
      `${printed === "" ? "" : `; the setup lines printed: ${printed}`}. ${fix}`,
  );
}
