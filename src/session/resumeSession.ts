import { applyResumeChanges } from "../engine/resumeChanges.js";
import type { Warnings } from "../spec/buildParameters.js";
import { buildCampaign } from "../spec/buildCampaign.js";
import { loadSpecFile } from "../spec/loadSpecFile.js";
import type { CampaignSession } from "./campaignSession.js";

/** What `resume` may change: a changed spec file, more trials, another parallelism. */
export interface ResumeChanges {
  spec?: string | undefined;
  maxEval?: number | undefined;
  parallelism?: number | undefined;
  /** Where a relative path in the spec file is resolved. */
  cwd: string;
  warnings: Warnings;
}

/**
 * Applies resume's changes to a campaign held by this session (checked: max_eval may grow,
 * ranges widen, choices gain values) and marks it RUNNING again. Returns the number of
 * trials so far.
 */
export function resumeSession(session: CampaignSession, changes: ResumeChanges): number {
  const stored = session.campaign;
  const total = session.view().total;
  let changed = stored;
  if (changes.spec) {
    const built = buildCampaign(loadSpecFile(changes.spec), {
      cwd: changes.cwd,
      warnings: changes.warnings,
    });
    changed = applyResumeChanges(stored, built, total);
  }
  if (changes.maxEval !== undefined || changes.parallelism !== undefined)
    changed = applyResumeChanges(
      stored,
      {
        ...changed,
        maxEval: changes.maxEval ?? changed.maxEval,
        parallelism: changes.parallelism ?? changed.parallelism,
      },
      total,
    );
  if (changed !== stored) session.changeCampaign(changed);
  session.setState("RUNNING", null);
  return total;
}
