import { CampaignPaths } from "../engine/campaignPaths.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ClusterError } from "../errors/errors.js";
import { LocalTransport } from "../transport/localTransport.js";
import { renderControllerScript, type ControllerJobSettings } from "./renderControllerScript.js";

/** `env -u VAR ...` removing the SLURM_* variables of a surrounding job (SLURM_CONF stays). */
export function withoutSlurmEnv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const unset = Object.keys(env)
    .filter((k) => k.startsWith("SLURM_") && k !== "SLURM_CONF")
    .flatMap((k) => ["-u", k]);
  return unset.length === 0 ? [...argv] : ["env", ...unset, ...argv];
}

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
    const r = await transport.run(withoutSlurmEnv(["sbatch", "--parsable", path]), {
      timeoutMs: 60_000,
    });
    const id = r.stdout.trim().split(";")[0] ?? "";
    if (r.exitCode !== 0 || !/^\d+$/.test(id))
      throw new ClusterError(
        "SLURM_ERROR",
        `sbatch of the controller job failed (exit ${r.exitCode ?? "killed"}): ${r.stderr.trim() || r.stdout.trim()}; check --partition, --time and --main_process_gb`,
      );
    writeFileSync(
      paths.controllerJobsLog,
      `${Math.floor(Date.now() / 1000)} submitted -> ${id}\n`,
      {
        flag: "a",
        mode: 0o600,
      },
    );
    return id;
  } finally {
    await transport.close();
  }
}
