import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { proposeSobol } from "../../../src/generators/sobolGenerator.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";
import { ConstraintSet } from "../../../src/space/constraints.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";

/*
 * The fixtures follow ConfigSpace's own serialization (ConfigurationSpace.to_json, format 0.4,
 * and json_format_version 0.2 as ConfigSpace 0.4.18 wrote it), field for field as its encoders
 * write them; the ConfigSpace package itself cannot be installed on this machine (not in
 * Debian, PyPI unreachable), so they were written from its encoder source.
 */
const DIR = join(import.meta.dirname, "../../fixtures/configspace");

function build(file: string, warnings: string[] = []): Campaign {
  return buildCampaign(
    {
      name: "cs",
      configspace: file,
      program: "python3 target.py",
      program_style: "smac",
      max_eval: 5,
    },
    { cwd: DIR, warnings: { warn: (m) => warnings.push(m) } },
  );
}

function sample(c: Campaign, n = 300) {
  const space = new SearchSpace(c.parameters);
  const constraints = new ConstraintSet(c.constraints, space, c.forbidden);
  const points = proposeSobol(
    {
      space,
      constraints,
      objectives: c.objectives,
      completed: [],
      failed: [],
      pending: [],
      seed: 1,
      proposedByNode: 0,
      campaignDir: "/x",
    },
    n,
  );
  for (const p of points) {
    expect(space.check(p)).toBeNull();
    expect(constraints.violations(p)).toEqual([]);
  }
  return points;
}

describe("ConfigSpace JSON import", () => {
  it("an MLP space: categorical, log float, int, ordinal, constant, EQ/AND/GT conditions, a forbidden AND/IN", () => {
    const c = build("mlp.json");
    const by = new Map(c.parameters.map((p) => [p.name, p]));
    expect(by.get("learning_rate_init")).toMatchObject({ kind: "range", log: true, low: 1e-5 });
    expect(by.get("batch_size")).toMatchObject({
      kind: "choice",
      ordered: true,
      values: [16, 32, 64, 128],
    });
    expect(by.get("max_iter")).toMatchObject({ kind: "fixed", value: 200 });
    expect(by.get("nesterov")).toMatchObject({
      values: ["true", "false"],
      activeIf: "(optimizer == 'sgd') and (momentum > 0.5)",
    });
    expect(by.get("n_neurons_3")?.activeIf).toBe("n_layer > 2");
    expect(c.forbidden).toEqual(["(optimizer == 'adam') and (batch_size in [16])"]);
    const points = sample(c);
    expect(points.some((p) => "nesterov" in p)).toBe(true);
    expect(points.every((p) => !("momentum" in p) || p.optimizer === "sgd")).toBe(true);
    expect(points.some((p) => p.optimizer === "adam" && p.batch_size === 16)).toBe(false);
  });

  it("an SVM space: IN and OR conditions; a normal prior is searched uniformly within its bounds, with a warning", () => {
    const warnings: string[] = [];
    const c = build("svm.json", warnings);
    expect(c.parameters.find((p) => p.name === "coef0")?.activeIf).toBe(
      "(kernel == 'poly') or (kernel == 'sigmoid')",
    );
    expect(warnings.join("\n")).toMatch(/"tol" \(normal_float\): searched uniformly over/);
    const points = sample(c);
    expect(points.some((p) => p.kernel === "poly" && p.degree === 5)).toBe(false);
    expect(
      points.filter((p) => p.kernel === "linear").every((p) => Object.keys(p).length === 3),
    ).toBe(true);
  });

  it("the older format (json_format_version 0.2, 'default', 'q')", () => {
    const c = build("xgboost-0.4.18.json");
    expect(c.parameters.find((p) => p.name === "rate_drop")?.activeIf).toBe("booster == 'dart'");
    sample(c, 100);
  });

  it("refuses what it cannot represent, naming the element, and parameters given twice", () => {
    expect(() => build("relation.json")).toThrow(
      /relation\.json: forbidden clause 1 \(RELATION_GT\): compares two hyperparameters \(a, b\)/,
    );
    expect(() => build("missing.json")).toThrow(InputError);
    expect(() =>
      buildCampaign(
        {
          name: "cs",
          configspace: "mlp.json",
          parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
          program: "p",
          max_eval: 2,
        },
        { cwd: DIR, warnings: { warn: () => undefined } },
      ),
    ).toThrow(/"configspace" gives the parameters; remove "parameters"/);
  });
});
