import { ClusterError, errorMessage, isAccessRefused } from "../errors/errors.js";
import type { RunResult, Transport } from "../transport/transport.js";
import {
  parseScontrolPartitions,
  parseSinfoNodes,
  SCONTROL_PARTITIONS_ARGV,
  SINFO_NODES_ARGV,
} from "./partitions.js";
import type { PartitionInfo, PartitionNodes } from "./partitions.js";
import {
  groupSacct,
  isAccountingDisabledMessage,
  parseSacct,
  sacctArgv,
  type SacctJob,
  type SacctQuery,
} from "./sacct.js";
import {
  isUnknownJobIdsMessage,
  parseSqueue,
  squeueArgv,
  type SqueueQuery,
  type SqueueRow,
} from "./squeue.js";

/**
 * The Slurm commands slurmopt runs, through a Transport (local or SSH), each with a time-out.
 * Counts every call, so tests can show that squeue runs once per poll cycle.
 */

/**
 * Runs sbatch with the SLURM_* variables of a surrounding job removed (SLURM_CONF stays): a
 * controller that runs inside a Slurm job must not pass its allocation on to the trial jobs.
 */
const CLEAN_SBATCH = `for v in $(env | sed -n 's/^\\(SLURM_[A-Za-z0-9_]*\\)=.*/\\1/p'); do [ "$v" = SLURM_CONF ] || unset "$v"; done; exec sbatch "$@"`;

export type SbatchOutcome =
  | { kind: "submitted"; jobId: string }
  /** sbatch answered and refused: nothing was submitted. */
  | { kind: "refused"; message: string }
  /** No clear answer (time-out, lost connection): the job may or may not exist. */
  | { kind: "ambiguous"; message: string };

export interface SlurmCallCounts {
  sbatch: number;
  squeue: number;
  sacct: number;
  scancel: number;
  scontrol: number;
}

/** Messages of a controller that did not answer (the request may or may not have been carried out). */
const UNCLEAR =
  /Socket timed out|timed out on send\/recv|Unable to contact slurm controller|Zero Bytes were transmitted|Connection refused|Connection reset|Transport endpoint|Resource temporarily unavailable|Slurm backup controller in standby mode/i;

export function isAmbiguousSbatchFailure(r: RunResult): boolean {
  if (r.timedOut || r.exitCode === null) return true;
  return UNCLEAR.test(r.stderr);
}

/** "12345" or "12345;cluster" -> "12345"; null when sbatch printed something else. */
export function parseSbatchParsable(stdout: string): string | null {
  const line = stdout.trim().split("\n").at(-1)?.trim() ?? "";
  const m = /^(\d+)(?:;\S+)?$/.exec(line);
  return m ? m[1]! : null;
}

export class SlurmCommands {
  readonly calls: SlurmCallCounts = { sbatch: 0, squeue: 0, sacct: 0, scancel: 0, scontrol: 0 };

  constructor(
    private readonly transport: Transport,
    private readonly timeoutMs = 60_000,
  ) {}

  /** squeue, sacct, sinfo, scontrol and scancel: safe to run again after a dropped connection. */
  private async run(argv: readonly string[], what: string): Promise<RunResult> {
    try {
      return await this.transport.run(argv, { timeoutMs: this.timeoutMs, idempotent: true });
    } catch (e) {
      if (isAccessRefused(e)) throw e; // its own words say what to fix
      throw new ClusterError(
        "SLURM_ERROR",
        `${what} could not run over ${this.transport.description}: ${errorMessage(e)}`,
        { cause: e },
      );
    }
  }

  private failure(what: string, r: RunResult): ClusterError {
    const detail = r.timedOut
      ? `timed out after ${this.timeoutMs} ms`
      : `exit ${r.exitCode}: ${r.stderr.trim()}`;
    const unanswered = r.timedOut || UNCLEAR.test(r.stderr);
    return new ClusterError(
      unanswered ? "CLUSTER_UNREACHABLE" : "SLURM_ERROR",
      `${what} failed (${detail}); is slurmctld reachable from ${this.transport.description}?`,
    );
  }

