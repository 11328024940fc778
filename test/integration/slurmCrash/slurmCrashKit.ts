/**
 * Shared pieces of the campaign-level crash tests on the real Slurm cluster: specs whose
 * program logs every run, the CLI started as a child that can be SIGKILLed, trial states from
 * the store, and sacct rows counted by job name and array task id.
 */
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { startCli as startCliProcess, type CliChild } from "../../helpers/runCli.js";
import { sacctOfJobs, sacctSince } from "../slurmCluster.js";

export { mulberry32, type CliChild } from "../../helpers/runCli.js";

const run = promisify(execFile);

/** Lowest Slurm poll interval of the controllers these tests start (ms). */
export const POLL_FLOOR_MS = "200";

export interface SpecOptions {
  maxEval: number;
  parallelism: number;
  /** Shell expression for the seconds each trial sleeps. */
  sleep: string;
  seed?: number;
}

/**
 * A Slurm campaign whose program appends "<trial index> <job id> <array task id>" to runs.log,
 * so a trial that ran twice shows.
 */
export function writeSlurmSpec(cwd: string, name: string, o: SpecOptions): string {
  // A trial's line in runs.log means its sleep ran to the end: with "&&", a sleep that scancel
  // killed leaves no line even when Slurm signals the shell a moment after the sleep.
  const log = join(cwd, "runs.log");
  const spec = {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: `sleep ${o.sleep} && echo "$SLURMOPT_TRIAL_INDEX \${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID} \${SLURM_ARRAY_TASK_ID:--}" >> ${log}; echo "RESULT: %(x)"`,
    max_eval: o.maxEval,
    parallelism: o.parallelism,
    seed: o.seed ?? 11,
    strategy: "SOBOL",
    executor: "slurm",
    slurm: { mem: "100M", poll_interval: 1, max_poll_interval: 1, output_grace: 10 },
  };
  const path = join(cwd, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

/** How often each trial index ran (from runs.log). */
export function runCounts(cwd: string): Map<number, number> {
  const counts = new Map<number, number>();
  const path = join(cwd, "runs.log");
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const trial = Number(line.split(" ")[0]);
    counts.set(trial, (counts.get(trial) ?? 0) + 1);
  }
  return counts;
}

export interface StoredTrial {
  trialIndex: number;
  state: string;
  attempts: number;
  jobIds: string[];
}

export function storedTrials(dir: string): StoredTrial[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT t.trial_index AS trialIndex, t.state AS state,
                (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id) AS attempts,
                (SELECT GROUP_CONCAT(a.job_id || COALESCE('_' || a.array_task_id, ''))
                   FROM attempts a WHERE a.trial_id = t.id) AS jobIds
         FROM trials t ORDER BY t.trial_index`,
      )
      .all() as { trialIndex: number; state: string; attempts: number; jobIds: string | null }[];
    return rows.map((r) => ({ ...r, jobIds: r.jobIds === null ? [] : r.jobIds.split(",") }));
  } finally {
    db.close();
  }
}

export function campaignUid(dir: string): string {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return (db.prepare("SELECT uid FROM campaigns").get() as { uid: string }).uid;
  } finally {
    db.close();
  }
}

/** Starts the CLI in the background with this kit's low poll floor. */
export function startCli(args: string[], cwd: string, env: Record<string, string> = {}): CliChild {
  return startCliProcess(args, cwd, { SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS, ...env });
}

/** One sacct row of a campaign's job (or array task). */
export interface SacctRow {
  jobId: string;
  arrayTaskId: number | null;
  name: string;
  state: string;
  /** The trial it ran: <batch start> + <array task id> from the job name "...-t<start>a<n>". */
  trialIndex: number;
}

/** Every job and array task of a campaign in sacct (by the campaign uid in the job name). */
export async function sacctRows(uid: string, jobIds: readonly string[] = []): Promise<SacctRow[]> {
  const rows: SacctRow[] = [];
  // The time window finds every job of the campaign by name (also one submitted twice); the
  // store's job ids add those the window leaves out (held, then released: eligible "Unknown").
  const lines = new Set(await sacctSince("JobID,State,JobName"));
  for (const line of await sacctOfJobs(jobIds, "JobID,State,JobName")) lines.add(line);
  for (const line of lines) {
    const [id, state, ...nameParts] = line.split("|");
    const name = nameParts.join("|");
    // Trial jobs only: "<name>-<uid>-t<batch start>a<attempt>" (not the controller jobs).
    const nameMatch = new RegExp(`-${uid}-t(\\d+)a\\d+(?:-p\\d+)?$`).exec(name);
    if (!id || !state || !nameMatch) continue;
    const idMatch = /^(\d+)(?:_(\d+|\[.*\]))?$/.exec(id);
    if (!idMatch) throw new Error(`unexpected sacct line: ${line}`);
    const task = idMatch[2];
    if (task?.startsWith("[")) {
      rows.push({ jobId: idMatch[1]!, arrayTaskId: null, name, state, trialIndex: -1 });
      continue;
    }
    const arrayTaskId = task === undefined ? null : Number(task);
    rows.push({
      jobId: idMatch[1]!,
      arrayTaskId,
      name,
      state: state.split(" ")[0]!,
      trialIndex: Number(nameMatch[1]) + (arrayTaskId ?? 0),
    });
  }
  return rows;
}

/**
 * Waits until sacct knows every job the store recorded in a final state, then returns the
 * campaign's rows. slurmdbd lags behind slurmctld under load (a daemon test once waited more
 * than 60 s for its first two jobs), so the wait is long; it ends as soon as all are there.
 */
export async function settledSacctRows(dir: string, timeoutMs = 150_000): Promise<SacctRow[]> {
  const uid = campaignUid(dir);
  const wanted = new Set(storedTrials(dir).flatMap((t) => t.jobIds));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await sacctRows(uid, [...wanted]);
    const final = new Set(
      rows
        .filter((r) => !["PENDING", "RUNNING", "REQUEUED", "SUSPENDED"].includes(r.state))
        .map((r) => (r.arrayTaskId === null ? r.jobId : `${r.jobId}_${r.arrayTaskId}`)),
    );
    if ([...wanted].every((k) => final.has(k)) || Date.now() > deadline) return rows;
    await sleep(1000);
  }
}

/**
 * Exactly one Slurm job (or array task) per trial, COMPLETED: no trial submitted twice, none
 * lost. Returns a list of problems (empty when all is well), for one readable assertion.
 */
export function perTrialProblems(rows: readonly SacctRow[], trials: number): string[] {
  const problems: string[] = [];
  const byTrial = new Map<number, SacctRow[]>();
  for (const r of rows) byTrial.set(r.trialIndex, [...(byTrial.get(r.trialIndex) ?? []), r]);
  for (let t = 0; t < trials; t++) {
    const jobs = byTrial.get(t) ?? [];
    const describe = jobs.map((j) => `${j.jobId}_${j.arrayTaskId ?? "-"} ${j.name} ${j.state}`);
    if (jobs.length !== 1)
      problems.push(`trial ${t}: ${jobs.length} jobs [${describe.join("; ")}]`);
    else if (jobs[0]!.state !== "COMPLETED") problems.push(`trial ${t}: ${describe[0]}`);
  }
  for (const t of byTrial.keys())
    if (t < 0 || t >= trials) problems.push(`jobs of no trial (${t}): ${byTrial.get(t)!.length}`);
  return problems;
}

const campaignUids: string[] = [];

/** Remembers a test campaign, so that cancelLeftovers finds its jobs. */
export function rememberCampaign(uid: string): void {
  campaignUids.push(uid);
}

/** Jobs of the remembered campaigns still waiting or running (cancelled, so none leaks). */
export async function cancelLeftovers(uids: readonly string[] = campaignUids): Promise<string[]> {
  const r = await run("squeue", ["--me", "--noheader", "--format=%i|%T|%j"]);
  const left = r.stdout.split("\n").filter((line) => uids.some((uid) => line.includes(`-${uid}-`)));
  const ids = left.map((line) => line.split("|")[0]!.replace(/_.*$/, ""));
  if (ids.length > 0) await run("scancel", [...new Set(ids)]).catch(() => undefined);
  return left;
}

/** The campaign's controller jobs in sacct ("<name>-<uid>-controller"), oldest first. */
export async function controllerJobs(uid: string): Promise<{ jobId: string; state: string }[]> {
  return (await sacctSince("JobID,State,ExitCode,JobName"))
    .map((line) => line.split("|"))
    .filter((p) => p.length >= 4 && p.slice(3).join("|").endsWith(`-${uid}-controller`))
    .map((p) => ({ jobId: p[0]!, state: `${p[1]!.split(" ")[0]!} ${p[2]!}` }))
    .sort((a, b) => Number(a.jobId) - Number(b.jobId));
}
