import { statSync } from "node:fs";
import { InputError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";

/**
 * Trials run in the campaign's workdir, locally and on a Slurm cluster sharing this file system
 * (over SSH they run in ssh.workdir on the cluster, which is checked there): a missing one
 * would fail every trial, so a run is refused before its folder is created. Not part of the
 * spec's pure validation: `create` (ask/tell) runs nothing and needs no workdir.
 */
export function checkWorkdirExists(campaign: Pick<Campaign, "workdir" | "ssh">): void {
  if (campaign.ssh !== null) return;
  let kind: "missing" | "file" | "dir" = "missing";
  try {
    kind = statSync(campaign.workdir).isDirectory() ? "dir" : "file";
  } catch {
    kind = "missing";
  }
  if (kind === "dir") return;
  throw new InputError(
    "SPEC_INVALID",
    `workdir ${campaign.workdir} ${kind === "missing" ? "does not exist" : "is not a directory"}: the trials run there; create it or give an existing directory (--workdir, or "workdir:" in the spec)`,
  );
}
