import { describe, expect, it } from "vitest";
import { createTrialProgram } from "../../../src/engine/createTrialProgram.js";
import type { AttemptResult } from "../../../src/executor/executor.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { Campaign } from "../../../src/spec/campaign.js";

function campaign(spec: Record<string, unknown>, warnings: string[] = []): Campaign {
  return buildCampaign(
    {
      name: "t",
      parameters: [
        { name: "x", type: "range", bounds: [-5, 5] },
        { name: "opt", type: "choice", values: ["adam", "sgd w/ momentum"] },
      ],
      program: "python3 target.py",
      max_eval: 3,
      seed: 42,
      ...spec,
    },
    { cwd: "/tmp", warnings: { warn: (m) => warnings.push(m) } },
  );
}

function ended(stdout: string, extra: Partial<AttemptResult> = {}): AttemptResult {
  return {
    exitCode: 0,
    signal: null,
    fault: null,
    faultReason: null,
    stdout,
    startTime: 1,
    endTime: 2,
    hostname: null,
    retryable: false,
    ...extra,
  };
}

const trial = { index: 3, id: 9, attemptDir: "/a/jobs/3/1" };

describe("SMAC-style programs", () => {
  it("call program --seed=<campaign seed> --instance=I --instance_features= --name=value with quoted values", () => {
    const program = createTrialProgram(
      campaign({ program_style: "smac", smac_instance: "inst 1", smac_seeds: "campaign" }),
    );
    const r = program.render({ x: 0.5, opt: "sgd w/ momentum" }, trial);
    expect(r.command).toBe(
      "python3 target.py --seed=42 '--instance=inst 1' --instance_features= --x=0.5 '--opt=sgd w/ momentum'",
    );
    expect(r.env).toMatchObject({
      SLURMOPT_TRIAL_INDEX: "3",
      SLURMOPT_TRIAL_ID: "9",
      SLURMOPT_ATTEMPT_DIR: "/a/jobs/3/1",
      SLURMOPT_P_opt: "sgd w/ momentum",
    });
    expect(program.describe({ x: 0.5, opt: "adam" }, 3)).toBe(
      "python3 target.py --seed=42 '--instance=inst 1' --instance_features= --x=0.5 --opt=adam",
    );
  });

  it("gives every trial its own seed, derived from the campaign seed: the same for a trial on every call, different across trials and campaign seeds", () => {
    const seedOf = (c: Campaign, index: number): number =>
      Number(/--seed=(\d+)/.exec(createTrialProgram(c).describe({ x: 0, opt: "adam" }, index))![1]);
    const a = campaign({ program_style: "smac" });
    const again = campaign({ program_style: "smac" });
    const other = campaign({ program_style: "smac", seed: 43 });
    const seeds = Array.from({ length: 50 }, (_, i) => seedOf(a, i));
    expect(new Set(seeds).size).toBe(50);
    for (const s of seeds) expect(s >= 0 && s < 2 ** 31).toBe(true);
    expect(Array.from({ length: 50 }, (_, i) => seedOf(again, i))).toEqual(seeds);
    expect(Array.from({ length: 50 }, (_, i) => seedOf(other, i))).not.toEqual(seeds);
    // render (what runs) and describe (what is stored) agree.
    const r = createTrialProgram(a).render({ x: 0, opt: "adam" }, trial);
    expect(r.command).toContain(`--seed=${seeds[3]}`);
    // smac_seeds: campaign passes the campaign seed to all (SMAC's deterministic=True).
    const fixed = campaign({ program_style: "smac", smac_seeds: "campaign" });
    expect([0, 1, 7].map((i) => seedOf(fixed, i))).toEqual([42, 42, 42]);
  });

  it("passes instances with their features round-robin by trial index, or drawn per trial reproducibly", () => {
    const instances = [
      { name: "i1", features: [1, 0.5] },
      { name: "i2", features: [2, 1e-7] },
      { name: "i3", features: [3, -4] },
    ];
    const rr = createTrialProgram(campaign({ program_style: "smac", instances }));
    const args = (p: ReturnType<typeof createTrialProgram>, i: number): string =>
      /--instance=\S+ --instance_features=\S*/.exec(p.describe({ x: 0, opt: "adam" }, i))![0];
    expect([0, 1, 2, 3, 4].map((i) => args(rr, i))).toEqual([
      "--instance=i1 --instance_features=1,0.5",
      "--instance=i2 --instance_features=2,1e-7",
      "--instance=i3 --instance_features=3,-4",
      "--instance=i1 --instance_features=1,0.5",
      "--instance=i2 --instance_features=2,1e-7",
    ]);
    const spec = { program_style: "smac", instances, instance_order: "random" };
    const draws = Array.from({ length: 60 }, (_, i) => args(createTrialProgram(campaign(spec)), i));
    expect(
      Array.from({ length: 60 }, (_, i) => args(createTrialProgram(campaign(spec)), i)),
    ).toEqual(draws);
    for (const inst of instances)
      expect(draws.filter((d) => d.startsWith(`--instance=${inst.name} `)).length).toBeGreaterThan(
        5,
      );
    expect(draws.slice(0, 9)).not.toEqual(Array.from({ length: 9 }, (_, i) => args(rr, i)));
    // Plain names are instances without features.
    const plain = createTrialProgram(campaign({ program_style: "smac", instances: ["a", "b"] }));
    expect(args(plain, 1)).toBe("--instance=b --instance_features=");
  });

  it("refuses bad instance lists and crash costs, naming the field and the fix", () => {
    const smac = { program_style: "smac" };
    expect(() => campaign({ ...smac, instances: [] })).toThrow(/empty instance list/);
    expect(() => campaign({ ...smac, instances: ["a", "a"] })).toThrow(/"a" is listed twice/);
    expect(() =>
      campaign({
        ...smac,
        instances: [
          { name: "a", features: [1] },
          { name: "b", features: [] },
        ],
      }),
    ).toThrow(/different numbers of features \(1, 0\)/);
    expect(() => campaign({ ...smac, smac_instance: "x", instances: ["a"] })).toThrow(
      /list them all under "instances"/,
    );
    expect(() => campaign({ instances: ["a"] })).toThrow(/"instances" applies to SMAC-style/);
    expect(() => campaign({ smac_seeds: "campaign" })).toThrow(/"smac_seeds" applies to SMAC/);
    expect(() => campaign({ ...smac, crash_cost: { LOSS: 1 } })).toThrow(
      /"LOSS" is not an objective \(objectives: RESULT\)/,
    );
    expect(campaign({ ...smac, crash_cost: 1000 }).crashCost).toEqual({ RESULT: 1000 });
    expect(campaign({ crash_cost: { RESULT: 5 } }).crashCost).toEqual({ RESULT: 5 });
  });

  it("maps SMAC statuses: SUCCESS completes, CRASHED and a missing cost fail, TIMEOUT times out", () => {
    const p = createTrialProgram(campaign({ program_style: "smac" }));
    const ok = p.outcome(
      ended("cost=99\ncost = 0.25 ; runtime=1.5; status=SUCCESS; additional_info=fine run\n"),
    );
    expect(ok).toMatchObject({ state: "COMPLETED", values: { RESULT: 0.25 }, reason: null });
    expect(ok.extras).toMatchObject({
      SMAC_status: "SUCCESS",
      SMAC_runtime: "1.5",
      SMAC_additional_info: "fine run",
    });
    expect(p.outcome(ended("cost=3; status=CRASHED"))).toMatchObject({
      state: "FAILED",
      reason: expect.stringMatching(/CRASHED/),
    });
    expect(p.outcome(ended("status=SUCCESS"))).toMatchObject({
      state: "FAILED",
      reason: expect.stringMatching(/no cost.*CRASHED/),
    });
    expect(p.outcome(ended("cost=3; status=TIMEOUT"))).toMatchObject({ state: "TIMEOUT" });
    expect(p.outcome(ended("cost=3; status=MEMORYOUT"))).toMatchObject({
      state: "FAILED",
      reason: expect.stringMatching(/out of memory/),
    });
    expect(p.outcome(ended("nothing here"))).toMatchObject({
      state: "FAILED",
      reason: expect.stringMatching(/no SMAC result line/),
    });
  });

  it("refuses parameters named like SMAC's own arguments, and smac_instance without the smac style", () => {
    expect(() =>
      campaign({
        program_style: "smac",
        parameters: [{ name: "seed", type: "range", bounds: [0, 1] }],
      }),
    ).toThrow(/"seed" collides with the --seed= argument/);
    expect(() => campaign({ smac_instance: "i" })).toThrow(/smac_instance.*program_style: smac/);
  });
});

