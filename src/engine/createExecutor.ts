import { execFileSync } from "node:child_process";
import type { Executor } from "../executor/executor.js";
import { LocalExecutor } from "../executor/localExecutor.js";
import type { Campaign } from "../spec/campaign.js";

/** Whether sbatch is on PATH (executor: auto chooses Slurm then). */
export function sbatchOnPath(): boolean {
  try {
    execFileSync("/bin/sh", ["-c", "command -v sbatch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function resolveExecutorKind(campaign: Campaign): "local" | "slurm" {
  if (campaign.executor === "auto") return sbatchOnPath() ? "slurm" : "local";
  return campaign.executor;
}

export function createExecutor(campaign: Campaign): Executor {
  const kind = resolveExecutorKind(campaign);
  if (kind === "slurm") return new LocalExecutor();
  return new LocalExecutor();
}
