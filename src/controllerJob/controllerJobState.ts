import { readFileSync } from "node:fs";
import { LocalTransport } from "../transport/localTransport.js";
import { CampaignPaths } from "../engine/campaignPaths.js";

/** Whether a controller job still waits or runs: "gone" once Slurm no longer lists it so. */
export type ControllerJobState = "alive" | "gone" | "unknown";

/** The newest controller job of a campaign, from controller-jobs.log ("... -> <job id>"). */
export function latestControllerJob(dir: string): string | null {
  let text: string;
  try {
    text = readFileSync(new CampaignPaths(dir).controllerJobsLog, "utf8");
  } catch {
    return null;
  }
  const last = text.trim().split("\n").at(-1) ?? "";
  const m = /-> (\d+)$/.exec(last);
  return m ? m[1]! : null;
}

/** squeue's answer for one job: waiting, running or finishing is "alive". */
export async function controllerJobState(jobId: string): Promise<ControllerJobState> {
  const transport = new LocalTransport();
  try {
    const r = await transport.run(["squeue", "--noheader", `--jobs=${jobId}`, "--format=%T"], {
      timeoutMs: 30_000,
    });
    if (r.exitCode !== 0) return /Invalid job id/i.test(r.stderr) ? "gone" : "unknown";
    const state = r.stdout.trim();
    if (state === "") return "gone";
    return /^(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING)/.test(state)
      ? "alive"
      : "gone";
  } catch {
    return "unknown";
  } finally {
    await transport.close();
  }
}

/**
 * Cancels a campaign's controller job that waits in the queue (a continuation) or is starting
 * and does not hold the campaign yet. Returns its id, or null when there is none.
 */
export async function cancelQueuedControllerJob(dir: string): Promise<string | null> {
  const job = latestControllerJob(dir);
  if (job === null || (await controllerJobState(job)) !== "alive") return null;
  const transport = new LocalTransport();
  try {
    const r = await transport.run(["scancel", job], { timeoutMs: 60_000 });
    return r.exitCode === 0 ? job : null;
  } catch {
    return null;
  } finally {
    await transport.close();
  }
}
