import { describe, expect, it } from "vitest";
import { progressText } from "../../../src/cli/progressLine.js";
import type { CampaignStatus } from "../../../src/report/campaignStatus.js";

function status(waiting: string | null): CampaignStatus {
  return {
    name: "demo",
    uid: "u",
    dir: "/d",
    state: "RUNNING",
    stop_reason: null,
    max_eval: 10,
    counts: {
      PROPOSED: 0,
      SUBMITTED: 0,
      RUNNING: 2,
      COMPLETED: 0,
      FAILED: 0,
      TIMEOUT: 0,
      CANCELLED: 0,
      EARLY_STOPPED: 0,
    },
    infeasible: 0,
    hypervolume: null,
    best: [],
    recent_failures: [],
    generation_ms: { mean: null, last: null, by_node: {} },
    recent_events: [],
    results_csv_problem: null,
    waiting,
  };
}

describe("progressText", () => {
  it("shows why free slots stay free while a strategy node waits for data", () => {
    const why = "GP waits for 2 more result(s) of earlier trials (min_trials_observed 3)";
    expect(progressText(status(why), 0, 0)).toBe(
      `demo: 0/10 done, 0 failed, 2 running, 0 queued | best - | waiting: ${why}`,
    );
    expect(progressText(status(null), 0, 0)).not.toContain("waiting");
  });
});
