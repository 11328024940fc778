import { CampaignPaths } from "../engine/campaignPaths.js";
import type { AttemptToRun } from "../executor/executor.js";

/** Where a job array's script and Slurm output go: <campaign folder>/slurm-arrays/<job name>. */
export function defaultArrayDir(batch: readonly AttemptToRun[]): string {
  const first = batch[0]!;
  return CampaignPaths.ofAttemptDir(first.dir).arrayDir(first.jobName);
}

/** Attempts grouped by campaign and job name (each group becomes one job or job array). */
export function groupByJobName(batch: readonly AttemptToRun[]): AttemptToRun[][] {
  const groups = new Map<string, AttemptToRun[]>();
  for (const a of batch) {
    const k = `${a.campaignUid}\n${a.jobName}`;
    groups.set(k, [...(groups.get(k) ?? []), a]);
  }
  return [...groups.values()];
}

/** Splits a group below the largest array; later chunks get names of their own ("-p1"...). */
export function chunks(group: readonly AttemptToRun[], max: number): AttemptToRun[][] {
  const out: AttemptToRun[][] = [];
  for (let i = 0; i < group.length; i += max) {
    const chunk = group.slice(i, i + max);
    out.push(i === 0 ? chunk : chunk.map((a) => ({ ...a, jobName: `${a.jobName}-p${i / max}` })));
  }
  return out;
}
