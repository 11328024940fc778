import { describe, expect, it } from "vitest";
import {
  defaultStrategy,
  modelFromName,
  parseStrategyText,
  strategyNode,
} from "../../../src/generators/modelNames.js";

describe("modelFromName", () => {
  it.each([
    ["SOBOL", "sobol"],
    ["BOTORCH_MODULAR", "gp"],
    ["botorch_modular", "gp"],
    ["SAASBO", "gp"],
    ["BO_MIXED", "gp"],
    ["GP", "gp"],
    ["UNIFORM", "random"],
    ["PSEUDORANDOM", "random"],
    ["TPE", "tpe"],
    ["RandomForest", "randomforest"],
    ["FACTORIAL", "grid"],
    ["EXTERNAL_GENERATOR", "external"],
    [" Sobol ", "sobol"],
  ])("maps the OmniOpt2 model %j to %s", (name, model) => {
    expect(modelFromName(name, "--model")).toBe(model);
  });

  it("refuses an unknown model and lists the known ones", () => {
    expect(() => modelFromName("LBFGS", 'field "strategy"')).toThrow(
      /^field "strategy": unknown model "LBFGS"; use one of SOBOL, GP, BO, BOTORCH_MODULAR/,
    );
  });
});

describe("parseStrategyText", () => {
  it("reads MODEL=COUNT nodes; a node without a count runs until the end", () => {
    expect(parseStrategyText("SOBOL=10,BOTORCH_MODULAR=20", "s")).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 10 }),
      strategyNode("gp", "BOTORCH_MODULAR", { trials: 20 }),
    ]);
    expect(parseStrategyText(" sobol = 4 , tpe ", "s")).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 4 }),
      strategyNode("tpe", "TPE"),
    ]);
  });

  it("refuses empty text, bad counts and unreadable nodes", () => {
    expect(() => parseStrategyText(" , ", "--strategy")).toThrow(/--strategy: empty strategy/);
    for (const bad of ["SOBOL=0", "SOBOL=-1", "SOBOL=2.5", "SOBOL=ten"])
      expect(() => parseStrategyText(bad, "--strategy")).toThrow(
        /needs a positive whole number of trials/,
      );
    expect(() => parseStrategyText("SOBOL:10", "--strategy")).toThrow(
      /cannot read "SOBOL:10"; write MODEL=COUNT/,
    );
  });
});

describe("defaultStrategy", () => {
  it.each([
    [0, 100, 5],
    [1, 100, 5],
    [3, 100, 6],
    [10, 200, 20],
    [10, 50, 10],
    [2, 10, 2],
    [2, 4, 1],
  ])(
    "runs Sobol for max(5, 2*d) trials, at most max_eval/5 and at least 1 (d=%i, max_eval %i: %i)",
    (d, maxEval, n) => {
      expect(defaultStrategy(d, maxEval)).toEqual([
        strategyNode("sobol", "SOBOL", { trials: n }),
        strategyNode("gp", "GP", { minTrialsObserved: Math.ceil(n / 2) }),
      ]);
    },
  );

  it("uses the given model after Sobol; a model needing no data does not wait", () => {
    expect(defaultStrategy(4, 100, "tpe", "TPE")[1]).toEqual(
      strategyNode("tpe", "TPE", { minTrialsObserved: 4 }),
    );
    expect(defaultStrategy(4, 100, "external", "EXTERNAL")[1]!.minTrialsObserved).toBe(0);
  });
});
