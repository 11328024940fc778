/**
 * Campaign-level SSH tests: specs that drive the real Slurm cluster through the loopback sshd
 * (same machine, so the jobs' files are also visible locally), the trials and attempts the
 * controller stored, and sacct rows counted by job name and array task id.
 */
import Database from "better-sqlite3";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { ensureSlurmCluster, sacctSince } from "../slurmCluster.js";
import { ensureLoopbackSshd, stopLoopbackSshd } from "../ssh/sshdSetup.js";
import type { LoopbackSshd } from "../ssh/sshdSetup.js";
import { startCli as startCliProcess, testDir, type CliChild } from "../../helpers/runCli.js";

const run = promisify(execFile);

const SSHD_SCRIPT = join(import.meta.dirname, "..", "..", "..", "scripts", "sshd-loopback.sh");

/** A loopback sshd of one test file's own (port and state directory). */
export interface OwnSshd {
  port: number;
  dir: string;
}

function scriptEnv(own: OwnSshd): NodeJS.ProcessEnv {
  return { ...process.env, SLURMOPT_SSHD_PORT: String(own.port), SLURMOPT_SSHD_DIR: own.dir };
}

/**
 * Starts this file's own sshd (so that no other suite's teardown stops it, and cutting its
 * sessions cuts only this file's connections). `stop` stops it again if this call started it.
 */
export async function ownSshd(
  own: OwnSshd,
): Promise<{ sshd: LoopbackSshd; stop: () => Promise<void> }> {
  const before = await run("bash", [SSHD_SCRIPT, "status"], { env: scriptEnv(own) }).then(
    () => true,
    () => false,
  );
  const sshd = await ensureLoopbackSshd(own);
  return { sshd, stop: () => (before ? Promise.resolve() : stopLoopbackSshd(own)) };
}

/**
 * A test file's own sshd and cluster: started in beforeAll; in afterAll the jobs of the
 * campaigns named in `names` are cancelled (a test that left one fails) and the sshd stops.
 */
export function useOwnSshd(own: OwnSshd): {
  readonly sshd: LoopbackSshd;
  names: string[];
  fresh: (prefix: string) => { cwd: string; name: string };
} {
  let current: LoopbackSshd | null = null;
  let stop: () => Promise<void> = () => Promise.resolve();
  const names: string[] = [];
  beforeAll(async () => {
    await ensureSlurmCluster();
    const started = await ownSshd(own);
    current = started.sshd;
    stop = started.stop;
  });
  afterAll(async () => {
    const left = await cancelLeftovers(names);
    await stop();
    expect(left, "jobs a test left waiting or running").toEqual([]);
  });
  return {
    get sshd(): LoopbackSshd {
      if (current === null) throw new Error("the sshd of this file starts in beforeAll");
      return current;
    },
    names,
    /** A unique campaign name (its jobs cancelled after the file) and a folder for it. */
    fresh(prefix: string): { cwd: string; name: string } {
      const name = uniqueName(prefix);
      names.push(name);
      return { cwd: testDir(name), name };
    },
  };
}

/**
 * Kills the server side of every session of this sshd (the sshd processes only: commands they
 * started go on, as after a network cut). Resolves how many processes were killed.
 */
export async function cutSessions(own: OwnSshd): Promise<number> {
  const r = await run("bash", [SSHD_SCRIPT, "kill-sessions"], { env: scriptEnv(own) });
  return Number(/killed (\d+)/.exec(r.stdout)?.[1] ?? "0");
}

/** Environment of the CLI in these tests: no ssh-agent, a low Slurm poll floor. */
export const CLI_ENV = { SSH_AUTH_SOCK: "", SLURMOPT_POLL_FLOOR_MS: "200" };

/**
 * Writes cwd/bin/sbatch, a wrapper around the cluster's real sbatch (`body` gets its path), for
 * the spec's ssh.path_prefix; returns that bin folder.
 */
export function writeSbatchWrapper(cwd: string, body: (realSbatch: string) => string[]): string {
  const bin = join(cwd, "bin");
  mkdirSync(bin);
  const real = execFileSync("/bin/sh", ["-c", "command -v sbatch"], { encoding: "utf8" }).trim();
  writeFileSync(join(bin, "sbatch"), ["#!/bin/sh", ...body(real), ""].join("\n"));
  chmodSync(join(bin, "sbatch"), 0o755);
  return bin;
}

/** A campaign name no other test (or earlier run) uses, so sacct can be searched by it. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export interface SshSpecOptions {
  maxEval: number;
  parallelism: number;
  /** Seconds each trial sleeps. */
  sleepS: number;
  /** Replaces or adds keys of the ssh section. */
  ssh?: Record<string, unknown>;
}

