import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { strategyNode } from "../../../src/generators/modelNames.js";
import type { Campaign } from "../../../src/spec/campaign.js";

interface Built {
  campaign: Campaign;
  warnings: string[];
}

const base = {
  name: "demo",
  parameters: [
    { name: "x", type: "range", bounds: [0, 1] },
    { name: "y", type: "range", bounds: [-5, 5] },
  ],
  program: "python3 run.py --x %(x) --y %(y)",
  max_eval: 10,
};

function build(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Built {
  const warnings: string[] = [];
  const campaign = buildCampaign(spec, {
    cwd: "/home/u/project",
    warnings: { warn: (m) => warnings.push(m) },
    ...extra,
  });
  return { campaign, warnings };
}

/** The message of the InputError a spec raises (fails when the spec is accepted). */
function refusal(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  try {
    build(spec, extra);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toMatch(/SPEC_INVALID|CONSTRAINT_INVALID/);
    return (e as Error).message;
  }
  throw new Error(`spec was accepted: ${JSON.stringify(spec)}`);
}

describe("buildCampaign: a valid spec", () => {
  it("resolves defaults and paths against the start directory", () => {
    const { campaign, warnings } = build({ ...base, seed: 3 });
    expect(warnings).toEqual([]);
    expect(campaign).toMatchObject({
      name: "demo",
      runDir: "/home/u/project/runs",
      workdir: "/home/u/project",
      objectives: [{ name: "RESULT", goal: "min" }],
      maxEval: 10,
      parallelism: 1,
      seed: 3,
      workerTimeoutSeconds: null,
      executor: "auto",
      constraints: [],
    });
    expect(campaign.parameters.map((p) => p.name)).toEqual(["x", "y"]);
  });

  it("keeps absolute run_dir and workdir and resolves relative ones", () => {
    const { campaign } = build({ ...base, run_dir: "/scratch/runs", workdir: "code" });
    expect(campaign.runDir).toBe("/scratch/runs");
    expect(campaign.workdir).toBe("/home/u/project/code");
  });

  it("refuses a run_dir with a line break, naming the field", () => {
    const m = refusal({ ...base, run_dir: "/scratch/a\nb" });
    expect(m).toMatch(/run_dir/);
    expect(m).toMatch(/line break/);
  });

  it("warns that a space of fixed parameters only is evaluated once", () => {
    const fixed = {
      ...base,
      parameters: [{ name: "a", type: "fixed", value: 3 }],
      program: "run %(a)",
    };
    expect(build(fixed).warnings).toEqual([
      "every parameter is fixed: the search space has a single point, evaluated once (max_eval 10 is not reached); give a range or choice parameter to search",
    ]);
    expect(build({ ...fixed, max_eval: 1 }).warnings).toEqual([]);
  });

  it("keeps the schedule: section the daemon follows, and leaves it out when there is none", () => {
    const { campaign } = build({
      ...base,
      schedule: {
        timezone: "Europe/Berlin",
        submit_window: { open: "0 20 * * 1-5", close: ["0 7 * * 1-5"] },
        report_every: "0 6 * * *",
      },
    });
    expect(campaign.schedule).toEqual({
      timezone: "Europe/Berlin",
      submitWindow: { open: ["0 20 * * 1-5"], close: ["0 7 * * 1-5"] },
      pauseAt: [],
      continueAt: [],
      reportEvery: ["0 6 * * *"],
    });
    expect("schedule" in build(base).campaign).toBe(false);
  });

  it("refuses a schedule with a bad cron expression, time zone or key, naming it", () => {
    expect(refusal({ ...base, schedule: { pause_at: "at noon" } })).toMatch(
      /schedule\.pause_at.*cron expression of five fields/,
    );
    expect(refusal({ ...base, schedule: { timezone: "Mars/Olympus" } })).toMatch(
      /schedule\.timezone.*IANA time zone/,
    );
    expect(refusal({ ...base, schedule: { submit_window: { open: "0 20 * * *" } } })).toMatch(
      /schedule\.submit_window\.close/,
    );
    expect(refusal({ ...base, schedule: { every: "0 * * * *" } })).toMatch(/every/);
  });

  it("draws a seed when none is given", () => {
    const { campaign } = build(base);
    expect(Number.isInteger(campaign.seed)).toBe(true);
    expect(campaign.seed).toBeGreaterThanOrEqual(0);
  });

  it("reads worker_timeout with its unit; a bare number is minutes as in OmniOpt2", () => {
    expect(build({ ...base, worker_timeout: "90s" }).campaign.workerTimeoutSeconds).toBe(90);
    expect(build({ ...base, worker_timeout: "2h" }).campaign.workerTimeoutSeconds).toBe(7200);
    expect(build({ ...base, worker_timeout: 30 }).campaign.workerTimeoutSeconds).toBe(1800);
    expect(build({ ...base, worker_timeout: "30" }).campaign.workerTimeoutSeconds).toBe(1800);
  });

  it("accepts objectives as a list or as a mapping, keeping their order", () => {
    const list = build({
      ...base,
      objectives: [
        { name: "RESULT", goal: "max" },
        { name: "LOSS", goal: "min" },
      ],
    }).campaign.objectives;
    const map = build({ ...base, objectives: { RESULT: "max", LOSS: "min" } }).campaign.objectives;
    expect(list).toEqual([
      { name: "RESULT", goal: "max" },
      { name: "LOSS", goal: "min" },
    ]);
    expect(map).toEqual(list);
  });

  it("accepts parameters as a mapping of name to definition", () => {
    const { campaign } = build({
      ...base,
      parameters: {
        x: { type: "range", bounds: [0, 1] },
        y: { type: "choice", values: ["a", "b"] },
      },
      program: "run %(x) %(y)",
    });
    expect(campaign.parameters.map((p) => [p.name, p.kind])).toEqual([
      ["x", "range"],
      ["y", "choice"],
    ]);
  });

  it("keeps the constraints after checking them", () => {
    const { campaign } = build({ ...base, constraints: ["x + 2*y <= 10", "x*y != 0.5"] });
    expect(campaign.constraints).toEqual(["x + 2*y <= 10", "x*y != 0.5"]);
  });
});

describe("buildCampaign: refused specs name the field and the fix", () => {
  it("refuses unknown top-level keys and suggests checking the spelling", () => {
    expect(refusal({ ...base, paralelism: 2 })).toBe(
      'spec: unknown key "paralelism"; check the spelling (see README "Spec reference")',
    );
    expect(refusal({ ...base, foo: 1, bar: 2 })).toMatch(/unknown keys "foo", "bar"/);
  });

  it("refuses unknown keys inside a parameter, naming its entry", () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: [0, 1], log: true }] }),
    ).toMatch(/^field "parameters\[0\]": unknown key "log"/);
    expect(
      refusal({ ...base, parameters: { x: { type: "range", bounds: [0, 1], lg: true } } }),
    ).toMatch(/^field "parameters\.x": unknown key "lg"/);
    expect(refusal({ ...base, slurm: { partitoin: "gpu" } })).toMatch(
      /^field "slurm": unknown key "partitoin"/,
    );
  });

  it("names the entry and key of a wrong value inside a parameter", () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "ranged", bounds: [0, 1] }] }),
    ).toMatch(/^field "parameters\[0\]\.type": .*'range' \| 'choice' \| 'fixed'/);
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: ["a", 1] }] }),
    ).toMatch(/^field "parameters\[0\]\.bounds\[0\]": .*expected number/);
    expect(
      refusal({
        ...base,
        parameters: [{ name: "x", type: "range", bounds: [0, 1], value_type: "integer" }],
      }),
    ).toMatch(/^field "parameters\[0\]\.value_type": .*"int"\|"float"/);
    expect(refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: [0] }] })).toMatch(
      /^field "parameters\[0\]\.bounds": /,
    );
    expect(refusal({ ...base, parameters: "x" })).toBe(
      'field "parameters": Invalid input: expected a list or a mapping',
    );
  });

  it("names missing and mistyped top-level fields", () => {
    const { name: _name, ...noName } = base;
    expect(refusal(noName)).toMatch(/^field "name": .*expected string/);
    expect(refusal({ ...base, max_eval: 0 })).toMatch(/^field "max_eval": Too small/);
    expect(refusal({ ...base, max_eval: 2.5 })).toMatch(/^field "max_eval": /);
    expect(refusal({ ...base, max_eval: "5" })).toMatch(/^field "max_eval": .*expected number/);
    expect(refusal({ ...base, parallelism: -1 })).toMatch(/^field "parallelism": /);
    expect(refusal({ ...base, executor: "cloud" })).toMatch(/^field "executor": /);
    expect(refusal({ ...base, parameters: [] })).toMatch(/^field "parameters": /);
  });

  it("refuses empty parameter and objective mappings like the empty lists", () => {
    expect(refusal({ ...base, parameters: {} })).toBe(
      'field "parameters": no parameters; give at least one',
    );
    expect(refusal({ ...base, parameters: [] })).toMatch(/^field "parameters": Too small/);
    expect(refusal({ ...base, objectives: {} })).toMatch(
      /^field "objectives": no objectives; give at least one/,
    );
    expect(refusal({ ...base, objectives: [] })).toMatch(/^field "objectives": Too small/);
  });

  it.each(["my run", "a/b", "..", ".", "", "名前", "x;rm"])(
    "refuses the campaign name %j, saying it becomes a folder and a job name",
    (name) => {
      expect(refusal({ ...base, name })).toMatch(
        /^field "name": .* becomes a folder and a job name; use letters, digits and \._- only/,
      );
    },
  );

  it("accepts campaign names with letters, digits and ._-", () => {
    expect(build({ ...base, name: "Run_2.v-3" }).campaign.name).toBe("Run_2.v-3");
  });

  it("refuses bad parameter names", () => {
    for (const name of ["1x", "x-y", "x y", "", "lr.max"]) {
      expect(
        refusal({ ...base, parameters: [{ name, type: "range", bounds: [0, 1] }], program: "run" }),
      ).toMatch(
        /parameter names use letters, digits and _ and start with a letter or _; rename it/,
      );
    }
  });

  it("refuses a parameter name used twice", () => {
    expect(
      refusal({
        ...base,
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "x", type: "fixed", value: 2 },
        ],
      }),
    ).toBe('parameters[1] "x": the name is used twice; rename one of them');
  });

  it("refuses low == high and suggests a fixed parameter", () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: [2, 2] }] }),
    ).toMatch(/parameters\[0\] "x": lower and upper bound are both 2; use a fixed parameter/);
  });

  it("swaps low > high with a warning, as OmniOpt2 does", () => {
    const { campaign, warnings } = build({
      ...base,
      parameters: [{ name: "x", type: "range", bounds: [5, 1] }],
      program: "run %(x)",
    });
    expect(campaign.parameters[0]).toMatchObject({ low: 1, high: 5 });
    expect(warnings).toEqual([
      'parameters[0] "x": lower bound 5 > upper bound 1; swapped them (as OmniOpt2 does)',
    ]);
  });

  it("refuses a log scale with a bound <= 0, also after swapping", () => {
    for (const bounds of [
      [0, 1],
      [-1, 1],
      [1, -1],
    ]) {
      expect(
        refusal({
          ...base,
          parameters: [{ name: "x", type: "range", bounds, log_scale: true }],
        }),
      ).toMatch(
        /parameters\[0\] "x": log scale needs bounds > 0, got -?\d\.\.\d; use a lower bound such as/,
      );
    }
  });

  it("refuses non-integer bounds of an int range", () => {
    expect(
      refusal({
        ...base,
        parameters: [{ name: "x", type: "range", bounds: [0.5, 3], value_type: "int" }],
      }),
    ).toMatch(
      /an int range needs whole-number bounds, got 0\.5\.\.3; round them or use value_type float/,
    );
  });

  it("refuses infinite bounds", () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: [0, Infinity] }] }),
    ).toMatch(/^field "parameters\[0\]\.bounds\[1\]": /);
  });

  it('refuses repeated choice values (also 1 and "1")', () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "choice", values: [1, "1"] }] }),
    ).toMatch(/choice values repeat; list each value once/);
  });

  it("reads boolean choices and Ax's value_type on choices", () => {
    const { campaign } = build({
      ...base,
      parameters: [
        ...base.parameters,
        { name: "flag", type: "choice", values: [true, false] },
        { name: "on", type: "choice", values: ["true", "false"], value_type: "bool" },
        { name: "width", type: "choice", values: [1, 2, 4], value_type: "str" },
        { name: "rate", type: "choice", values: [1, 2], value_type: "float" },
        { name: "keep", type: "fixed", value: true },
      ],
      program: "run %(x) %(y) %(flag) %(on) %(width) %(rate) %(keep)",
    });
    const byName = new Map(campaign.parameters.map((p) => [p.name, p]));
    expect(byName.get("flag")).toMatchObject({ values: ["true", "false"], valueType: "string" });
    expect(byName.get("on")).toMatchObject({ values: ["true", "false"] });
    expect(byName.get("width")).toMatchObject({ values: ["1", "2", "4"], valueType: "string" });
    expect(byName.get("rate")).toMatchObject({ values: [1, 2], valueType: "float" });
    expect(byName.get("keep")).toMatchObject({ value: "true" });
  });

  it("refuses choice values that are not of their value_type, and true twice", () => {
    const choice = (values: unknown[], value_type?: string): string =>
      refusal({
        ...base,
        parameters: [{ name: "x", type: "choice", values, ...(value_type ? { value_type } : {}) }],
        program: "run %(x)",
      });
    expect(choice(["yes", "no"], "bool")).toMatch(
      /parameters\[0\] "x": value "yes" is not true or false \(value_type bool\)/,
    );
    expect(choice([1, 2.5], "int")).toMatch(/value 2.5 is not a whole number/);
    expect(choice(["a", 2], "float")).toMatch(/value "a" is not a number/);
    expect(choice([true, "true"])).toMatch(/choice values repeat/);
  });

  it("refuses bad objective names, bad goals and repeated objectives", () => {
    expect(refusal({ ...base, objectives: [{ name: "MY-RESULT", goal: "min" }] })).toMatch(
      /^field "objectives\[0\]\.name": objective names use letters, digits and _ only/,
    );
    expect(refusal({ ...base, objectives: [{ name: "A", goal: "minimize" }] })).toMatch(
      /^field "objectives\[0\]\.goal": .*"min"\|"max"/,
    );
    expect(refusal({ ...base, objectives: { "A-B": "min" } })).toMatch(
      /field "objectives": "A-B" must use letters, digits and _ only/,
    );
    expect(
      refusal({
        ...base,
        objectives: [
          { name: "A", goal: "min" },
          { name: "A", goal: "max" },
        ],
      }),
    ).toBe('field "objectives": "A" is listed twice');
  });

  it.each(["30x", "30min", "5m5", "0s", "-5m"])(
    "refuses worker_timeout %j and shows the accepted forms",
    (worker_timeout) => {
      expect(refusal({ ...base, worker_timeout })).toMatch(/^field "worker_timeout": /);
    },
  );

  it("refuses bad constraints with the constraint and the reason", () => {
    expect(refusal({ ...base, constraints: ["x < y"] })).toMatch(
      /constraint "x < y": strict "<" is not supported/,
    );
    expect(refusal({ ...base, constraints: ["x + z <= 1"] })).toMatch(
      /constraint "x \+ z <= 1": unknown parameter "z"; known parameters: x, y/,
    );
    expect(
      refusal({
        ...base,
        parameters: [...base.parameters, { name: "c", type: "choice", values: [1, 2] }],
        program: "run %(x) %(y) %(c)",
        constraints: ["x >= c"],
      }),
    ).toMatch(/constraint "x >= c": "c" is a choice parameter/);
  });

  it("reads objective thresholds and stop_when with Ax's defaults; refuses thresholds that cannot be", () => {
    const two = { ...base, objectives: { A: "min", B: "max" } };
    const { campaign } = build({
      ...two,
      objective_thresholds: ["A <= 2", "B >= 0.5"],
      stop_when: { no_improvement_in: 30 },
    });
    expect(campaign.objectiveThresholds).toEqual([
      { metric: "A", op: "<=", bound: 2, text: "A <= 2" },
      { metric: "B", op: ">=", bound: 0.5, text: "B >= 0.5" },
    ]);
    expect(campaign.stopWhen).toEqual({ noImprovementIn: 30, minTrials: 5, tolerance: 0.1 });
    expect(build(base).campaign.stopWhen).toBeNull();
    expect(refusal({ ...two, objective_thresholds: ["A >= 2"] })).toMatch(
      /A is minimized, so its threshold reads "A <= 2" \(the worst value that still counts\)/,
    );
    expect(refusal({ ...two, objective_thresholds: ["C <= 2"] })).toMatch(
      /names C, which is not an objective \(objectives: A, B\)/,
    );
    expect(refusal({ ...base, objective_thresholds: ["RESULT <= 2"] })).toMatch(
      /"objective_thresholds" needs several objectives/,
    );
    expect(refusal({ ...base, stop_when: { tolerance: -1 } })).toMatch(/stop_when\.tolerance/);
  });

  it("refuses == on continuous parameters with the substitution to make", () => {
    expect(refusal({ ...base, constraints: ["x + y == 1"] })).toMatch(
      /constraint "x \+ y == 1": "==" on the continuous parameters "x", "y" holds only on a set no sampler can hit; substitute a variable instead: remove "y" from the parameters/,
    );
  });
});