  /** Submits a script; never throws for Slurm's answers (see SbatchOutcome). */
  async sbatch(scriptPath: string, extraArgs: readonly string[] = []): Promise<SbatchOutcome> {
    this.calls.sbatch++;
    let r: RunResult;
    try {
      r = await this.transport.run(
        ["/bin/sh", "-c", CLEAN_SBATCH, "sbatch", "--parsable", ...extraArgs, scriptPath],
        {
          timeoutMs: this.timeoutMs,
        },
      );
    } catch (e) {
      // A refused host key or login happens before any command runs: nothing was submitted.
      if (isAccessRefused(e)) throw e;
      return {
        kind: "ambiguous",
        message: `sbatch could not be run: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    if (r.exitCode === 0) {
      const jobId = parseSbatchParsable(r.stdout);
      if (jobId !== null) return { kind: "submitted", jobId };
      return {
        kind: "ambiguous",
        message: `sbatch printed no job id: ${JSON.stringify(r.stdout.trim())}`,
      };
    }
    const message = r.timedOut
      ? `sbatch timed out after ${this.timeoutMs} ms`
      : r.stderr.trim() || `exit ${r.exitCode}`;
    return isAmbiguousSbatchFailure(r)
      ? { kind: "ambiguous", message }
      : { kind: "refused", message };
  }

  /** One squeue call. Throws ClusterError when squeue fails (the caller retries next cycle). */
  async squeue(query: SqueueQuery): Promise<SqueueRow[]> {
    this.calls.squeue++;
    const r = await this.run(squeueArgv(query), "squeue");
    if (r.exitCode === 0) return parseSqueue(r.stdout);
    if (r.exitCode === 1 && isUnknownJobIdsMessage(r.stderr)) return [];
    throw this.failure("squeue", r);
  }

  /** One sacct call; `accounting: false` when the cluster keeps no accounting. */
  async sacct(query: SacctQuery): Promise<{ accounting: boolean; jobs: Map<string, SacctJob> }> {
    this.calls.sacct++;
    const r = await this.run(sacctArgv(query), "sacct");
    if (isAccountingDisabledMessage(r.stderr) || isAccountingDisabledMessage(r.stdout)) {
      return { accounting: false, jobs: new Map() };
    }
    if (r.exitCode === 0) return { accounting: true, jobs: groupSacct(parseSacct(r.stdout)) };
    throw this.failure("sacct", r);
  }

  /** scancel for jobs or array tasks ("123", "123_4"). Unknown ids are not an error. */
  async scancel(keys: readonly string[], extraArgs: readonly string[] = []): Promise<void> {
    if (keys.length === 0 && extraArgs.length === 0) return;
    this.calls.scancel++;
    const r = await this.run(["scancel", ...extraArgs, ...keys], "scancel");
    if (
      r.exitCode !== 0 &&
      !/Invalid job id|already completing or completed|Job\/step already/i.test(r.stderr)
    ) {
      throw this.failure("scancel", r);
    }
  }

  /**
   * scontrol hold / release of pending jobs (submit-ahead jobs while a campaign is paused or
   * stopped). A job that already started, ended or is unknown is not an error.
   */
  async hold(keys: readonly string[], release: boolean): Promise<void> {
    if (keys.length === 0) return;
    this.calls.scontrol++;
    const what = release ? "scontrol release" : "scontrol hold";
    const r = await this.run(["scontrol", release ? "release" : "hold", keys.join(",")], what);
    if (
      r.exitCode !== 0 &&
      !/Invalid job id|no longer pending|already|not held|completed|Job is not pending/i.test(
        r.stderr,
      )
    )
      throw this.failure(what, r);
  }

  /** Partition limits and largest nodes, for the preflight check. */
  async partitions(): Promise<{ partitions: PartitionInfo[]; nodes: PartitionNodes[] }> {
    this.calls.scontrol++;
    const p = await this.run(SCONTROL_PARTITIONS_ARGV, "scontrol show partition");
    if (p.exitCode !== 0) throw this.failure("scontrol show partition", p);
    const n = await this.run(SINFO_NODES_ARGV, "sinfo");
    if (n.exitCode !== 0) throw this.failure("sinfo", n);
    return { partitions: parseScontrolPartitions(p.stdout), nodes: parseSinfoNodes(n.stdout) };
  }

  /** Node names of a partition (or of the default one), for excluding failed nodes. */
  async partitionNodeNames(partition: string | null): Promise<string[]> {
    const argv = ["sinfo", "--noheader", "--Node", "--format=%N|%P"];
    const r = await this.run(argv, "sinfo");
    if (r.exitCode !== 0) throw this.failure("sinfo", r);
    const names = new Set<string>();
    for (const line of r.stdout.split("\n")) {
      const [node, part] = line.trim().split("|");
      if (!node || !part) continue;
      const isDefault = part.endsWith("*");
      const name = part.replace(/\*$/, "");
      if (partition === null ? isDefault : name === partition) names.add(node);
    }
    return [...names];
  }
}
