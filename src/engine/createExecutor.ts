import { execFileSync } from "node:child_process";
import type { Logger } from "pino";
import { ClusterError, errorMessage } from "../errors/errors.js";
import type { Executor } from "../executor/executor.js";
import { LocalExecutor } from "../executor/localExecutor.js";
import { assertSlurmCommands } from "../slurm/slurmCommandsCheck.js";
import { SlurmExecutor } from "../slurm/slurmExecutor.js";
import type { SlurmExecutorOptions } from "../slurm/slurmExecutor.js";
import type { Campaign, SshSettings } from "../spec/campaign.js";
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

/**
 * Campaigns stored before the ssh_config, passphrase_env and keepalive keys lack those fields
 * and kept path_prefix as one string or null (`resume` reads the stored campaign as it is).
 */
function storedSsh(ssh: SshSettings): SshSettings {
  const stored: { [K in keyof SshSettings]?: SshSettings[K] | undefined } = ssh;
  const prefix: unknown = ssh.pathPrefix;
  return {
    ...ssh,
    pathPrefix: Array.isArray(prefix)
      ? prefix.map(String)
      : typeof prefix === "string"
        ? prefix.split(":").filter((p) => p !== "")
        : [],
    sshConfig: stored.sshConfig ?? null,
    passphraseEnv: stored.passphraseEnv ?? null,
    keepaliveSeconds: stored.keepaliveSeconds ?? null,
  };
}

/** The transport to the cluster: this machine, or SSH when the spec has an `ssh:` section. */
export function createTransport(campaign: Campaign, logger?: Logger): Transport {
  if (!campaign.ssh) return new LocalTransport();
  const ssh = storedSsh(campaign.ssh);
  return new SshTransport({
    host: ssh.host,
    ...(ssh.user !== null ? { user: ssh.user } : {}),
    ...(ssh.port !== null ? { port: ssh.port } : {}),
    ...(ssh.identityFile !== null ? { identityFiles: [ssh.identityFile] } : {}),
    ...(ssh.knownHosts !== null ? { knownHostsFiles: [ssh.knownHosts] } : {}),
    ...(ssh.sshConfig !== null
      ? { sshConfigFile: ssh.sshConfig === false ? null : ssh.sshConfig }
      : {}),
    ...(ssh.passphraseEnv !== null ? { passphraseEnv: ssh.passphraseEnv } : {}),
    ...(ssh.keepaliveSeconds !== null ? { keepaliveIntervalMs: ssh.keepaliveSeconds * 1000 } : {}),
    pathPrefix: [...ssh.pathPrefix],
    setupLines: [...ssh.setup],
    ...(logger ? { logger } : {}),
  });
}

function missingCommandsFix(ssh: SshSettings | null): string {
  if (ssh === null) {
    return (
      "Install the Slurm client commands on this machine or put them on PATH, drive the cluster over " +
      'SSH (an "ssh:" section in the spec), or use executor: local.'
    );
  }
  return (
    `Commands over SSH run in a non-login shell (no ~/.profile, ~/.bash_profile or module setup): put the ` +
    `directory that holds them on the cluster into ssh.path_prefix (a login shell there tells it: ` +
    `\`command -v sbatch\`), or add the line that provides them (e.g. "module load slurm") to ssh.setup.`
  );
}

/**
 * The Slurm executor of one campaign: it owns its transport (closed with the executor) and can
 * check the cluster side before anything is proposed (see prepareExecutor).
 */
class CampaignSlurmExecutor extends SlurmExecutor {
  constructor(
    private readonly campaign: Campaign,
    private readonly transport: Transport,
    options: SlurmExecutorOptions,
  ) {
    super(options);
  }

  async prepare(options: { resume: boolean }): Promise<void> {
    const ssh = this.campaign.ssh;
    // Host key, user key and network problems surface here, with their own messages.
    if (this.transport instanceof SshTransport) await this.transport.connect();
    await assertSlurmCommands(this.transport, missingCommandsFix(ssh));
    if (ssh !== null) {
      try {
        await this.transport.mkdir(ssh.remoteDir);
      } catch (e) {
        throw new ClusterError(
          "TRANSPORT_ERROR",
          `ssh.remote_dir ${ssh.remoteDir} cannot be created on ${this.transport.description} ` +
            `(${errorMessage(e)}); choose a directory there that ${ssh.user ?? "the SSH user"} may write, ` +
            `on a filesystem the compute nodes share`,
          { cause: e },
        );
      }
    }
    // A fresh campaign checks partition, time and memory before proposing; a resumed one must
    // still collect its running jobs even if the partition changed meanwhile.
    if (!options.resume) await this.preflight(this.campaign.slurm);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.transport.close();
  }
}

/**
 * Checks the cluster side before the campaign starts, so that a refused host key, a rejected
 * user key, missing Slurm commands or an unwritable remote_dir fail the command at once (with
 * the error's message and exit code) and nothing is submitted. Nothing to do for local runs.
 */
export async function prepareExecutor(
  executor: Executor,
  options: { resume: boolean },
): Promise<void> {
  if (executor instanceof CampaignSlurmExecutor) await executor.prepare(options);
}

/**
 * The executor of a campaign. SLURMOPT_POLL_FLOOR_MS lowers the Slurm poll floor (5 s) for
 * tests; production sites should keep the floor.
 */
export function createExecutor(campaign: Campaign, logger?: Logger): Executor {
  if (resolveExecutorKind(campaign) === "local") return new LocalExecutor();
  const floor = Number(process.env.SLURMOPT_POLL_FLOOR_MS);
  const transport = createTransport(campaign, logger);
  return new CampaignSlurmExecutor(campaign, transport, {
    transport,
    settings: campaign.slurm,
    throttle: campaign.parallelism,
    templateBaseDir: campaign.workdir,
    ...(logger ? { logger } : {}),
    ...(Number.isFinite(floor) && floor > 0 ? { pollFloorMs: floor } : {}),
  });
}
