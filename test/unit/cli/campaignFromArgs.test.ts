import { beforeEach, describe, expect, it, vi } from "vitest";
import { InputError } from "../../../src/errors/errors.js";

/** Spec "files" read through a mocked readFileSync: these tests never touch the disk. */
const files = new Map<string, string>();

vi.mock("../../../src/files/readRegularFile.js", () => ({
  readRegularFile: (path: string) => {
    const text = files.get(path);
    if (text !== undefined) return { ok: true, text };
    return { ok: false, missing: true, problem: `ENOENT: no such file '${path}'` };
  },
}));

const { campaignFromArgs } = await import("../../../src/cli/campaignFromArgs.js");
const { extractGroupedFlags } = await import("../../../src/cli/groupedFlags.js");
const { strategyNode } = await import("../../../src/generators/modelNames.js");

/** argv as a user types it; flags as yargs would give them (already parsed). */
function fromArgs(
  argv: string[],
  flags: Record<string, unknown>,
  specFile?: string,
): { campaign: ReturnType<typeof campaignFromArgs>; warnings: string[] } {
  const warnings: string[] = [];
  const grouped = extractGroupedFlags(argv);
  const campaign = campaignFromArgs({ specFile, flags, grouped }, "/work/dir", {
    warn: (m) => warnings.push(m),
  });
  return { campaign, warnings };
}

