import { CONTINUE_EXIT_CODE } from "../controllerJob/renderControllerScript.js";
import { EXHAUSTED_PREFIX } from "../engine/campaignRunner.js";
import { GLOBAL_STOP_PREFIX } from "../engine/globalStopping.js";
import { EXIT } from "../errors/errors.js";
import type { CampaignStatus } from "../report/campaignStatus.js";

/**
 * The exit code of a campaign driven to its end (README "Exit codes"): each ending has its own,
 * OmniOpt2's number where OmniOpt2 has one (87 exhausted, 89 every trial failed). A campaign in
 * which trials ended and every one of them failed never exits 0.
 */
export function campaignExitCode(
  status: Pick<CampaignStatus, "state" | "stop_reason" | "counts">,
  continuing: boolean,
): number {
  if (continuing && status.state === "STOPPED") return CONTINUE_EXIT_CODE;
  const c = status.counts;
  if (c.COMPLETED + c.EARLY_STOPPED === 0 && c.FAILED + c.TIMEOUT > 0) return EXIT.allFailed;
  if (status.state === "COMPLETED" && status.stop_reason?.startsWith(GLOBAL_STOP_PREFIX))
    return EXIT.globalStop;
  if (status.state === "STOPPED" && status.stop_reason?.startsWith(EXHAUSTED_PREFIX))
    return EXIT.exhausted;
  return status.state === "FAILED" ? EXIT.failure : EXIT.ok;
}
