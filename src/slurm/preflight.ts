import { InputError } from "../errors/errors.js";
import { formatSlurmDuration } from "./slurmTime.js";
import type { PartitionInfo, PartitionNodes } from "./partitions.js";

/** What a campaign's trial jobs will ask of the cluster. */
export interface ResourceRequest {
  /** null: the cluster's default partition. */
  partition: string | null;
  /** Seconds, or null for the partition's default. */
  timeLimitS: number | null;
  /** Memory per node in megabytes, or null for the default. */
  memMb: number | null;
  cpusPerTask: number;
  nodes: number;
  gpus: number;
}

const fmtTime = (s: number): string => (Number.isFinite(s) ? formatSlurmDuration(s) : "unlimited");

/**
 * The problems that would make every trial job fail or wait forever, each as one sentence that
 * names the setting and the limit. Empty when the request fits.
 */
export function preflightProblems(
  request: ResourceRequest,
  partitions: readonly PartitionInfo[],
  nodes: readonly PartitionNodes[],
): string[] {
  const p =
    request.partition === null
      ? partitions.find((x) => x.isDefault)
      : partitions.find((x) => x.name === request.partition);
  const names = partitions.map((x) => x.name).join(", ") || "none";
  if (!p) {
    return request.partition === null
      ? [`the cluster has no default partition; set a partition (available: ${names})`]
      : [`partition "${request.partition}" does not exist on this cluster (available: ${names})`];
  }
  const problems: string[] = [];
  const where = `partition "${p.name}"`;
  if (p.state !== "UP")
    problems.push(`${where} is ${p.state}: it does not run new jobs; choose another partition`);
  if (request.timeLimitS !== null && request.timeLimitS > p.maxTimeS) {
    problems.push(
      `time limit ${fmtTime(request.timeLimitS)} exceeds the MaxTime ${fmtTime(p.maxTimeS)} of ${where}; lower worker_timeout or choose another partition`,
    );
  }
  const node = nodes.find((n) => n.partition === p.name);
  if (request.memMb !== null) {
    if (request.memMb > p.maxMemPerNodeMb) {
      problems.push(
        `memory ${request.memMb} MB per node exceeds the MaxMemPerNode ${p.maxMemPerNodeMb} MB of ${where}; lower mem_gb`,
      );
    }
    if (
      Number.isFinite(p.maxMemPerCpuMb) &&
      request.memMb > p.maxMemPerCpuMb * request.cpusPerTask
    ) {
      problems.push(
        `memory ${request.memMb} MB exceeds MaxMemPerCPU ${p.maxMemPerCpuMb} MB x ${request.cpusPerTask} CPUs of ${where}; lower mem_gb or raise cpus_per_task`,
      );
    }
    if (node && node.memoryMb > 0 && request.memMb > node.memoryMb) {
      problems.push(
        `memory ${request.memMb} MB exceeds the largest node of ${where} (${node.memoryMb} MB); lower mem_gb`,
      );
    }
  }
  const cpuLimit = Math.min(p.maxCpusPerNode, node && node.cpus > 0 ? node.cpus : Infinity);
  if (request.cpusPerTask > cpuLimit) {
    problems.push(
      `cpus_per_task ${request.cpusPerTask} exceeds the ${cpuLimit} CPUs per node of ${where}`,
    );
  }
  const nodeLimit = Math.min(p.maxNodes, p.totalNodes ?? Infinity);
  if (request.nodes > nodeLimit) {
    problems.push(`nodes_per_job ${request.nodes} exceeds the ${nodeLimit} nodes of ${where}`);
  }
  if (request.gpus > 0 && node && request.gpus > node.gpus) {
    problems.push(`gpus ${request.gpus} exceeds the ${node.gpus} GPUs per node of ${where}`);
  }
  return problems;
}

/** Throws InputError PREFLIGHT_FAILED listing every problem, before anything is submitted. */
export function assertPreflight(
  request: ResourceRequest,
  partitions: readonly PartitionInfo[],
  nodes: readonly PartitionNodes[],
): void {
  const problems = preflightProblems(request, partitions, nodes);
  if (problems.length > 0) {
    throw new InputError(
      "PREFLIGHT_FAILED",
      `Slurm preflight check failed: ${problems.join("; ")}`,
    );
  }
}
