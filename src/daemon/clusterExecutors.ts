import { isAbsolute } from "node:path";
import type { Logger } from "pino";
import { createTransport, resolveExecutorKind } from "../engine/createExecutor.js";
import type { Executor } from "../executor/executor.js";
import { LocalExecutor } from "../executor/localExecutor.js";
import { assertSlurmCommands } from "../slurm/slurmCommandsCheck.js";
import { SlurmExecutor } from "../slurm/slurmExecutor.js";
import type { Campaign } from "../spec/campaign.js";
import { SshTransport } from "../transport/sshTransport.js";
import type { Transport } from "../transport/transport.js";
import type { ClusterSummary } from "./protocol.js";

/**
 * Which campaigns can share one executor: the same place their jobs run (this machine's
 * processes, this machine's Slurm, or one SSH login), and for relative job templates the same
 * folder they are read from.
 */
export function clusterKey(campaign: Campaign): string {
  if (resolveExecutorKind(campaign) === "local") return "local";
  const s = campaign.slurm;
  const relativeTemplates = [s.template, s.arrayTemplate].some((t) => t !== null && !isAbsolute(t));
  const where = relativeTemplates ? ` templates:${campaign.workdir}` : "";
  const ssh = campaign.ssh;
  if (ssh === null) return `slurm${where}`;
  const prefix: unknown = ssh.pathPrefix;
  return `ssh:${ssh.user ?? ""}@${ssh.host}:${ssh.port ?? 22} key:${ssh.identityFile ?? ""} path:${JSON.stringify(prefix)} setup:${JSON.stringify(ssh.setup)}${where}`;
}

interface Cluster {
  key: string;
  executor: Executor;
  transport: Transport | null;
  /** The campaigns on it, by uid (their Slurm settings and array throttle). */
  campaigns: Map<string, Campaign>;
  ready: Promise<void> | null;
}

/**
 * One executor per cluster, shared by every campaign the daemon drives there: one squeue per
 * poll cycle for all of them, batched sacct, and one SSH connection per remote login.
 */
export class ClusterExecutors {
  private readonly clusters = new Map<string, Cluster>();
  /** Poll cycles of executors closed since the daemon started, by cluster (status counts them). */
  private readonly pastCycles = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  /** The shared executor for a campaign (made on first use); prepare() before submitting. */
  executorFor(uid: string, campaign: Campaign): Executor {
    const key = clusterKey(campaign);
    let c = this.clusters.get(key);
    if (!c) {
      c = this.create(key, campaign);
      this.clusters.set(key, c);
    }
    c.campaigns.set(uid, campaign);
    return c.executor;
  }

  /**
   * Connects and checks the Slurm commands once per cluster (a refused host key or missing
   * sbatch fails the campaign being adopted with that message); a failed check is tried again
   * by the next campaign.
   */
  async prepare(campaign: Campaign): Promise<void> {
    const c = this.clusters.get(clusterKey(campaign));
    if (!c || c.transport === null) return;
    const transport = c.transport;
    c.ready ??= (async () => {
      if (transport instanceof SshTransport) await transport.connect();
      await assertSlurmCommands(
        transport,
        "put the Slurm commands on the PATH the daemon sees (for SSH: ssh.path_prefix or ssh.setup)",
      );
    })().catch((e: unknown) => {
      c.ready = null;
      throw e;
    });
    await c.ready;
    if (campaign.ssh !== null) await transport.mkdir(campaign.ssh.remoteDir);
  }

  /** The campaign no longer uses its cluster; an executor left without campaigns is closed. */
  async release(uid: string, campaign: Campaign): Promise<void> {
    const key = clusterKey(campaign);
    const c = this.clusters.get(key);
    if (!c) return;
    c.campaigns.delete(uid);
    if (c.campaigns.size > 0) return;
    this.clusters.delete(key);
    await this.closeCluster(c);
  }

  summaries(): ClusterSummary[] {
    const keys = new Set([...this.pastCycles.keys(), ...this.clusters.keys()]);
    return [...keys].map((key) => {
      const c = this.clusters.get(key);
      const slurm = c?.executor instanceof SlurmExecutor ? c.executor : null;
      return {
        key,
        campaigns: c?.campaigns.size ?? 0,
        pollCycles: (this.pastCycles.get(key) ?? 0) + (slurm?.pollCycles ?? 0),
        pollIntervalMs: slurm?.pollIntervalMs ?? null,
      };
    });
  }

  async closeAll(): Promise<void> {
    const all = [...this.clusters.values()];
    this.clusters.clear();
    for (const c of all) await this.closeCluster(c);
  }

  private async closeCluster(c: Cluster): Promise<void> {
    if (c.executor instanceof SlurmExecutor)
      this.pastCycles.set(c.key, (this.pastCycles.get(c.key) ?? 0) + c.executor.pollCycles);
    try {
      await c.executor.close();
      await c.transport?.close();
    } catch (e) {
      this.logger.warn({ err: e, cluster: c.key }, "closing a cluster's executor failed");
    }
  }

  private create(key: string, first: Campaign): Cluster {
    const campaigns = new Map<string, Campaign>();
    if (key === "local")
      return { key, executor: new LocalExecutor(), transport: null, campaigns, ready: null };
    const transport = createTransport(first, this.logger);
    const settingsOf = (uid: string): Campaign => campaigns.get(uid) ?? first;
    const floor = Number(process.env.SLURMOPT_POLL_FLOOR_MS);
    const executor = new SlurmExecutor({
      transport,
      settings: (uid) => settingsOf(uid).slurm,
      throttle: (uid) => settingsOf(uid).parallelism,
      templateBaseDir: first.workdir,
      // The first campaign's poll_interval and max_poll_interval (settings is per campaign, so
      // the executor cannot read them itself).
      pollIntervalMs: first.slurm.pollIntervalSeconds * 1000,
      maxPollIntervalMs: first.slurm.maxPollIntervalSeconds * 1000,
      logger: this.logger,
      ...(Number.isFinite(floor) && floor > 0 ? { pollFloorMs: floor } : {}),
    });
    return { key, executor, transport, campaigns, ready: null };
  }
}
