/**
 * Shared pieces of the campaign-level Slurm tests: they run the built `slurmopt` binary against
 * the real single-node cluster and read what it stored (campaign.db) and what Slurm says (sacct).
 */
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { runCli, type CliResult } from "../../helpers/runCli.js";
import { waitFor as waitForValue } from "../../helpers/waitFor.js";
import { sacctSince } from "../slurmCluster.js";

export const sh = promisify(execFile);

/** Poll settings for tests: the 5 s floor lowered, so campaigns of trivial trials stay quick. */
export const FAST_POLL_ENV = { SLURMOPT_POLL_FLOOR_MS: "200" };
export const FAST_POLL_SPEC = { poll_interval: "1s", max_poll_interval: "2s", output_grace: "10s" };

const names = new Set<string>();

/** A campaign name unique to this test run (job names start with it; leakedJobs looks for it). */
export function uniqueName(what: string): string {
  const name = `sc-${what}-${randomBytes(3).toString("hex")}`;
  names.add(name);
  return name;
}

export function writeSpec(cwd: string, spec: Record<string, unknown>, file = "spec.json"): string {
  writeFileSync(join(cwd, file), JSON.stringify(spec, null, 2));
  return file;
}

/** `slurmopt run` with the test poll settings; stdout and stderr in the error message on failure. */
export function runCampaign(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 300_000,
): Promise<CliResult> {
  return runCli(["run", ...args, "--quiet"], {
    cwd,
    env: { ...FAST_POLL_ENV, ...env },
    timeoutMs,
  });
}

/** The first campaign folder of a name under cwd/runs. */
export function campaignDir(cwd: string, name: string): string {
  return join(cwd, "runs", name, "0");
}

export interface TrialRecord {
  id: number;
  trial_index: number;
  state: string;
  params_json: string;
  results_json: string | null;
  reason: string | null;
  exit_code: number | null;
  hostname: string | null;
  start_time: number | null;
  end_time: number | null;
}

export interface AttemptRecord {
  id: number;
  trial_id: number;
  trial_index: number;
  attempt_no: number;
  state: string;
  job_name: string;
  job_id: string | null;
  array_task_id: number | null;
  dir: string;
  fault: string | null;
  reason: string | null;
  hostname: string | null;
  start_time: number | null;
  end_time: number | null;
  /** Submit-ahead: the job ("123", "123_4") it was queued behind. */
  after_job: string | null;
}

function withDb<T>(dir: string, f: (db: Database.Database) => T): T {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

export function readTrials(dir: string): TrialRecord[] {
  return withDb(
    dir,
    (db) => db.prepare("SELECT * FROM trials ORDER BY trial_index").all() as TrialRecord[],
  );
}

export function readAttempts(dir: string): AttemptRecord[] {
  return withDb(
    dir,
    (db) =>
      db
        .prepare(
          "SELECT a.*, t.trial_index FROM attempts a JOIN trials t ON t.id = a.trial_id ORDER BY t.trial_index, a.attempt_no",
        )
        .all() as AttemptRecord[],
  ).map((a) => ({ ...a, dir: resolve(dir, a.dir) })); // stored relative to the campaign folder
}

export function readCampaign(dir: string): {
  uid: string;
  state: string;
  stop_reason: string | null;
} {
  return withDb(
    dir,
    (db) =>
      db.prepare("SELECT uid, state, stop_reason FROM campaigns").get() as {
        uid: string;
        state: string;
        stop_reason: string | null;
      },
  );
}

export interface SacctRow {
  jobId: string;
  jobName: string;
  state: string;
  partition: string;
  allocTres: string;
  start: string;
  timelimit: string;
}

/**
 * sacct's allocation lines of a campaign's jobs (job names carry "-<uid>-"). Waits until sacct
 * knows at least `expected` of them and none is still pending or running (accounting lags a little).
 */
export async function sacctRows(uid: string, expected: number): Promise<SacctRow[]> {
  let rows: SacctRow[] = [];
  for (let i = 0; i < 40; i++) {
    rows = (await sacctSince("JobID,JobName%100,State,Partition,AllocTRES%100,Start,Timelimit"))
      .filter((l) => l.includes(`-${uid}-`))
      .map((l) => {
        const [jobId, jobName, state, partition, allocTres, start, timelimit] = l.split("|");
        return {
          jobId: jobId!,
          jobName: jobName!,
          state: state!,
          partition: partition!,
          allocTres: allocTres!,
          start: start!,
          timelimit: timelimit!,
        };
      });
    const settled = rows.every((x) => !/PENDING|RUNNING|COMPLETING/.test(x.state));
    if (rows.length >= expected && settled) return rows;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error(
    `sacct knows ${rows.length} of ${expected} jobs of campaign ${uid}: ${JSON.stringify(rows)}`,
  );
}

/** Jobs of this file's campaigns that still wait or run (a test leaked them). */
export async function leakedJobs(): Promise<string[]> {
  const r = await sh("squeue", ["--me", "--noheader", "--format=%i|%T|%j"]);
  return r.stdout.split("\n").filter((line) => [...names].some((n) => line.includes(`|${n}-`)));
}

/** Waits until `f` gives a value (test/helpers/waitFor.ts; this kit's tests ask every 500 ms). */
export function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  return waitForValue(what, f, timeoutMs, everyMs);
}

/** squeue's jobs of one campaign name: "id|state|name" (array tasks as 123_4). */
export async function squeueOfName(name: string): Promise<{ key: string; state: string }[]> {
  const r = await sh("squeue", ["--me", "--noheader", "--array", "--format=%i|%T|%j"]);
  return r.stdout
    .split("\n")
    .filter((l) => l.split("|")[2]?.startsWith(`${name}-`))
    .map((l) => {
      const [key, state] = l.split("|");
      return { key: key!, state: state! };
    });
}

/** A file of an attempt directory, or null. */
export function attemptFile(dir: string, file: string): string | null {
  const path = join(dir, file);
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}