describe("OCC", () => {
  const occSpec = {
    program: "echo %(x)",
    objectives: [
      { name: "LOSS", goal: "min" },
      { name: "TIME", goal: "min" },
    ],
  };

  it("makes OCC the single objective and keeps the results the program prints", () => {
    const c = campaign({ ...occSpec, occ: { type: "euclid" } });
    expect(c.objectives).toEqual([{ name: "OCC", goal: "min" }]);
    expect(c.occ?.results.map((o) => o.name)).toEqual(["LOSS", "TIME"]);
    expect(c.occ?.weights).toEqual([1, 1]);
  });

  it("stores the raw results and their combination; a missing result fails the trial", () => {
    const p = createTrialProgram(campaign({ ...occSpec, occ: { type: "euclid" } }));
    expect(p.outcome(ended("LOSS: 3\nTIME: -4\n"))).toMatchObject({
      state: "COMPLETED",
      values: { LOSS: 3, TIME: -4, OCC: -5 },
    });
    expect(p.outcome(ended("LOSS: 3\n"))).toMatchObject({ state: "FAILED", values: { LOSS: 3 } });
    expect(p.outcome(ended("LOSS: 3\n")).values.OCC).toBeUndefined();
    const w = createTrialProgram(
      campaign({ ...occSpec, occ: { type: "weighted_euclidean", weights: [4, 0] } }),
    );
    expect(w.outcome(ended("LOSS: 1\nTIME: 100\n")).values.OCC).toBe(2);
  });

  it("combines SMAC multi-costs in result order", () => {
    const p = createTrialProgram(
      campaign({
        ...occSpec,
        program: "python3 t.py",
        program_style: "smac",
        occ: { type: "minkowski", minkowski_p: 1 },
      }),
    );
    expect(p.outcome(ended("cost=0.5, -1.5; status=SUCCESS"))).toMatchObject({
      state: "COMPLETED",
      values: { LOSS: 0.5, TIME: -1.5, OCC: 2 },
    });
  });

  it("refuses mixed goals, a result named OCC, wrong weight counts and misplaced settings", () => {
    expect(() =>
      campaign({ ...occSpec, objectives: { A: "min", B: "max" }, occ: { type: "euclid" } }),
    ).toThrow(/mix min and max/);
    expect(() =>
      campaign({ ...occSpec, objectives: { OCC: "min" }, occ: { type: "euclid" } }),
    ).toThrow(/rename the result OCC/);
    expect(() =>
      campaign({ ...occSpec, occ: { type: "weighted_euclidean", weights: [1] } }),
    ).toThrow(/1 weight\(s\) for 2 result\(s\) \(LOSS, TIME\)/);
    expect(() => campaign({ ...occSpec, occ: { type: "euclid", weights: [1, 2] } })).toThrow(
      /weighted_euclidean only/,
    );
    expect(() => campaign({ ...occSpec, occ: { type: "euclid", minkowski_p: 3 } })).toThrow(
      /minkowski only/,
    );
  });
});

describe("external generator settings", () => {
  it("decodes a base64 command and warns when no strategy node uses the generator", () => {
    const warnings: string[] = [];
    const command = Buffer.from("python3 /x/gen.py\n").toString("base64");
    const c = campaign({ external_generator: { command } }, warnings);
    expect(c.externalGenerator).toEqual({
      command: "python3 /x/gen.py",
      timeoutSeconds: 600,
      maxRetries: 3,
      onFailure: "fallback",
      onDuplicate: "reject",
    });
    expect(warnings.join("\n")).toMatch(/no strategy node uses it/);
    const used = campaign({
      external_generator: { command, timeout: "5s" },
      strategy: "SOBOL=5,EXTERNAL_GENERATOR",
    });
    expect(used.externalGenerator?.timeoutSeconds).toBe(5);
    expect(used.strategy.map((n) => n.model)).toEqual(["sobol", "external"]);
  });

  it("refuses an empty command and an external node without a command", () => {
    expect(() => campaign({ external_generator: { command: "  " }, strategy: "EXTERNAL" })).toThrow(
      /is empty/,
    );
    expect(() => campaign({ strategy: "SOBOL=2,EXTERNAL_GENERATOR" })).toThrow(
      /needs "external_generator.command"/,
    );
  });
});
