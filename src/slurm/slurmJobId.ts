/**
 * Slurm job identifiers as squeue and sacct print them: "123", "123_4" (array task),
 * "123_[1-3,7%2]" (array tasks not yet started, shown as one line), "123.batch", "123_4.0" (steps).
 */

export interface ParsedJobId {
  /** The job id (for array tasks: the array's job id). */
  jobId: string;
  /** The array task ids the line stands for: [] for a job that is not an array task. */
  arrayTaskIds: number[];
  /** The step name ("batch", "extern", "0"...), or null for the job allocation itself. */
  step: string | null;
}

/** Expands an array task list "1-3,7,10-14:2%4" into task ids (the %throttle is ignored). */
export function expandArrayRange(text: string): number[] | null {
  const body = text.replace(/%\d+$/, "");
  if (body === "") return null;
  const ids: number[] = [];
  for (const part of body.split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (to < from || step < 1 || to - from > 1_000_000) return null;
    for (let i = from; i <= to; i += step) ids.push(i);
  }
  return ids;
}

/** Parses a job id as squeue (%i) or sacct (JobID) print it; null when it is not one. */
export function parseJobId(text: string): ParsedJobId | null {
  const m = /^(\d+)(?:_(\d+|\[[^\]]*\]))?(?:\.([A-Za-z0-9+_-]+))?$/.exec(text.trim());
  if (!m) return null;
  const jobId = m[1]!;
  const step = m[3] ?? null;
  const task = m[2];
  if (task === undefined) return { jobId, arrayTaskIds: [], step };
  if (task.startsWith("[")) {
    const ids = expandArrayRange(task.slice(1, -1));
    return ids === null ? null : { jobId, arrayTaskIds: ids, step };
  }
  return { jobId, arrayTaskIds: [Number(task)], step };
}

/** The key slurmopt uses for one job or one array task: "123" or "123_4". */
export function jobKey(jobId: string, arrayTaskId: number | null): string {
  return arrayTaskId === null ? jobId : `${jobId}_${arrayTaskId}`;
}