/**
 * A Slurm campaign over SSH whose program appends "<trial index> <job id> <array task id>" to
 * runs.log in `cwd` (a trial that ran twice shows there). Its remote_dir is `cwd`/remote.
 */
export function writeSshSpec(
  cwd: string,
  name: string,
  sshd: LoopbackSshd,
  o: SshSpecOptions,
): string {
  const log = join(cwd, "runs.log");
  const spec = {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: `sleep ${o.sleepS}; echo "$SLURMOPT_TRIAL_INDEX \${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID} \${SLURM_ARRAY_TASK_ID:--}" >> ${log}; echo "RESULT: %(x)"`,
    max_eval: o.maxEval,
    parallelism: o.parallelism,
    seed: 5,
    strategy: "SOBOL",
    executor: "slurm",
    slurm: { mem: "100M", poll_interval: 1, max_poll_interval: 1, output_grace: 10 },
    ssh: {
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      identity_file: sshd.userKey,
      known_hosts: sshd.knownHosts,
      ssh_config: "none",
      remote_dir: join(cwd, "remote"),
      ...o.ssh,
    },
  };
  const path = join(cwd, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The campaign folder the CLI announced on stderr ("campaign <name> in <dir> (seed N)"). */
export function campaignDirOf(stderr: string): string {
  const m = /campaign \S+ in (\S+) \(seed/.exec(stderr);
  if (!m) throw new Error(`no campaign folder in the CLI's stderr:\n${stderr}`);
  return m[1]!;
}

export function campaignUid(dir: string): string {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return (db.prepare("SELECT uid FROM campaigns").get() as { uid: string }).uid;
  } finally {
    db.close();
  }
}

export interface StoredAttempt {
  trialIndex: number;
  trialState: string;
  attempts: number;
  jobName: string | null;
  jobId: string | null;
  arrayTaskId: number | null;
}

/** One row per trial with its (last) attempt's Slurm identity. */
export function storedAttempts(dir: string): StoredAttempt[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT t.trial_index AS trialIndex, t.state AS trialState,
                (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id) AS attempts,
                a.job_name AS jobName, a.job_id AS jobId, a.array_task_id AS arrayTaskId
         FROM trials t LEFT JOIN attempts a ON a.trial_id = t.id
           AND a.attempt_no = (SELECT MAX(attempt_no) FROM attempts b WHERE b.trial_id = t.id)
         ORDER BY t.trial_index`,
      )
      .all() as StoredAttempt[];
  } finally {
    db.close();
  }
}

/** One sacct row (allocation only) of a job or an array task. */
export interface SacctRow {
  jobId: string;
  arrayTaskId: number | null;
  name: string;
  state: string;
}

/** Every job and array task whose name starts with `prefix` (e.g. "<name>-"). */
export async function sacctRows(prefix: string): Promise<SacctRow[]> {
  const rows: SacctRow[] = [];
  for (const line of await sacctSince("JobID,State,JobName%200")) {
    const [id, state, ...nameParts] = line.split("|");
    const name = nameParts.join("|");
    if (!id || !state || !name.startsWith(prefix)) continue;
    const m = /^(\d+)(?:_(\d+|\[.*\]))?$/.exec(id);
    if (!m) throw new Error(`unexpected sacct line: ${line}`);
    const task = m[2];
    rows.push({
      jobId: m[1]!,
      arrayTaskId: task === undefined || task.startsWith("[") ? null : Number(task),
      name,
      state: state.split(" ")[0]!,
    });
  }
  return rows;
}

const taskKey = (name: string, task: number | null): string => `${name}#${task ?? "-"}`;

/**
 * Waits until sacct shows every stored attempt's job in a final state (slurmdbd may lag), then
 * returns the rows of the campaign's jobs.
 */
export async function settledSacctRows(dir: string, timeoutMs = 60_000): Promise<SacctRow[]> {
  const uid = campaignUid(dir);
  const wanted = storedAttempts(dir).filter((a) => a.jobName !== null);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await sacctRows("")).filter((r) => r.name.includes(`-${uid}-`));
    const final = new Set(
      rows
        .filter((r) => !["PENDING", "RUNNING", "REQUEUED", "SUSPENDED"].includes(r.state))
        .map((r) => taskKey(r.name, r.arrayTaskId)),
    );
    if (wanted.every((a) => final.has(taskKey(a.jobName!, a.arrayTaskId))) || Date.now() > deadline)
      return rows;
    await sleep(1000);
  }
}

/**
 * Every trial ran exactly once: sacct holds exactly one COMPLETED job or array task per stored
 * trial (counted by job name and array task id, so a batch submitted twice shows as two rows
 * of one key), it is the job the store recorded, the store has one COMPLETED attempt per trial,
 * and the program logged each trial once. Returns the problems (empty when all is well).
 */
export function exactlyOnceProblems(
  dir: string,
  cwd: string,
  rows: readonly SacctRow[],
  trials: number,
): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, SacctRow[]>();
  for (const r of rows) {
    const k = taskKey(r.name, r.arrayTaskId);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  const stored = storedAttempts(dir);
  if (stored.length !== trials) problems.push(`${stored.length} trials stored, expected ${trials}`);
  const runs = runLog(cwd);
  const claimed = new Set<string>();
  for (const a of stored) {
    const where = `trial ${a.trialIndex}`;
    if (a.trialState !== "COMPLETED") problems.push(`${where}: state ${a.trialState}`);
    if (a.attempts !== 1) problems.push(`${where}: ${a.attempts} attempts`);
    if (a.jobName === null || a.jobId === null) {
      problems.push(`${where}: no job recorded`);
      continue;
    }
    const k = taskKey(a.jobName, a.arrayTaskId);
    claimed.add(k);
    const jobs = byKey.get(k) ?? [];
    const listed = jobs.map((j) => `${j.jobId}_${j.arrayTaskId ?? "-"} ${j.state}`).join("; ");
    if (jobs.length !== 1)
      problems.push(`${where}: ${jobs.length} sacct rows for ${k} [${listed}]`);
    else if (jobs[0]!.state !== "COMPLETED" || jobs[0]!.jobId !== a.jobId)
      problems.push(`${where}: sacct has ${listed}, the store job ${a.jobId}`);
    const ran = runs.get(a.trialIndex) ?? [];
    if (ran.length !== 1) problems.push(`${where}: the program ran ${ran.length} times`);
  }
  for (const [k, jobs] of byKey)
    if (!claimed.has(k)) problems.push(`sacct rows of no stored trial: ${k} (${jobs.length})`);
  return problems;
}

/** runs.log: trial index -> the "<job id> <task>" of each run. */
export function runLog(cwd: string): Map<number, string[]> {
  const runs = new Map<number, string[]>();
  const path = join(cwd, "runs.log");
  if (!existsSync(path)) return runs;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const [trial, ...rest] = line.split(" ");
    runs.set(Number(trial), [...(runs.get(Number(trial)) ?? []), rest.join(" ")]);
  }
  return runs;
}