describe("buildCampaign: strategies", () => {
  const big = { ...base, max_eval: 100 };

  it("defaults to Sobol for max(5, 2*d) trials (at most max_eval/5), then GP waiting for half", () => {
    expect(build(big).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 5 }),
      strategyNode("gp", "GP", { minTrialsObserved: 3 }),
    ]);
    const params = ["a", "b", "c", "d"].map((name) => ({ name, type: "range", bounds: [0, 1] }));
    const fixed = { name: "f", type: "fixed", value: 1 };
    const { campaign } = build({ ...big, parameters: [...params, fixed], program: "run" });
    expect(campaign.strategy[0]).toEqual(strategyNode("sobol", "SOBOL", { trials: 8 }));
    // max_eval 10: a fifth is 2 Sobol trials
    expect(build(base).campaign.strategy[0]!.trials).toBe(2);
  });

  it("reads OmniOpt2 strategy texts with any case; GP waits for half the earlier trials", () => {
    expect(build({ ...base, strategy: "sobol=3,botorch_modular" }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 3 }),
      strategyNode("gp", "BOTORCH_MODULAR", { minTrialsObserved: 2 }),
    ]);
  });

  it("reads strategy lists with Ax's settings and transition criteria", () => {
    const { strategy } = build({
      ...base,
      strategy: [
        { model: "SOBOL", trials: 4, max_parallelism: 2, enforce: false },
        {
          model: "random",
          transition_criteria: [
            { criterion: "MinTrials", threshold: 3, count_only_trials_with_data: true },
            { criterion: "MaxTrials", threshold: 5 },
            "IsSingleObjective",
          ],
        },
        { model: "external", transition_criteria: ["AutoTransitionAfterGen"] },
        { model: "tpe", min_trials_observed: 1, fill: true },
      ],
      external_generator: { command: "gen" },
    }).campaign;
    expect(strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 4, maxParallelism: 2, enforce: false }),
      strategyNode("random", "RANDOM", {
        trials: 5,
        trialsWithData: 3,
        skipIfSingleObjective: true,
      }),
      strategyNode("external", "EXTERNAL", { autoTransition: true }),
      strategyNode("tpe", "TPE", { minTrialsObserved: 1, fill: true }),
    ]);
    const min = build({
      ...base,
      strategy: [
        { model: "sobol", transition_criteria: [{ criterion: "MinTrials", threshold: 3 }] },
        { model: "gp" },
      ],
    }).campaign.strategy[0];
    // MinTrials does not stop generation (Ax's block_gen_if_met false)
    expect(min).toEqual(strategyNode("sobol", "SOBOL", { trials: 3, enforce: false }));
  });

  it("refuses a count on the last node, a middle node without one, and criteria given twice", () => {
    expect(refusal({ ...base, strategy: "SOBOL=3,GP=5" })).toMatch(
      /the last node \(GP\) has a trial count or transition criterion, but the last node runs until max_eval/,
    );
    expect(refusal({ ...base, strategy: [{ model: "sobol" }, { model: "gp" }] })).toMatch(
      /node 1 \(SOBOL\) has no trial count, so the nodes after it would never run/,
    );
    expect(
      refusal({
        ...base,
        strategy: [
          {
            model: "sobol",
            trials: 3,
            transition_criteria: [{ criterion: "MaxTrials", threshold: 3 }],
          },
          { model: "gp" },
        ],
      }),
    ).toMatch(/field "strategy\[0\]": the node's trial count .* is given twice/);
    expect(
      refusal({
        ...base,
        strategy: [
          { model: "sobol", trials: 2 },
          { model: "gp", min_trials_observed: 3 },
        ],
      }),
    ).toMatch(/node 2 \(GP\) waits for 3 results, but the nodes before it generate 2 trials/);
    expect(
      refusal({
        ...base,
        strategy: [{ model: "sobol", transition_criteria: [{ criterion: "Sometimes" }] }],
      }),
    ).toMatch(/strategy/);
  });

  it("--generation_strategy (OmniOpt2): counts past --max_eval raise it, as OmniOpt2 does", () => {
    const more = build(
      { ...base, strategy: "SOBOL=6,BOTORCH_MODULAR=20" },
      { omniopt2Strategy: true },
    );
    expect(more.campaign.maxEval).toBe(26);
    expect(more.campaign.strategy[1]).toEqual(
      strategyNode("gp", "BOTORCH_MODULAR", { minTrialsObserved: 3 }),
    );
    expect(more.warnings).toEqual([
      "--generation_strategy has 26 trials, more than --max_eval 10: max_eval becomes 26 (as in OmniOpt2)",
    ]);
    const fewer = build({ ...base, strategy: "SOBOL=2,TPE=3" }, { omniopt2Strategy: true });
    expect(fewer.campaign.maxEval).toBe(10);
    expect(fewer.warnings[0]).toMatch(
      /has 5 trials, fewer than --max_eval 10: its last node \(TPE\) runs until max_eval/,
    );
  });

  it("uses --model after the Sobol phase and --num_random_steps as its exact length", () => {
    expect(build(big, { defaultModel: "tpe" }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 5 }),
      strategyNode("tpe", "TPE", { minTrialsObserved: 3 }),
    ]);
    // --num_random_steps overrides the max_eval/5 cap
    expect(build(base, { numRandomSteps: 12 }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 12 }),
      strategyNode("gp", "GP", { minTrialsObserved: 6 }),
    ]);
    expect(build(base, { numRandomSteps: 0 }).campaign.strategy).toEqual([
      strategyNode("gp", "GP"),
    ]);
    expect(build(base, { defaultModel: "SOBOL" }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL"),
    ]);
    expect(build(base, { defaultModel: "PSEUDORANDOM" }).campaign.strategy).toEqual([
      strategyNode("random", "PSEUDORANDOM"),
    ]);
    // as OmniOpt2: asked-for random steps come before a random model too
    expect(build(base, { defaultModel: "UNIFORM", numRandomSteps: 1 }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 1 }),
      strategyNode("random", "UNIFORM"),
    ]);
  });

  it("takes RANDOMFOREST nodes with n_estimators_randomforest trees (default 10)", () => {
    const big = { ...base, max_eval: 100 };
    const text = build({
      ...base,
      strategy: "SOBOL=3,RANDOMFOREST",
      n_estimators_randomforest: 30,
    });
    expect(text.campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 3 }),
      strategyNode("randomforest", "RANDOMFOREST", { minTrialsObserved: 2 }),
    ]);
    expect(text.campaign.randomForestTrees).toBe(30);
    expect(text.warnings).toEqual([]);
    const node = build({ ...base, strategy: [{ model: "randomforest" }] });
    expect(node.campaign.strategy[0]!.model).toBe("randomforest");
    expect(node.campaign.randomForestTrees).toBe(10);
    expect(build(big, { defaultModel: "RANDOMFOREST" }).campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 5 }),
      strategyNode("randomforest", "RANDOMFOREST", { minTrialsObserved: 3 }),
    ]);
  });

  it("warns that n_estimators_randomforest does nothing without a RANDOMFOREST node", () => {
    const { warnings } = build({ ...base, n_estimators_randomforest: 100 });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^"n_estimators_randomforest" .* has no effect without a RANDOMFOREST node/,
      ),
    ]);
    expect(refusal({ ...base, n_estimators_randomforest: 0 })).toMatch(/n_estimators_randomforest/);
  });

  it("refuses unknown models with the list", () => {
    expect(refusal({ ...base, strategy: "SOBOL=3,FOO" })).toMatch(
      /^field "strategy": unknown model "FOO"; use one of SOBOL, GP, .*TPE/,
    );
  });

  it("warns that --model and --num_random_steps are ignored when a strategy is given", () => {
    const { campaign, warnings } = build(
      { ...base, strategy: "SOBOL=3,TPE" },
      { defaultModel: "GP", numRandomSteps: 7 },
    );
    expect(campaign.strategy.map((n) => n.label)).toEqual(["SOBOL", "TPE"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--model GP and --num_random_steps 7 ignored: the strategy/);
    expect(build({ ...base, strategy: "SOBOL=3,TPE" }).warnings).toEqual([]);
  });

  it("refuses an unknown --model", () => {
    expect(refusal(base, { defaultModel: "LBFGS" })).toMatch(/^--model: unknown model "LBFGS"/);
  });

  it("refuses an EXTERNAL_GENERATOR node without the command", () => {
    expect(refusal({ ...base, strategy: "SOBOL=2,EXTERNAL_GENERATOR" })).toMatch(
      /EXTERNAL_GENERATOR node needs "external_generator\.command"/,
    );
  });
});

