import { jobKey, parseJobId } from "./slurmJobId.js";
import { parseSacctExitCode, slurmStateMeaning, type StateMeaning } from "./slurmStates.js";
import { parseSlurmDuration, parseSlurmTimestamp } from "./slurmTime.js";

/**
 * sacct, asked in one batch for the jobs that left squeue (and for reconciliation by name).
 * --duplicates shows every run of a requeued job; the job name comes last so that a name
 * containing the separator cannot shift the other fields.
 */
export const SACCT_FIELDS = [
  "JobID",
  "State",
  "ExitCode",
  "Elapsed",
  "NodeList",
  "Start",
  "End",
  "Submit",
  "JobName",
];
const FIELD_COUNT = SACCT_FIELDS.length;

export interface SacctRecord {
  jobId: string;
  arrayTaskId: number | null;
  key: string;
  /** null for the job allocation, else the step ("batch", "extern", "0"...). */
  step: string | null;
  state: string;
  meaning: StateMeaning;
  exitCode: number | null;
  /** The signal that ended it (the part after ":" in ExitCode), 0 for none. */
  signal: number | null;
  elapsedS: number | null;
  nodes: string | null;
  startTime: number | null;
  endTime: number | null;
  submitTime: number | null;
  name: string;
}

/** One job or array task: its latest run and that run's steps. */
export interface SacctJob {
  key: string;
  jobId: string;
  arrayTaskId: number | null;
  allocation: SacctRecord;
  steps: SacctRecord[];
  /** Earlier runs of the same job (requeued after NODE_FAIL or preemption), oldest first. */
  earlierRuns: SacctRecord[];
}

export interface SacctQuery {
  jobIds?: readonly string[];
  names?: readonly string[];
  /** Needed with names: sacct looks back only to midnight otherwise (e.g. "now-7days"). */
  startTime?: string;
}

export function sacctArgv(query: SacctQuery): string[] {
  const argv = [
    "sacct",
    "--parsable2",
    "--noheader",
    "--duplicates",
    `--format=${SACCT_FIELDS.join(",")}`,
  ];
  if (query.jobIds && query.jobIds.length > 0) argv.push(`--jobs=${query.jobIds.join(",")}`);
  if (query.names && query.names.length > 0) argv.push(`--name=${query.names.join(",")}`);
  if (query.startTime !== undefined) argv.push(`--starttime=${query.startTime}`);
  return argv;
}

/** True when sacct says the cluster keeps no accounting (fall back to squeue + exit-status file). */
export function isAccountingDisabledMessage(text: string): boolean {
  return /accounting storage is disabled/i.test(text);
}

const nullIf = (v: string, ...empty: string[]): string | null =>
  v === "" || empty.includes(v) ? null : v;

/** Parses sacct --parsable2 --noheader output in SACCT_FIELDS order, one record per job id. */
export function parseSacct(text: string): SacctRecord[] {
  const records: SacctRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const parts = line.split("|");
    if (parts.length < FIELD_COUNT) continue;
    const [id, state, exit, elapsed, nodes, start, end, submit] = parts as [string, ...string[]];
    const parsed = parseJobId(id);
    if (parsed === null) continue;
    const code = parseSacctExitCode(exit!);
    const common = {
      jobId: parsed.jobId,
      step: parsed.step,
      state: state!,
      meaning: slurmStateMeaning(state!),
      exitCode: code?.exitCode ?? null,
      signal: code?.signal ?? null,
      elapsedS: parseSlurmDuration(elapsed!),
      nodes: nullIf(nodes!, "None assigned", "(null)"),
      startTime: parseSlurmTimestamp(start!),
      endTime: parseSlurmTimestamp(end!),
      submitTime: parseSlurmTimestamp(submit!),
      name: parts.slice(FIELD_COUNT - 1).join("|"),
    };
    const tasks = parsed.arrayTaskIds.length > 0 ? parsed.arrayTaskIds : [null];
    for (const task of tasks)
      records.push({ ...common, arrayTaskId: task, key: jobKey(parsed.jobId, task) });
  }
  return records;
}

/**
 * Groups records by job (or array task). sacct lists the runs of a requeued job oldest first,
 * each run's allocation line followed by its steps; the last run is the one that counts.
 */
export function groupSacct(records: readonly SacctRecord[]): Map<string, SacctJob> {
  const jobs = new Map<string, SacctJob>();
  for (const rec of records) {
    const job = jobs.get(rec.key);
    if (rec.step === null) {
      if (job) {
        job.earlierRuns.push(job.allocation);
        job.allocation = rec;
        job.steps = [];
      } else {
        jobs.set(rec.key, {
          key: rec.key,
          jobId: rec.jobId,
          arrayTaskId: rec.arrayTaskId,
          allocation: rec,
          steps: [],
          earlierRuns: [],
        });
      }
    } else if (job) {
      job.steps.push(rec);
    }
  }
  return jobs;
}
