import { parseSlurmDuration, parseSlurmMemoryMb } from "./slurmTime.js";

/**
 * What the preflight check needs to know about partitions: `scontrol show partition --oneliner`
 * for limits, `sinfo` for the largest node of each partition (CPUs, memory, GPUs).
 */

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  /** UP, DOWN, DRAIN or INACTIVE. */
  state: string;
  /** Seconds; Infinity when unlimited. */
  maxTimeS: number;
  /** Megabytes; Infinity when unlimited. */
  maxMemPerNodeMb: number;
  /** Megabytes; Infinity when unlimited. */
  maxMemPerCpuMb: number;
  maxNodes: number;
  maxCpusPerNode: number;
  totalNodes: number | null;
}

export interface PartitionNodes {
  partition: string;
  /** The largest values over the partition's nodes. */
  cpus: number;
  memoryMb: number;
  gpus: number;
}

export const SCONTROL_PARTITIONS_ARGV: readonly string[] = [
  "scontrol",
  "show",
  "partition",
  "--oneliner",
];
export const SINFO_NODES_ARGV: readonly string[] = ["sinfo", "--noheader", "--format=%R|%c|%m|%G"];

function fields(line: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) map.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return map;
}

const count = (v: string | undefined): number => {
  if (v === undefined || /^UNLIMITED$/i.test(v)) return Infinity;
  const n = Number(v);
  return Number.isFinite(n) ? n : Infinity;
};

/** Parses `scontrol show partition` output (one partition per line or per block). */
export function parseScontrolPartitions(text: string): PartitionInfo[] {
  const blocks = text
    .split(/\n(?=\s*PartitionName=)/)
    .map((b) => b.replace(/\s+/g, " ").trim())
    .filter((b) => b.startsWith("PartitionName="));
  return blocks.map((block) => {
    const f = fields(block);
    const mem = (key: string): number => {
      const v = f.get(key);
      return v === undefined ? Infinity : (parseSlurmMemoryMb(v) ?? Infinity);
    };
    const total = f.get("TotalNodes");
    return {
      name: f.get("PartitionName")!,
      isDefault: f.get("Default") === "YES",
      state: f.get("State") ?? "UP",
      maxTimeS: parseSlurmDuration(f.get("MaxTime") ?? "UNLIMITED") ?? Infinity,
      maxMemPerNodeMb: mem("MaxMemPerNode"),
      maxMemPerCpuMb: mem("MaxMemPerCPU"),
      maxNodes: count(f.get("MaxNodes")),
      maxCpusPerNode: count(f.get("MaxCPUsPerNode")),
      totalNodes: total === undefined ? null : Number(total),
    };
  });
}

/** GPUs in a GRES string such as "gpu:2", "gpu:a100:4(S:0-1),shard:8" or "(null)". */
export function gpusInGres(gres: string): number {
  let total = 0;
  for (const item of gres.split(/,(?![^(]*\))/)) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(item.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}

/** Parses sinfo output in SINFO_NODES_ARGV's format into the largest node per partition. */
export function parseSinfoNodes(text: string): PartitionNodes[] {
  const byPartition = new Map<string, PartitionNodes>();
  for (const line of text.split("\n")) {
    const parts = line.trim().split("|");
    if (parts.length < 4) continue;
    const [partition, cpus, mem, gres] = parts as [string, string, string, string];
    const num = (v: string): number => Number(v.replace(/\+$/, "")) || 0;
    const prev = byPartition.get(partition) ?? { partition, cpus: 0, memoryMb: 0, gpus: 0 };
    byPartition.set(partition, {
      partition,
      cpus: Math.max(prev.cpus, num(cpus)),
      memoryMb: Math.max(prev.memoryMb, num(mem)),
      gpus: Math.max(prev.gpus, gpusInGres(gres)),
    });
  }
  return [...byPartition.values()];
}
