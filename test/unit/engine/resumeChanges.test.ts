import { describe, expect, it } from "vitest";
import { applyResumeChanges } from "../../../src/engine/resumeChanges.js";
import { newTrialsOf } from "../../../src/priorTrials/continueCampaign.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";

function campaignOf(maxEval: number, high: number): Campaign {
  return buildCampaign(
    {
      name: "c",
      parameters: [{ name: "x", type: "range", bounds: [0, high] }],
      program: "echo %(x)",
      max_eval: maxEval,
    },
    { cwd: "/tmp", warnings: { warn: () => undefined } },
  );
}

describe("applyResumeChanges", () => {
  it("keeps the stored name, seed and carried trials when a changed spec file has none", () => {
    // A continue of a 6-trial run: 6 carried + 6 new.
    const stored: Campaign = { ...campaignOf(12, 10), seed: 7, carriedTrials: 6 };
    const changed = campaignOf(20, 20); // resume --spec: a wider range, more trials
    const resumed = applyResumeChanges(stored, changed, 12);
    expect(resumed.maxEval).toBe(20);
    expect(resumed.seed).toBe(7);
    expect(resumed.carriedTrials).toBe(6);
    // A continue of the resumed campaign without --max_eval adds its new trials (14), not 20.
    expect(newTrialsOf(resumed)).toBe(14);
  });

  it("adds no carried trials to a campaign that started with none", () => {
    const resumed = applyResumeChanges(campaignOf(5, 10), campaignOf(8, 10), 5);
    expect(resumed.carriedTrials).toBeUndefined();
    expect(newTrialsOf(resumed)).toBe(8);
  });

  it("refuses a max_eval below the trials made", () => {
    expect(() => applyResumeChanges(campaignOf(5, 10), campaignOf(3, 10), 5)).toThrow(
      /max_eval 3 is below the 5 trials/,
    );
  });
});
