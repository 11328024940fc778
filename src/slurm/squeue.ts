import { jobKey, parseJobId } from "./slurmJobId.js";
import { slurmStateMeaning, type StateMeaning } from "./slurmStates.js";
import { parseSlurmDuration, parseSlurmTimestamp } from "./slurmTime.js";

/**
 * squeue, asked once per poll cycle for every job the controller owns. The job name comes last,
 * so a name containing the separator cannot shift the other fields.
 */
export const SQUEUE_FORMAT = "%i|%F|%T|%r|%N|%S|%M|%l|%j";
const FIELDS = 9;

export interface SqueueRow {
  /** The job id (for array tasks, the array's job id). */
  jobId: string;
  arrayTaskId: number | null;
  /** "123" or "123_4". */
  key: string;
  state: string;
  meaning: StateMeaning;
  /** Why it is pending (Resources, Priority, BeginTime, JobArrayTaskLimit...), or null. */
  reason: string | null;
  /** Allocated nodes, or null while pending. */
  nodes: string | null;
  startTime: number | null;
  elapsedS: number | null;
  timeLimitS: number | null;
  name: string;
}

export interface SqueueQuery {
  /** Job ids to ask about (array job ids cover all their tasks). */
  jobIds?: readonly string[];
  /** Job names to ask about. */
  names?: readonly string[];
}

/**
 * The argv of one batched squeue call: the user's own jobs (--me), one line per array task,
 * all states (finished jobs stay visible for MinJobAge seconds).
 */
export function squeueArgv(query: SqueueQuery = {}): string[] {
  const argv = [
    "squeue",
    "--me",
    "--noheader",
    "--array",
    "--states=all",
    `--format=${SQUEUE_FORMAT}`,
  ];
  if (query.jobIds && query.jobIds.length > 0) argv.push(`--jobs=${query.jobIds.join(",")}`);
  if (query.names && query.names.length > 0) argv.push(`--name=${query.names.join(",")}`);
  return argv;
}

/**
 * squeue exits 1 with "Invalid job id specified" when none of the ids given with --jobs is known
 * any more: for slurmopt that means "no rows", not a failure.
 */
export function isUnknownJobIdsMessage(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}

const nullIf = (v: string, ...empty: string[]): string | null =>
  v === "" || empty.includes(v) ? null : v;

/** Parses squeue output in SQUEUE_FORMAT. Lines that are not rows (warnings) are skipped. */
export function parseSqueue(text: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const parts = line.split("|");
    if (parts.length < FIELDS) continue;
    const [id, , state, reason, nodes, start, elapsed, limit] = parts as [string, ...string[]];
    const name = parts.slice(FIELDS - 1).join("|");
    const parsed = parseJobId(id);
    if (parsed === null || parsed.step !== null) continue;
    const common = {
      jobId: parsed.jobId,
      state: state!,
      meaning: slurmStateMeaning(state!),
      reason: nullIf(reason!, "None", "(null)"),
      nodes: nullIf(nodes!, "(null)", "None assigned"),
      startTime: parseSlurmTimestamp(start!),
      elapsedS: parseSlurmDuration(elapsed!),
      timeLimitS: parseSlurmDuration(limit!),
      name,
    };
    const tasks = parsed.arrayTaskIds.length > 0 ? parsed.arrayTaskIds : [null];
    for (const task of tasks)
      rows.push({ ...common, arrayTaskId: task, key: jobKey(parsed.jobId, task) });
  }
  return rows;
}
