import { describe, expect, it } from "vitest";
import {
  gpusInGres,
  parseScontrolPartitions,
  parseSinfoNodes,
} from "../../../src/slurm/partitions.js";
import {
  assertPreflight,
  preflightProblems,
  type ResourceRequest,
} from "../../../src/slurm/preflight.js";

// Recorded on the project's single-node cluster: scontrol show partition --oneliner
const SCONTROL = `PartitionName=debug AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL Default=YES QoS=N/A DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED Nodes=vm PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO OverTimeLimit=NONE PreemptMode=OFF State=UP TotalCPUs=8 TotalNodes=1 SelectTypeParameters=NONE JobDefaults=(null) DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED TRES=cpu=8,mem=16G,node=1,billing=8,gres/gpu=2
PartitionName=short AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL Default=NO QoS=N/A DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO MaxNodes=UNLIMITED MaxTime=00:05:00 MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED Nodes=vm PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO OverTimeLimit=NONE PreemptMode=OFF State=UP TotalCPUs=8 TotalNodes=1 SelectTypeParameters=NONE JobDefaults=(null) DefMemPerNode=UNLIMITED MaxMemPerNode=2048 TRES=cpu=8,mem=16G,node=1,billing=8,gres/gpu=2
`;

// The multi-line form scontrol prints without --oneliner, for a site partition.
const MULTILINE = `PartitionName=gpu
   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL
   AllocNodes=ALL Default=NO QoS=N/A
   MaxNodes=4 MaxTime=2-00:00:00 MinNodes=0 LLN=NO MaxCPUsPerNode=32
   State=DRAIN TotalCPUs=256 TotalNodes=4 SelectTypeParameters=NONE
   DefMemPerCPU=4000 MaxMemPerCPU=8000

`;

const SINFO = `debug|8|16384|gpu:2
short|8|16384|gpu:2
gpu|64|512000|gpu:a100:4(S:0-1),shard:8
gpu|32+|256000+|gpu:a100:2
`;

describe("parseScontrolPartitions", () => {
  it("reads limits from the one-line form", () => {
    const [debug, short] = parseScontrolPartitions(SCONTROL);
    expect(debug).toEqual({
      name: "debug",
      isDefault: true,
      state: "UP",
      maxTimeS: Infinity,
      maxMemPerNodeMb: Infinity,
      maxMemPerCpuMb: Infinity,
      maxNodes: Infinity,
      maxCpusPerNode: Infinity,
      totalNodes: 1,
    });
    expect(short).toMatchObject({
      name: "short",
      isDefault: false,
      maxTimeS: 300,
      maxMemPerNodeMb: 2048,
    });
  });

  it("reads the multi-line form", () => {
    expect(parseScontrolPartitions(MULTILINE)).toEqual([
      {
        name: "gpu",
        isDefault: false,
        state: "DRAIN",
        maxTimeS: 172800,
        maxMemPerNodeMb: Infinity,
        maxMemPerCpuMb: 8000,
        maxNodes: 4,
        maxCpusPerNode: 32,
        totalNodes: 4,
      },
    ]);
  });
});

describe("parseSinfoNodes", () => {
  it("keeps the largest node of each partition", () => {
    expect(parseSinfoNodes(SINFO)).toEqual([
      { partition: "debug", cpus: 8, memoryMb: 16384, gpus: 2 },
      { partition: "short", cpus: 8, memoryMb: 16384, gpus: 2 },
      { partition: "gpu", cpus: 64, memoryMb: 512000, gpus: 4 },
    ]);
  });

  it("counts GPUs in GRES strings", () => {
    expect(gpusInGres("(null)")).toBe(0);
    expect(gpusInGres("gpu:2")).toBe(2);
    expect(gpusInGres("gpu:a100:4(S:0-1),gpu:v100:2,shard:8")).toBe(6);
  });
});

describe("preflightProblems", () => {
  const partitions = [...parseScontrolPartitions(SCONTROL), ...parseScontrolPartitions(MULTILINE)];
  const nodes = parseSinfoNodes(SINFO);
  const ok: ResourceRequest = {
    partition: "short",
    timeLimitS: 120,
    memMb: 1024,
    cpusPerTask: 1,
    nodes: 1,
    gpus: 1,
  };

  it("accepts a request within the partition's limits", () => {
    expect(preflightProblems(ok, partitions, nodes)).toEqual([]);
    expect(
      preflightProblems({ ...ok, partition: null, timeLimitS: 86400 * 30 }, partitions, nodes),
    ).toEqual([]);
  });

  it("names a partition that does not exist and lists the others", () => {
    expect(preflightProblems({ ...ok, partition: "nosuch" }, partitions, nodes)).toEqual([
      'partition "nosuch" does not exist on this cluster (available: debug, short, gpu)',
    ]);
  });

  it("refuses a time limit above MaxTime", () => {
    const p = preflightProblems({ ...ok, timeLimitS: 600 }, partitions, nodes);
    expect(p).toHaveLength(1);
    expect(p[0]).toContain('time limit 00:10:00 exceeds the MaxTime 00:05:00 of partition "short"');
  });

  it("refuses memory above MaxMemPerNode and above the largest node", () => {
    expect(preflightProblems({ ...ok, memMb: 4096 }, partitions, nodes)[0]).toContain(
      "MaxMemPerNode 2048 MB",
    );
    expect(
      preflightProblems({ ...ok, partition: "debug", memMb: 20000 }, partitions, nodes)[0],
    ).toContain("largest node");
  });

  it("refuses more CPUs, nodes or GPUs than the partition has, and a drained partition", () => {
    const p = preflightProblems(
      { partition: "gpu", timeLimitS: 60, memMb: 20000, cpusPerTask: 40, nodes: 5, gpus: 8 },
      partitions,
      nodes,
    );
    expect(p.join("\n")).toMatch(/is DRAIN/);
    expect(p.join("\n")).toMatch(/cpus_per_task 40 exceeds the 32 CPUs per node/);
    expect(p.join("\n")).not.toMatch(/MaxMemPerCPU/);
    expect(p).toHaveLength(4);
    expect(p.join("\n")).toMatch(/nodes_per_job 5 exceeds the 4 nodes/);
    expect(p.join("\n")).toMatch(/gpus 8 exceeds the 4 GPUs/);
  });

  it("throws one InputError listing every problem", () => {
    expect(() => {
      assertPreflight({ ...ok, timeLimitS: 600, gpus: 3 }, partitions, nodes);
    }).toThrow(/Slurm preflight check failed: time limit .*; gpus 3 exceeds the 2 GPUs/);
    expect(() => {
      assertPreflight({ ...ok, partition: "nosuch" }, partitions, nodes);
    }).toThrow(expect.objectContaining({ code: "PREFLIGHT_FAILED", name: "InputError" }));
  });
});
