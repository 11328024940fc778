import {
  CONTINUATION_REASON,
  CONTINUE_EXIT_CODE,
} from "../controllerJob/renderControllerScript.js";
import { EXHAUSTED_PREFIX } from "../engine/campaignRunner.js";
import { GLOBAL_STOP_PREFIX } from "../engine/globalStopping.js";
import { EXIT } from "../errors/errors.js";
import type { CampaignStatus } from "../report/campaignStatus.js";

type Ending = Pick<CampaignStatus, "state" | "stop_reason" | "counts">;

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** Ended for good: a final state, or stopped for another reason than a continuation. */
export function campaignHasEnded(s: Pick<CampaignStatus, "state" | "stop_reason">): boolean {
  return FINAL.has(s.state) || (s.state === "STOPPED" && s.stop_reason !== CONTINUATION_REASON);
}

/**
 * The exit code of a client that watched a campaign driven elsewhere (run --detach, follow,
 * run --in-slurm --follow): the ending's code from campaignExitCode when it ended, else
 * `notEnded` (what the client says about a campaign that goes on, or was left unfinished).
 */
export function watchedCampaignExitCode(status: Ending | null, notEnded: number): number {
  return status !== null && campaignHasEnded(status) ? campaignExitCode(status, false) : notEnded;
}

/**
 * The exit code of a campaign driven to its end (README "Exit codes"): each ending has its own,
 * OmniOpt2's number where OmniOpt2 has one (87 exhausted, 89 every trial failed). A campaign in
 * which trials ended and every one of them failed never exits 0.
 */
export function campaignExitCode(status: Ending, continuing: boolean): number {
  if (continuing && status.state === "STOPPED") return CONTINUE_EXIT_CODE;
  const c = status.counts;
  if (c.COMPLETED + c.EARLY_STOPPED === 0 && c.FAILED + c.TIMEOUT > 0) return EXIT.allFailed;
  if (status.state === "COMPLETED" && status.stop_reason?.startsWith(GLOBAL_STOP_PREFIX))
    return EXIT.globalStop;
  if (status.state === "STOPPED" && status.stop_reason?.startsWith(EXHAUSTED_PREFIX))
    return EXIT.exhausted;
  return status.state === "FAILED" ? EXIT.failure : EXIT.ok;
}
