import { describe, expect, it } from "vitest";
import { campaignExitCode, watchedCampaignExitCode } from "../../../src/cli/campaignExitCode.js";
import { CONTINUATION_REASON } from "../../../src/controllerJob/renderControllerScript.js";
import { EXHAUSTED_PREFIX } from "../../../src/engine/campaignRunner.js";

const counts = (completed: number, failed: number) => ({
  PROPOSED: 0,
  SUBMITTED: 0,
  RUNNING: 0,
  COMPLETED: completed,
  FAILED: failed,
  TIMEOUT: 0,
  CANCELLED: 0,
  EARLY_STOPPED: 0,
});

describe("campaignExitCode", () => {
  it("gives each ending its code, OmniOpt2's numbers for exhaustion (87) and all failed (89)", () => {
    expect(
      campaignExitCode({ state: "COMPLETED", stop_reason: null, counts: counts(3, 1) }, false),
    ).toBe(0);
    expect(
      campaignExitCode(
        { state: "STOPPED", stop_reason: `${EXHAUSTED_PREFIX}50 rounds`, counts: counts(3, 0) },
        false,
      ),
    ).toBe(87);
    expect(
      campaignExitCode({ state: "COMPLETED", stop_reason: null, counts: counts(0, 4) }, false),
    ).toBe(89);
    expect(
      campaignExitCode({ state: "FAILED", stop_reason: "x", counts: counts(0, 2) }, false),
    ).toBe(89);
    expect(
      campaignExitCode({ state: "FAILED", stop_reason: "x", counts: counts(1, 2) }, false),
    ).toBe(1);
    expect(
      campaignExitCode(
        { state: "STOPPED", stop_reason: "stopped by SIGINT", counts: counts(1, 0) },
        false,
      ),
    ).toBe(0);
    // Nothing ended yet (stopped at once): not "all failed".
    expect(
      campaignExitCode(
        { state: "STOPPED", stop_reason: "stopped by SIGINT", counts: counts(0, 0) },
        false,
      ),
    ).toBe(0);
  });

  it("is the one rule of every client that watches a campaign driven elsewhere (detach, follow, --in-slurm --follow)", () => {
    const exhausted = {
      state: "STOPPED",
      stop_reason: `${EXHAUSTED_PREFIX}50 rounds`,
      counts: counts(3, 0),
    };
    // The old rule of these clients gave 1 (FAILED) or 0 (anything else).
    expect(watchedCampaignExitCode(exhausted, 1)).toBe(87);
    expect(
      watchedCampaignExitCode({ state: "FAILED", stop_reason: "x", counts: counts(0, 3) }, 0),
    ).toBe(89);
    expect(
      watchedCampaignExitCode({ state: "COMPLETED", stop_reason: null, counts: counts(0, 5) }, 0),
    ).toBe(89);
    expect(
      watchedCampaignExitCode({ state: "FAILED", stop_reason: "x", counts: counts(2, 3) }, 0),
    ).toBe(1);
    expect(
      watchedCampaignExitCode({ state: "COMPLETED", stop_reason: null, counts: counts(4, 1) }, 1),
    ).toBe(0);
    // Not ended (still running, or handed to a continuation): the client's own answer.
    const running = { state: "RUNNING", stop_reason: null, counts: counts(0, 3) };
    expect(watchedCampaignExitCode(running, 0)).toBe(0);
    expect(watchedCampaignExitCode(running, 1)).toBe(1);
    const handedOver = { state: "STOPPED", stop_reason: CONTINUATION_REASON, counts: counts(1, 0) };
    expect(watchedCampaignExitCode(handedOver, 1)).toBe(1);
    expect(watchedCampaignExitCode(null, 1)).toBe(1);
  });
});
