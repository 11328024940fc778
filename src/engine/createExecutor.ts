import { execFileSync } from "node:child_process";
import type { Logger } from "pino";
import type { Executor } from "../executor/executor.js";
import { LocalExecutor } from "../executor/localExecutor.js";
import { SlurmExecutor } from "../slurm/slurmExecutor.js";
import type { Campaign } from "../spec/campaign.js";
import { LocalTransport } from "../transport/localTransport.js";
import { SshTransport } from "../transport/sshTransport.js";
import type { Transport } from "../transport/transport.js";

/** Whether sbatch is on PATH (executor: auto chooses Slurm then). */
export function sbatchOnPath(): boolean {
  try {
    execFileSync("/bin/sh", ["-c", "command -v sbatch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** local, or slurm (auto: Slurm when sbatch is on PATH or the campaign drives a cluster over SSH). */
export function resolveExecutorKind(campaign: Campaign): "local" | "slurm" {
  if (campaign.executor === "auto") return campaign.ssh || sbatchOnPath() ? "slurm" : "local";
  return campaign.executor;
}

/** The transport to the cluster: this machine, or SSH when the spec has an `ssh:` section. */
export function createTransport(campaign: Campaign, logger?: Logger): Transport {
  const ssh = campaign.ssh;
  if (!ssh) return new LocalTransport();
  return new SshTransport({
    host: ssh.host,
    ...(ssh.user !== null ? { user: ssh.user } : {}),
    ...(ssh.port !== null ? { port: ssh.port } : {}),
    ...(ssh.identityFile !== null ? { identityFiles: [ssh.identityFile] } : {}),
    ...(ssh.knownHosts !== null ? { knownHostsFiles: [ssh.knownHosts] } : {}),
    ...(ssh.pathPrefix !== null ? { pathPrefix: [ssh.pathPrefix] } : {}),
    setupLines: [...ssh.setup],
    ...(logger ? { logger } : {}),
  });
}

/**
 * The executor of a campaign. SLURMOPT_POLL_FLOOR_MS lowers the Slurm poll floor (5 s) for
 * tests; production sites should keep the floor.
 */
export function createExecutor(campaign: Campaign, logger?: Logger): Executor {
  if (resolveExecutorKind(campaign) === "local") return new LocalExecutor();
  const floor = Number(process.env.SLURMOPT_POLL_FLOOR_MS);
  return new SlurmExecutor({
    transport: createTransport(campaign, logger),
    settings: campaign.slurm,
    throttle: campaign.parallelism,
    templateBaseDir: campaign.workdir,
    ...(logger ? { logger } : {}),
    ...(Number.isFinite(floor) && floor > 0 ? { pollFloorMs: floor } : {}),
  });
}
