/**
 * The single-node Slurm cluster for the integration tests (scripts/slurm-cluster.sh).
 *
 * - From a test file: `await ensureSlurmCluster()` in beforeAll (cheap when the cluster is up).
 * - As a vitest globalSetup: test/integration/slurm/clusterSetup.ts brings it up once per run.
 * - SLURMOPT_SKIP_SLURM=1 skips the Slurm tests (an error when CI=true); otherwise a cluster
 *   that cannot start fails the tests with a message saying how to start it.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const SLURM_CLUSTER_SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "scripts",
  "slurm-cluster.sh",
);

const HOW_TO_START =
  "start it with `sudo bash scripts/slurm-cluster.sh up` (Debian, as root; it installs slurm-wlm, slurmdbd, " +
  "mariadb-server and munge when missing), or set SLURMOPT_SKIP_SLURM=1 to skip the Slurm integration tests " +
  "(not allowed when CI=true)";

/** True when the Slurm tests are to be skipped; throws when that is asked for in CI. */
export function slurmSkipped(): boolean {
  if (process.env.SLURMOPT_SKIP_SLURM !== "1") return false;
  if (process.env.CI === "true") {
    throw new Error(
      "SLURMOPT_SKIP_SLURM=1 is not allowed when CI=true: CI must run the Slurm integration tests",
    );
  }
  return true;
}

export type ClusterMode = "accounting" | "no-accounting";

async function status(): Promise<{ up: boolean; mode: ClusterMode | null; text: string }> {
  try {
    const r = await run("bash", [SLURM_CLUSTER_SCRIPT, "status"], { timeout: 60_000 });
    const mode = /^mode\s+(accounting|no-accounting)$/m.exec(r.stdout)?.[1] as
      ClusterMode | undefined;
    return { up: true, mode: mode ?? null, text: r.stdout };
  } catch (e) {
    return { up: false, mode: null, text: String((e as { stdout?: string }).stdout ?? e) };
  }
}

let ready: Promise<void> | null = null;

async function bringUp(mode: ClusterMode): Promise<void> {
  const s = await status();
  if (s.up && s.mode === mode) return;
  const args = [
    SLURM_CLUSTER_SCRIPT,
    "up",
    ...(mode === "no-accounting" ? ["--no-accounting"] : []),
  ];
  try {
    await run("bash", args, { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `the Slurm test cluster could not be started (${(err.stderr ?? err.message).trim()}); ${HOW_TO_START}`,
      { cause: e },
    );
  }
}

/**
 * Makes sure the cluster runs (with accounting unless asked otherwise). Idempotent within a
 * process; the script itself is idempotent across processes.
 */
export function ensureSlurmCluster(mode: ClusterMode = "accounting"): Promise<void> {
  if (mode !== "accounting") return bringUp(mode);
  ready ??= bringUp(mode).catch((e: unknown) => {
    ready = null;
    throw e;
  });
  return ready;
}

/** Switches the running cluster to the other mode (restarts slurmctld and slurmd). */
export async function setClusterMode(mode: ClusterMode): Promise<void> {
  ready = null;
  await bringUp(mode);
}

/**
 * Options of the tests' sacct calls, which ask for the jobs of the last 3 hours (a test
 * campaign's jobs are younger; a whole day of CI runs is ~10,000 jobs, over 1 MB): room for a
 * busy accounting database.
 */
export const SACCT_OUTPUT = { maxBuffer: 64 << 20 };

/**
 * sacct's allocation lines (-X) of the jobs of the last 3 hours, one string per job or array
 * task with the fields of `format` joined by "|" (-P), through SACCT_OUTPUT's buffer.
 */
export async function sacctSince(format: string): Promise<string[]> {
  const r = await run(
    "sacct",
    ["-X", "-n", "-P", "--starttime=now-3hours", `--format=${format}`],
    SACCT_OUTPUT,
  );
  return r.stdout.split("\n").filter((l) => l !== "");
}

/**
 * sacct's allocation lines (-X) of the given jobs, whatever their times: a job that was held and
 * released before it ran has an eligible time of "Unknown", and sacct's time window
 * (sacctSince) leaves it out.
 */
export async function sacctOfJobs(jobIds: readonly string[], format: string): Promise<string[]> {
  const ids = [...new Set(jobIds.map((j) => j.replace(/_.*$/, "")))];
  if (ids.length === 0) return [];
  const r = await run(
    "sacct",
    ["-X", "-n", "-P", `--jobs=${ids.join(",")}`, `--format=${format}`],
    SACCT_OUTPUT,
  );
  return r.stdout.split("\n").filter((l) => l !== "");
}