/** Jobs of these campaign names still waiting or running; cancels them so no test leaks jobs. */
export async function cancelLeftovers(names: readonly string[]): Promise<string[]> {
  const r = await run("squeue", ["--me", "--noheader", "--format=%i|%T|%j"]);
  const left = r.stdout
    .split("\n")
    .filter((line) => names.some((n) => (line.split("|")[2] ?? "").startsWith(`${n}-`)));
  const ids = left.map((line) => line.split("|")[0]!.replace(/_.*$/, ""));
  if (ids.length > 0) await run("scancel", [...new Set(ids)]).catch(() => undefined);
  return left;
}

/** Starts the CLI in the background with these tests' environment (CLI_ENV). */
export function startCli(args: readonly string[], cwd: string): CliChild {
  return startCliProcess(args, cwd, CLI_ENV);
}

/** Attempts with a Slurm job id in the store (0 while the database does not exist yet). */
export function submittedCount(dir: string): number {
  if (!existsSync(join(dir, "campaign.db"))) return 0;
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return (
      db.prepare("SELECT COUNT(*) AS n FROM attempts WHERE job_id IS NOT NULL").get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

/** Rewrites the stored campaign's ssh settings (to imitate a campaign stored by an older version). */
export function rewriteStoredSsh(
  dir: string,
  change: (ssh: Record<string, unknown>) => Record<string, unknown>,
): void {
  const db = new Database(join(dir, "campaign.db"));
  try {
    const row = db.prepare("SELECT id, spec_json FROM campaigns").get() as {
      id: number;
      spec_json: string;
    };
    const spec = JSON.parse(row.spec_json) as { ssh: Record<string, unknown> };
    spec.ssh = change(spec.ssh);
    db.prepare("UPDATE campaigns SET spec_json = ? WHERE id = ?").run(JSON.stringify(spec), row.id);
  } finally {
    db.close();
  }
}

/** Messages of the controller's log (slurmopt.log, one JSON object per line). */
export function logMessages(dir: string): string[] {
  return readFileSync(join(dir, "slurmopt.log"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? "");
}
