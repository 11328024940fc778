import { readFileSync } from "node:fs";
import { LocalTransport } from "../transport/localTransport.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { SlurmCommands } from "../slurm/slurmCommands.js";

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

/**
 * squeue's answer for one job, through the Slurm command layer (its state table: a job that is
 * pending, running, requeued, held, suspended or completing is "alive").
 */
export async function controllerJobState(jobId: string): Promise<ControllerJobState> {
  const transport = new LocalTransport();
  try {
    const rows = await new SlurmCommands(transport, 30_000).squeue({ jobIds: [jobId] });
    const row = rows.find((r) => r.jobId === jobId);
    if (row === undefined) return "gone";
    return row.meaning.phase === "finished" ? "gone" : "alive";
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
    await new SlurmCommands(transport).scancel([job]);
    return job;
  } catch {
    return null;
  } finally {
    await transport.close();
  }
}
