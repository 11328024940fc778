import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { CampaignPaths } from "./campaignPaths.js";

/**
 * Requests from other shells (`slurmopt stop`, `slurmopt cancel`) to the controller that owns a
 * campaign: a small file in the campaign folder, checked once per loop cycle. A file works
 * across hosts on a shared filesystem, where signals cannot reach.
 */
export type ControlRequest = "stop" | "cancel";

export function writeControlRequest(dir: string, request: ControlRequest): void {
  writeFileSync(new CampaignPaths(dir).controlRequest, `${request}\n`, { mode: 0o600 });
}

export function takeControlRequest(dir: string): ControlRequest | null {
  const path = new CampaignPaths(dir).controlRequest;
  if (!existsSync(path)) return null;
  let text = "";
  try {
    text = readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
  rmSync(path, { force: true });
  return text === "cancel" ? "cancel" : "stop";
}
