import { isCampaignLocked, readOwner } from "../engine/campaignLock.js";
import { InputError, StateError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import type { Db } from "../store/openStore.js";
import type { TrialRow } from "../store/rowTypes.js";
import { ACTIVE_TRIAL_STATES } from "../store/rowTypes.js";
import { markCampaignStarted } from "../store/campaignRows.js";
import {
  attemptCount,
  finishServiceTrial,
  getTrialByIndex,
  insertServiceTrials,
  type NewServiceTrial,
} from "../store/serviceTrials.js";
import type { Point } from "../space/parameters.js";
import { NO_NODE, nodeLabelOf, nodePositionOf, type Proposal } from "./proposeTrials.js";
import { progressVerdict } from "./reportedProgress.js";

/** The generation node of trials the user attached (they belong to no strategy node). */
export const ATTACHED_NODE = "MANUAL";

/**
 * Refuses a client's proposal step while a controller drives the campaign (it proposes its
 * own trials); a session holding the lock (`controls`) is that controller.
 */
export function refuseWhileDriven(dir: string, controls: boolean, what: string): void {
  if (controls || !isCampaignLocked(dir)) return;
  const owner = readOwner(dir);
  throw new StateError(
    "CAMPAIGN_LOCKED",
    `cannot ${what}: a controller${owner ? ` (${owner.host}, pid ${owner.pid})` : ""} drives ${dir} and proposes its trials itself; attach and tell/fail/abandon of asked or attached trials still work, or stop the controller first ("slurmopt stop ${dir}")`,
  );
}

/**
 * A trial a client evaluates (asked or attached) that has not ended, read in the caller's
 * transaction; refused when unknown, run by slurmopt's executor or already ended.
 */
export function activeClientTrial(
  db: Db,
  at: { campaignId: number; campaign: Campaign; dir: string },
  index: number,
  verb: string,
): TrialRow {
  if (!Number.isInteger(index) || index < 0)
    throw new InputError(
      "TRIAL_UNKNOWN",
      `${verb}: trial index must be a whole number >= 0, got ${index}`,
    );
  const trial = getTrialByIndex(db, at.campaignId, index);
  if (!trial)
    throw new InputError(
      "TRIAL_UNKNOWN",
      `${verb}: campaign ${at.campaign.name} has no trial ${index}; ask for trials first ("slurmopt ask ${at.dir}")`,
    );
  if (attemptCount(db, trial.id) > 0)
    throw new InputError(
      "TRIAL_CONTROLLED",
      `${verb}: trial ${index} is run by slurmopt's executor (a job of the campaign); its results (and progress lines) come from its job, not from ${verb}`,
    );
  if (!ACTIVE_TRIAL_STATES.includes(trial.state))
    throw new InputError(
      "TRIAL_FINISHED",
      `${verb}: trial ${index} is already ${trial.state}${trial.reason ? ` (${trial.reason})` : ""}; a trial is told, failed or abandoned once, and reports progress only while it runs`,
    );
  return trial;
}

/** The trials ask() stores for a proposal: RUNNING, without attempts (a client evaluates them). */
export function askedTrialInputs(p: Proposal): NewServiceTrial[] {
  return p.points.map((pt) => ({
    ...(pt.budget ? { budget: pt.budget } : {}),
    paramsJson: JSON.stringify(pt.point),
    generator: pt.generator,
    generationNode: nodeLabelOf(pt, p.choice),
    nodePosition: nodePositionOf(pt, p.choice),
    generationMs: p.msPerPoint,
    programString: null,
    state: "RUNNING",
    resultsJson: null,
    semsJson: null,
  }));
}

/**
 * The early_stopping rule for a client's trial at its latest reported step, in one transaction:
 * when it says stop, the trial is stored EARLY_STOPPED with its last reported values as its
 * results and the rule's decision as its reason. A trial it stopped before says true again.
 */
export function stopClientTrialIfDue(
  db: Db,
  at: { campaignId: number; campaign: Campaign; dir: string },
  index: number,
): boolean {
  return db
    .transaction(() => {
      const stopped = getTrialByIndex(db, at.campaignId, index);
      if (stopped?.state === "EARLY_STOPPED" && attemptCount(db, stopped.id) === 0) return true;
      const trial = activeClientTrial(db, at, index, "shouldStop");
      const v = progressVerdict(db, at.campaignId, at.campaign, trial.id, index);
      if (!v.stop) return false;
      finishServiceTrial(db, trial.id, {
        state: "EARLY_STOPPED",
        resultsJson: JSON.stringify(v.lastValues),
        semsJson: null,
        reason: `early stopped: ${v.reason}`,
      });
      return true;
    })
    .immediate();
}

/**
 * Stores a trial the user chose (checked by the caller), in one transaction: COMPLETED with its
 * results, or RUNNING (pending until told) without.
 */
export function insertAttachedTrial(
  db: Db,
  campaignId: number,
  point: Point,
  checked: { resultsJson: string; semsJson: string | null } | null,
): TrialRow {
  const [row] = db
    .transaction(() => {
      markCampaignStarted(db, campaignId);
      return insertServiceTrials(db, campaignId, [
        {
          paramsJson: JSON.stringify(point),
          generator: "attached",
          generationNode: ATTACHED_NODE,
          nodePosition: NO_NODE,
          generationMs: null,
          programString: null,
          state: checked ? "COMPLETED" : "RUNNING",
          resultsJson: checked?.resultsJson ?? null,
          semsJson: checked?.semsJson ?? null,
        },
      ]);
    })
    .immediate();
  return row!;
}
