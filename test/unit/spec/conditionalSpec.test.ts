import { describe, expect, it } from "vitest";
import { createTrialProgram } from "../../../src/engine/createTrialProgram.js";
import { InputError } from "../../../src/errors/errors.js";
import { buildInputDocument } from "../../../src/generators/external/inputDocument.js";
import { readResultsJson } from "../../../src/generators/external/readResultsJson.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

const PARAMS = [
  { name: "optimizer", type: "choice", values: ["sgd", "adam"] },
  { name: "lr", type: "range", bounds: [1e-4, 0.1], log_scale: true },
  { name: "momentum", type: "range", bounds: [0, 0.99], active_if: "optimizer == 'sgd'" },
  {
    name: "beta2",
    type: "choice",
    values: [0.99, 0.999],
    active_if: "optimizer in ['adam']",
    inactive_value: "none",
  },
];

function build(extra: Record<string, unknown> = {}): Campaign {
  return buildCampaign(
    {
      name: "cond",
      parameters: PARAMS,
      forbidden: ["optimizer == 'adam' and lr > 0.01"],
      program: "python3 train.py --opt %(optimizer) --lr %(lr) --momentum %(momentum) --b2 %beta2",
      max_eval: 10,
      seed: 3,
      ...extra,
    },
    { cwd: "/tmp", warnings: { warn: () => undefined } },
  );
}

function refusal(extra: Record<string, unknown>): string {
  try {
    build(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("accepted");
}

describe("conditional spaces in the spec", () => {
  it("builds a campaign with active_if, inactive_value and forbidden clauses", () => {
    const c = build();
    expect(c.parameters.find((p) => p.name === "momentum")?.activeIf).toBe("optimizer == 'sgd'");
    expect(c.forbidden).toEqual(["optimizer == 'adam' and lr > 0.01"]);
  });

  it("refuses cycles, unknown names, impossible values and misplaced keys with the fix", () => {
    expect(
      refusal({
        parameters: [
          { name: "a", type: "range", bounds: [0, 1], active_if: "b > 0.5" },
          { name: "b", type: "range", bounds: [0, 1], active_if: "a > 0.5" },
        ],
        forbidden: [],
        program: "run %(a) %(b)",
      }),
    ).toMatch(/form a cycle: a -> b -> a/);
    expect(refusal({ forbidden: ["optimiser == 'sgd'"] })).toMatch(
      /forbidden clause "optimiser == 'sgd'": unknown parameter "optimiser"/,
    );
    expect(
      refusal({
        parameters: [
          ...PARAMS,
          { name: "z", type: "range", bounds: [0, 1], active_if: "optimizer == 'rmsprop'" },
        ],
      }),
    ).toMatch(/never takes the value "rmsprop"/);
    expect(
      refusal({ parameters: [{ name: "z", type: "range", bounds: [0, 1], inactive_value: 0 }] }),
    ).toMatch(/"inactive_value" is used only when the parameter is inactive/);
    expect(refusal({ constraints: ["momentum <= 0.5"] })).toMatch(/write a forbidden clause/);
    expect(refusal({ program: 'sh -c "run $(echo %(momentum))"' })).toMatch(
      /"momentum" is conditional .* empty string while inactive.* give it an "inactive_value"/,
    );
  });

  it("the program gets inactive_value (default: an empty argument); SMAC-style programs drop the flag", () => {
    const c = build();
    const program = createTrialProgram(c);
    const trial = { index: 0, id: 1, attemptDir: "/a" };
    const adam = program.render({ optimizer: "adam", lr: 0.001, beta2: 0.999 }, trial);
    expect(adam.command).toBe(
      'python3 train.py --opt adam --lr 0.001 --momentum "$SLURMOPT_P_momentum" --b2 0.999',
    );
    expect(adam.env.SLURMOPT_P_momentum).toBe("");
    const sgd = program.describe({ optimizer: "sgd", lr: 0.001, momentum: 0.9 }, 0);
    expect(sgd).toBe("python3 train.py --opt sgd --lr 0.001 --momentum 0.9 --b2 none");
    const smac = createTrialProgram(build({ program: "python3 target.py", program_style: "smac" }));
    const argv = smac.describe({ optimizer: "sgd", lr: 0.001, momentum: 0.9 }, 0);
    expect(argv).toContain("--momentum=0.9");
    expect(argv).not.toContain("beta2");
  });

  it("an external generator gets the conditions in input.json; its answers are checked against them", () => {
    const c = build();
    const space = new SearchSpace(c.parameters);
    const constraints = new ConstraintSet(c.constraints, space, c.forbidden);
    const doc = JSON.parse(
      JSON.stringify(
        buildInputDocument(
          {
            space,
            constraints,
            objectives: c.objectives,
            completed: [],
            failed: [],
            pending: [{ optimizer: "adam", lr: 0.001, beta2: 0.99 }],
            seed: 1,
            proposedByNode: 0,
            campaignDir: "/x",
          },
          { seed: 1, alsoPending: [] },
        ),
      ),
    ) as Record<string, unknown>;
    expect(doc.conditions).toEqual({
      momentum: "optimizer == 'sgd'",
      beta2: "optimizer in ['adam']",
    });
    expect(doc.forbidden).toEqual(["optimizer == 'adam' and lr > 0.01"]);
    expect(Object.keys((doc.pending as object[])[0]!)).toEqual(["optimizer", "lr", "beta2"]);
    const read = (params: Record<string, unknown>) =>
      readResultsJson(JSON.stringify({ parameters: params }), space, constraints);
    // a value for an inactive parameter is left out; a missing active one is refused
    expect(read({ optimizer: "sgd", lr: 0.001, momentum: 0.5, beta2: 0.99 })).toEqual({
      ok: true,
      point: { optimizer: "sgd", lr: 0.001, momentum: 0.5 },
    });
    expect(read({ optimizer: "sgd", lr: 0.001 })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/parameters.momentum: missing/)],
    });
    expect(read({ optimizer: "adam", lr: 0.05, beta2: 0.99 })).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(
          /violates the constraint "forbidden: optimizer == 'adam' and lr > 0.01"/,
        ),
      ],
    });
  });
});
