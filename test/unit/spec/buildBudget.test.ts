import { describe, expect, it } from "vitest";
import { mergeSpec, specOverlayFromFlags } from "../../../src/cli/specOverlay.js";
import { createTrialProgram } from "../../../src/engine/createTrialProgram.js";
import { InputError } from "../../../src/errors/errors.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";

const base = {
  name: "sh",
  parameters: [{ name: "lr", type: "range", bounds: [0.001, 0.1] }],
  program: "./train.sh",
  program_style: "smac",
  max_eval: 40,
};

function build(spec: Record<string, unknown>): Campaign {
  return buildCampaign(spec, { cwd: "/p", warnings: { warn: () => undefined } });
}

function refusal(spec: Record<string, unknown>): string {
  try {
    build(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(spec)}`);
}

describe("spec budget: successive halving settings", () => {
  it("takes min and max, with SMAC's eta 3 by default; none: no budgets", () => {
    expect(build({ ...base, budget: { min: 1, max: 27 } }).budget).toEqual({
      min: 1,
      max: 27,
      eta: 3,
    });
    expect(build({ ...base, budget: { min: 0.5, max: 8, eta: 2 } }).budget).toEqual({
      min: 0.5,
      max: 8,
      eta: 2,
    });
    expect(build(base).budget).toBeUndefined();
  });

  it("refuses bad budgets with messages that say what to give", () => {
    expect(refusal({ ...base, budget: { min: 0, max: 27 } })).toMatch(/min must be > 0/);
    expect(refusal({ ...base, budget: { min: -1, max: 27 } })).toMatch(/min must be > 0/);
    expect(refusal({ ...base, budget: { min: 9, max: 3 } })).toMatch(
      /max 3 is below min 9; max is the budget of a full run and must be >= min/,
    );
    expect(refusal({ ...base, budget: { min: 1, max: 27, eta: 1 } })).toMatch(/eta must be >= 2/);
    expect(refusal({ ...base, budget: { min: 1, max: 27, eta: 2.5 } })).toMatch(
      /eta must be a whole number/,
    );
    expect(refusal({ ...base, budget: { min: 1 } })).toMatch(
      /budget\.max.*give max, the budget of a full run/,
    );
    expect(refusal({ ...base, budget: { min: 1, max: 9, rungs: 3 } })).toMatch(/rungs/);
  });

  it("refuses several objectives and parameters named like the budget's own names", () => {
    expect(
      refusal({ ...base, objectives: { A: "min", B: "max" }, budget: { min: 1, max: 9 } }),
    ).toMatch(/promotes the best trials of one objective, and the campaign has 2 \(A, B\)/);
    expect(
      refusal({
        ...base,
        parameters: [{ name: "rung", type: "range", bounds: [0, 1] }],
        budget: { min: 1, max: 9 },
      }),
    ).toMatch(/a parameter is named "rung"/);
  });

  it("lets an OmniOpt2-style program take %(budget), which renders as the trial's budget", () => {
    const c = build({
      ...base,
      program_style: "omniopt",
      program: "python3 train.py --epochs %(budget) --lr %(lr)",
      budget: { min: 1, max: 9 },
    });
    const p = createTrialProgram(c);
    const r = p.render(
      { lr: 0.01 },
      { index: 4, id: 5, attemptDir: "/d", budget: { budget: 3, configIndex: 1 } },
    );
    expect(r.command).toBe("python3 train.py --epochs 3 --lr 0.01");
    expect(r.env.SLURMOPT_BUDGET).toBe("3");
    expect(
      refusal({
        ...base,
        program_style: "omniopt",
        program: "run %(budget) %(lr)",
        parameters: [{ name: "budget", type: "range", bounds: [1, 2] }],
        budget: { min: 1, max: 9 },
      }),
    ).toMatch(/a parameter is named "budget"/);
  });

  it("gives a SMAC-style program --budget= and the seed of the configuration's first trial", () => {
    const c = build({ ...base, budget: { min: 1, max: 27 }, seed: 11 });
    const p = createTrialProgram(c);
    const first = p.describe({ lr: 0.01 }, 3, { budget: 1, configIndex: 3 });
    const promoted = p.describe({ lr: 0.01 }, 30, { budget: 9, configIndex: 3 });
    expect(first).toMatch(/^\.\/train\.sh --seed=\d+ --budget=1 --lr=0\.01$/);
    expect(promoted).toBe(first.replace("--budget=1", "--budget=9"));
  });

  it("takes the budget from SMAC-named flags, over the spec file's", () => {
    const overlay = specOverlayFromFlags({ max_budget: 81, eta: 3 });
    expect(overlay.budget).toEqual({ max: 81, eta: 3 });
    expect(mergeSpec({ ...base, budget: { min: 1, max: 27 } }, overlay).budget).toEqual({
      min: 1,
      max: 81,
      eta: 3,
    });
    expect(specOverlayFromFlags({ min_budget: 1, max_budget: 9 }).budget).toEqual({
      min: 1,
      max: 9,
    });
    expect(specOverlayFromFlags({}).budget).toBeUndefined();
  });
});
