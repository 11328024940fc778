import { isAccessRefused } from "../errors/errors.js";
import type { Logger } from "pino";
import type { SacctJob } from "./sacct.js";
import type { SlurmCommands } from "./slurmCommands.js";
import { finalFromSacct, finalFromSqueue, type Tracked } from "./trackedJob.js";

export interface ObserveContext {
  commands: SlurmCommands;
  logger: Logger | undefined;
  /** false: no accounting (sacct is not asked); null: not known yet. */
  accounting: boolean | null;
  /** Called once per attempt when Slurm first shows it running (or finished after a start). */
  onStarted: (t: Tracked, time: number, nodes: string | null) => void;
  /** Called for every attempt that runs (time-limit backstop). */
  onRunning: (t: Tracked) => Promise<void>;
}

export interface Observation {
  /** squeue could not be asked: nothing was learned this cycle. */
  failed: boolean;
  changed: boolean;
  /** Attempts that left squeue or finished: asked of sacct. */
  asked: Tracked[];
  accounting: boolean | null;
}

/**
 * One poll cycle's queries: ONE squeue for every open attempt, then ONE sacct for the attempts
 * that finished or left squeue (unless the cluster keeps no accounting). Updates the attempts
 * in place (lastSeenAt, started, final). Failed queries are logged and retried next cycle.
 */
export async function observeJobs(
  open: readonly Tracked[],
  ctx: ObserveContext,
  now: number,
): Promise<Observation> {
  const asked: Tracked[] = [];
  let changed = false;
  let accounting = ctx.accounting;
  if (open.length === 0) return { failed: false, changed, asked, accounting };
  let rows;
  try {
    const ids = [...new Set(open.map((t) => t.jobId))];
    rows = new Map((await ctx.commands.squeue({ jobIds: ids })).map((r) => [r.key, r]));
  } catch (e) {
    if (isAccessRefused(e)) throw e; // asking again cannot help: the campaign stops
    ctx.logger?.warn({ err: e }, "squeue failed; asking again next cycle");
    return { failed: true, changed, asked, accounting };
  }
  for (const t of open) {
    const row = rows.get(t.key);
    if (!row) {
      asked.push(t);
      continue;
    }
    t.lastSeenAt = now;
    const phase = row.meaning.phase;
    if ((phase === "running" || (phase === "finished" && row.startTime !== null)) && !t.started) {
      ctx.onStarted(t, row.startTime ?? now, row.nodes);
      changed = true;
    }
    if (phase === "finished") {
      t.final = finalFromSqueue(row);
      t.finalAt = now;
      changed = true;
      asked.push(t);
    } else if (phase === "running") {
      await ctx.onRunning(t);
    }
  }
  if (asked.length > 0 && accounting !== false) {
    try {
      const r = await ctx.commands.sacct({ jobIds: [...new Set(asked.map((t) => t.jobId))] });
      accounting = r.accounting;
      for (const t of asked) {
        const job = sacctJobOf(r.jobs, t);
        if (!job) continue;
        t.lastSeenAt = now;
        const a = job.allocation;
        if (a.meaning.phase !== "finished") continue;
        if (!t.started && a.startTime !== null) ctx.onStarted(t, a.startTime, a.nodes);
        t.final = finalFromSacct(job, t.final);
        t.finalAt ??= now;
        changed = true;
      }
    } catch (e) {
      if (isAccessRefused(e)) throw e;
      ctx.logger?.warn({ err: e }, "sacct failed; asking again next cycle");
    }
  }
  return { failed: false, changed, asked, accounting };
}

/**
 * The sacct record of an attempt. An array cancelled before any of its tasks started may stay
 * in accounting as one line under the bare job id ("4278", or later "4278_[0-1]"): sacct
 * --jobs=4278_0 then answers nothing. A finished bare line stands for every task of the array
 * that has no line of its own.
 */
export function sacctJobOf(
  jobs: ReadonlyMap<string, SacctJob>,
  t: Pick<Tracked, "key" | "jobId" | "arrayTaskId">,
): SacctJob | undefined {
  const own = jobs.get(t.key);
  if (own !== undefined || t.arrayTaskId === null) return own;
  const whole = jobs.get(t.jobId);
  return whole !== undefined && whole.allocation.meaning.phase === "finished" ? whole : undefined;
}
