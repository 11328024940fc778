import { CampaignPaths } from "../engine/campaignPaths.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ClusterError } from "../errors/errors.js";
import { SlurmCommands } from "../slurm/slurmCommands.js";
import { LocalTransport } from "../transport/localTransport.js";
import { renderControllerScript, type ControllerJobSettings } from "./renderControllerScript.js";

/** bin/slurmopt.js of this installation (the continuation runs the same slurmopt). */
export function cliPath(): string {
  return fileURLToPath(new URL("../../bin/slurmopt.js", import.meta.url));
}

/**
 * Writes controller.sbatch into the campaign folder and submits it. The controller then runs
 * as a Slurm job ("slurmopt resume <dir>") and queues its own continuation before its limit.
 */
export async function submitControllerJob(args: {
  campaignDir: string;
  workdir: string;
  settings: ControllerJobSettings;
}): Promise<string> {
  const script = renderControllerScript({
    settings: args.settings,
    campaignDir: args.campaignDir,
    workdir: args.workdir,
    node: process.execPath,
    cli: cliPath(),
  });
  const paths = new CampaignPaths(args.campaignDir);
  const path = paths.controllerScript;
  writeFileSync(path, script, { mode: 0o700 });
  const transport = new LocalTransport();
  try {
    // The command layer's sbatch: the SLURM_* variables of a surrounding job (the controller
    // job queueing its continuation) are removed, SLURM_CONF stays.
    const r = await new SlurmCommands(transport).sbatch(path);
    if (r.kind !== "submitted")
      throw new ClusterError(
        "SLURM_ERROR",
        `sbatch of the controller job ${r.kind === "refused" ? "was refused" : "got no clear answer"}: ${r.message}; check --partition, --time and --main_process_gb${r.kind === "ambiguous" ? ` (squeue --me shows whether it was queued after all)` : ""}`,
      );
    writeFileSync(
      paths.controllerJobsLog,
      `${Math.floor(Date.now() / 1000)} submitted -> ${r.jobId}\n`,
      {
        flag: "a",
        mode: 0o600,
      },
    );
    return r.jobId;
  } finally {
    await transport.close();
  }
}