function refusal(argv: string[], flags: Record<string, unknown>, specFile?: string): string {
  try {
    fromArgs(argv, flags, specFile);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("accepted");
}

const OMNIOPT_PROGRAM_B64 = "ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSIgJiYgZWNobyAiUkVTVUxUMjogJXoi";

describe("campaignFromArgs: a campaign written only with OmniOpt2 flags", () => {
  const argv = [
    "--parameter",
    "x",
    "range",
    "-5",
    "5",
    "--parameter",
    "y",
    "range",
    "1",
    "100",
    "int",
    "true",
    "--parameter",
    "z",
    "choice",
    "a,b,c",
    "--result_names",
    "RESULT=max",
    "RESULT2=min",
  ];
  const flags = {
    experiment_name: "oo",
    run_program: OMNIOPT_PROGRAM_B64,
    max_eval: 30,
    num_parallel_jobs: 2,
    worker_timeout: "30",
    force_local_execution: true,
    num_random_steps: 3,
    seed: 1,
    experiment_constraint: [Buffer.from("x >= -1").toString("base64")],
  };

  it("builds the campaign: parameters, objectives, decoded program, minutes, local executor", () => {
    const { campaign } = fromArgs(argv, flags);
    expect(campaign.name).toBe("oo");
    expect(campaign.runDir).toBe("/work/dir/runs");
    expect(campaign.parameters).toEqual([
      { kind: "range", name: "x", valueType: "float", low: -5, high: 5, log: false },
      { kind: "range", name: "y", valueType: "int", low: 1, high: 100, log: true },
      { kind: "choice", name: "z", values: ["a", "b", "c"], ordered: false, valueType: "string" },
    ]);
    expect(campaign.objectives).toEqual([
      { name: "RESULT", goal: "max" },
      { name: "RESULT2", goal: "min" },
    ]);
    expect(campaign.program).toBe('echo "RESULT: %(x)%(y)" && echo "RESULT2: %z"');
    expect(campaign.maxEval).toBe(30);
    expect(campaign.parallelism).toBe(2);
    expect(campaign.workerTimeoutSeconds).toBe(1800);
    expect(campaign.executor).toBe("local");
    expect(campaign.constraints).toEqual(["x >= -1"]);
    expect(campaign.strategy).toEqual([
      strategyNode("sobol", "SOBOL", { trials: 3 }),
      strategyNode("gp", "GP", { minTrialsObserved: 2 }),
    ]);
  });

  it("--generation_strategy with counts past --max_eval raises max_eval, as OmniOpt2 does", () => {
    const rest: Record<string, unknown> = { ...flags };
    delete rest.num_random_steps;
    const { campaign, warnings } = fromArgs(argv, {
      ...rest,
      generation_strategy: "SOBOL=10,BOTORCH_MODULAR=25",
    });
    expect(campaign.maxEval).toBe(35);
    expect(campaign.strategy.map((n) => [n.label, n.trials])).toEqual([
      ["SOBOL", 10],
      ["BOTORCH_MODULAR", null],
    ]);
    expect(warnings).toContain(
      "--generation_strategy has 35 trials, more than --max_eval 30: max_eval becomes 35 (as in OmniOpt2)",
    );
    // the slurmopt flag takes the same text literally: a count on the last node is refused
    expect(refusal(argv, { ...rest, strategy: "SOBOL=10,BOTORCH_MODULAR=25" })).toMatch(
      /the last node \(BOTORCH_MODULAR\) has a trial count/,
    );
  });

  it("uses RESULT=min without --result_names", () => {
    const { campaign } = fromArgs(argv.slice(0, 16), flags);
    expect(campaign.objectives).toEqual([{ name: "RESULT", goal: "min" }]);
  });

  it("lists every missing required flag when there is no spec file", () => {
    expect(refusal(["--parameter", "x", "range", "0", "1"], {})).toBe(
      "without a spec file these are needed: --name (or --experiment_name), --program (or --run_program), --max_eval (or give a spec file: slurmopt run spec.yaml)",
    );
    expect(refusal([], { name: "a", program: "echo", max_eval: 3 })).toMatch(
      /these are needed: --parameter \(/,
    );
  });

  it.each([Number.NaN, 2.5, -1])("refuses --num_random_steps %s", (steps) => {
    expect(refusal(argv, { ...flags, num_random_steps: steps })).toMatch(
      /^--num_random_steps: .* is not a whole number >= 0; give the number of Sobol trials/,
    );
  });

  it("passes flag values through the spec validation (max_eval NaN names the field)", () => {
    expect(refusal(argv, { ...flags, max_eval: Number.NaN })).toMatch(/^field "max_eval": /);
  });

  it("refuses a bad --parameter and a bad --result_names word", () => {
    expect(refusal(["--parameter", "x", "range", "0"], flags)).toMatch(/^--parameter x range 0: /);
    expect(refusal([...argv, "--result_names", "A=up"], flags)).toMatch(
      /^--result_names: cannot read "A=up"/,
    );
  });
});

describe("campaignFromArgs: spec file and flags", () => {
  beforeEach(() => files.clear());

  const spec = [
    "name: from-file",
    "parameters:",
    "  - {name: x, type: range, bounds: [0, 1]}",
    "program: 'echo RESULT: %(x)'",
    "max_eval: 10",
    "parallelism: 1",
    "slurm: {partition: cpu, gpus: 0}",
  ].join("\n");

  it("reads the file and lets flags override it", () => {
    files.set("/specs/a.yaml", spec);
    const { campaign } = fromArgs(
      [],
      { max_eval: 25, num_parallel_jobs: 3, partition: "gpu" },
      "/specs/a.yaml",
    );
    expect(campaign.name).toBe("from-file");
    expect(campaign.maxEval).toBe(25);
    expect(campaign.parallelism).toBe(3);
    expect(campaign.slurm.partition).toBe("gpu");
  });

  it("lets --parameter flags replace the file's parameters", () => {
    files.set("/specs/a.yaml", spec);
    const { campaign } = fromArgs(
      ["--parameter", "x", "range", "2", "3", "int"],
      {},
      "/specs/a.yaml",
    );
    expect(campaign.parameters).toEqual([
      { kind: "range", name: "x", valueType: "int", low: 2, high: 3, log: false },
    ]);
  });

  it("does not ask for required flags when a spec file is given, and validates the file", () => {
    files.set("/specs/b.yaml", "name: b\nmax_eval: 3\nprogram: echo\n");
    expect(refusal([], {}, "/specs/b.yaml")).toMatch(/^field "parameters": /);
  });

  it("names a spec file that cannot be read", () => {
    expect(refusal([], {}, "/specs/none.yaml")).toMatch(
      /^cannot read spec file \/specs\/none\.yaml/,
    );
  });
});