describe("names that would repeat a results.csv column, and nonsense ranges", () => {
  it("refuses a parameter or result named like a results.csv column or like a result", () => {
    for (const name of ["RESULT", "trial_status", "hostname", "exit_code", "reason", "OO_Info_x"]) {
      expect(
        refusal({
          ...base,
          parameters: [...base.parameters, { name, type: "range", bounds: [0, 1] }],
        }),
      ).toMatch(new RegExp(`parameter "${name}" has the name of a (results.csv column|result)`));
    }
    expect(refusal({ ...base, objectives: { hostname: "min" } })).toMatch(
      /result "hostname" has the name of a results.csv column/,
    );
  });

  it("refuses bounds whose width overflows and int bounds beyond 2^53", () => {
    expect(
      refusal({ ...base, parameters: [{ name: "x", type: "range", bounds: [-1e308, 1e308] }] }),
    ).toMatch(/width overflows/);
    expect(
      refusal({
        ...base,
        parameters: [{ name: "x", type: "range", bounds: [0, 2 ** 60], value_type: "int" }],
      }),
    ).toMatch(/beyond ±2\^53/);
    expect(
      build({
        ...base,
        parameters: [{ name: "x", type: "range", bounds: [0, 2 ** 52], value_type: "int" }],
      }).campaign.parameters,
    ).toHaveLength(1);
  });
});
