import { describe, expect, it } from "vitest";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { checkProgress } from "../../../src/session/reportedProgress.js";

const campaign = buildCampaign(
  {
    name: "demo",
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    objectives: [{ name: "LOSS", goal: "min" }],
    outcome_constraints: ["MEM <= 4"],
    tracking_metrics: ["ACC"],
    program: "python3 run.py --x %(x)",
    max_eval: 4,
  },
  { cwd: "/tmp", warnings: { warn: () => undefined } },
);

describe("checkProgress (report's values)", () => {
  it("gives one progress row per reported objective or metric at the step", () => {
    expect(checkProgress(campaign, 2, 3.5, { LOSS: 0.4, ACC: 0.9, MEM: 2 })).toEqual([
      { metric: "LOSS", step: 3.5, value: 0.4 },
      { metric: "ACC", step: 3.5, value: 0.9 },
      { metric: "MEM", step: 3.5, value: 2 },
    ]);
    expect(checkProgress(campaign, 0, 0, { LOSS: -1 })).toEqual([
      { metric: "LOSS", step: 0, value: -1 },
    ]);
  });

  it("refuses a bad step, an unknown name, a value that is not a finite number, nothing", () => {
    const bad: [number, Record<string, number>, RegExp][] = [
      [-0.5, { LOSS: 1 }, /trial 1: the step must be a finite number >= 0/],
      [NaN, { LOSS: 1 }, /the step must be .*got NaN/],
      [1, { RESULT: 1 }, /"RESULT" is neither an objective nor a metric .*\(LOSS, MEM, ACC\)/],
      [1, { LOSS: Infinity }, /LOSS = Infinity at step 1 is not a finite number/],
      [1, { LOSS: "0.3" as unknown as number }, /LOSS = "0.3" at step 1 is not a finite number/],
      [1, {}, /no value given at step 1; report values of LOSS, MEM, ACC/],
    ];
    for (const [step, values, message] of bad) {
      expect(() => checkProgress(campaign, 1, step, values)).toThrow(message);
      expect(() => checkProgress(campaign, 1, step, values)).toThrow(
        expect.objectContaining({ code: "RESULT_INVALID" }),
      );
    }
  });
});
