import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";
import { PYTHON, calls, trials, type TrialRecord } from "./externalKit.js";

/** A SMAC target-function script: prints one result line chosen by --mode. */
const TARGET = `
import sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
x = float(args["x"])
mode = args["mode"]
info = f"seed={args['seed']} instance={args.get('instance')} features={args.get('instance_features')!r} label={args['label']}"
if mode != "silent":
    print("cost=123; status=SUCCESS")  # progress: the last result line counts
lines = {
    "success": f"cost={x * x}; runtime=0.5; status=SUCCESS; additional_info={info}",
    "crashed": "cost=1; status=CRASHED",
    "timeout": "cost=1; status=TIMEOUT",
    "memoryout": "cost=1; status=MEMORYOUT",
    "nocost": "runtime=1; status=SUCCESS",
    "silent": "",
}
print(lines[mode])
`;

describe("SMAC-style target programs", () => {
  it("runs a SMAC script campaign end to end: --seed/--instance/--name=value, statuses mapped, values with spaces kept", async () => {
    const cwd = testDir("smac");
    writeFileSync(join(cwd, "target.py"), TARGET);
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "smac",
        "--parameter",
        "x",
        "range",
        "-2",
        "2",
        "int",
        "--parameter",
        "mode",
        "choice",
        "success,crashed,timeout,memoryout,nocost,silent",
        "--parameter",
        "label",
        "fixed",
        "a b|c",
        "--run_program",
        `${PYTHON} target.py`,
        "--program_style",
        "smac",
        "--smac_instance",
        "inst-7",
        "--smac_seeds",
        "campaign",
        "--model",
        "FACTORIAL",
        "--max_eval",
        "12",
        "--num_parallel_jobs",
        "3",
        "--seed",
        "99",
        "--force_local_execution",
        "--quiet",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = trials(join(cwd, "runs", "smac", "0"));
    expect(rows).toHaveLength(12);
    const expected: Record<string, { state: string; reason: RegExp | null }> = {
      success: { state: "COMPLETED", reason: null },
      crashed: { state: "FAILED", reason: /status CRASHED/ },
      timeout: { state: "TIMEOUT", reason: /status TIMEOUT/ },
      memoryout: { state: "FAILED", reason: /MEMORYOUT \(out of memory\)/ },
      nocost: { state: "FAILED", reason: /no cost in the SMAC result line: counts as CRASHED/ },
      silent: { state: "FAILED", reason: /no SMAC result line/ },
    };
    for (const t of rows) {
      const p = JSON.parse(t.params_json) as { x: number; mode: string };
      const want = expected[p.mode]!;
      expect(t.state, `${p.mode}: ${t.reason ?? ""}`).toBe(want.state);
      if (want.reason) expect(t.reason).toMatch(want.reason);
      if (p.mode === "success") {
        expect(JSON.parse(t.results_json!)).toEqual({ RESULT: p.x * p.x });
        const extras = JSON.parse((t as unknown as { extras_json: string }).extras_json) as Record<
          string,
          string
        >;
        expect(extras).toMatchObject({
          SMAC_status: "SUCCESS",
          SMAC_runtime: "0.5",
          SMAC_additional_info: "seed=99 instance=inst-7 features='' label=a b|c",
        });
      }
    }
  });
});

describe("SMAC status STOP", () => {
  it("stops the campaign when a trial reports status STOP, keeping what ran", async () => {
    const cwd = testDir("smacstop");
    writeFileSync(
      join(cwd, "stop.py"),
      `import sys\nargs = dict(a[2:].split("=", 1) for a in sys.argv[1:])\nx = int(args["x"])\nprint("cost=1; status=STOP" if x == 3 else f"cost={x}; status=SUCCESS")\n`,
    );
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "smacstop",
        parameters: [{ name: "x", type: "range", bounds: [1, 8], value_type: "int" }],
        program: `${PYTHON} stop.py`,
        program_style: "smac",
        max_eval: 8,
        parallelism: 1,
        seed: 1,
        strategy: "FACTORIAL",
        executor: "local",
      }),
    );
    const r = await runCli(["run", "spec.json", "--quiet"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const status = await runCli(["status", join(cwd, "runs", "smacstop", "0"), "--json"], { cwd });
    const s = JSON.parse(status.stdout) as {
      state: string;
      stop_reason: string;
      counts: Record<string, number>;
    };
    expect(s.state).toBe("STOPPED");
    expect(s.stop_reason).toMatch(/SMAC status STOP/);
    // The grid goes 1, 2, 3: the third trial asked to stop, so no fourth was started.
    expect(s.counts.COMPLETED).toBe(2);
    expect(s.counts.FAILED).toBe(1);
  });
});

describe("SMAC per-run details", () => {
  /** Prints what it was called with as additional_info; odd trial indices crash (no cost). */
  const ECHO = `
import os, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
x = float(args["x"])
info = f"{args['seed']}|{args.get('instance')}|{args.get('instance_features')}"
crash = int(os.environ["SLURMOPT_TRIAL_INDEX"]) % 2 == 1
print("status=CRASHED" if crash else f"cost={x * x}; status=SUCCESS; additional_info={info}")
`;

  it("gives each trial its own reproducible --seed= and the instances round-robin with their features; crash_cost reaches the model", async () => {
    const cwd = testDir("smacruns");
    writeFileSync(join(cwd, "target.py"), ECHO);
    // The external generator records what the model side sees, then proposes a random point.
    writeFileSync(
      join(cwd, "gen.py"),
      `import json, os, random, sys
d = sys.argv[-1]
inp = json.load(open(os.path.join(d, "input.json")))
random.seed(inp["seed"])
json.dump({"parameters": {"x": random.uniform(-2, 2)}}, open(os.path.join(d, "results.json"), "w"))
`,
    );
    const spec = (name: string): Record<string, unknown> => ({
      name,
      parameters: [{ name: "x", type: "range", bounds: [-2, 2] }],
      program: `${PYTHON} target.py`,
      program_style: "smac",
      instances: [
        { name: "i1", features: [1, 0.5] },
        { name: "i2", features: [2, 3] },
        { name: "i3", features: [3, 4.5] },
      ],
      crash_cost: 1000,
      max_eval: 8,
      // One at a time, so what each proposal saw is fixed: Sobol replaces its failed trials
      // (1, 3, 5: Ax's counting) and reaches 4 at trial 6; the generator proposes trial 7.
      parallelism: 1,
      seed: 5,
      strategy: "SOBOL=4,EXTERNAL_GENERATOR",
      external_generator: { command: `${PYTHON} gen.py` },
      executor: "local",
    });
    writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec("a")));
    const r = await runCli(["run", "spec.json", "--quiet"], { cwd, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "a", "0");
    const rows = trials(dir) as (TrialRecord & { program_string: string; extras_json: string })[];
    expect(rows).toHaveLength(8);
    const seeds: number[] = [];
    for (const t of rows) {
      const seed = Number(/--seed=(\d+)/.exec(t.program_string)![1]);
      seeds.push(seed);
      const inst = ["i1", "i2", "i3"][t.trial_index % 3]!;
      const features = { i1: "1,0.5", i2: "2,3", i3: "3,4.5" }[inst];
      expect(t.program_string).toContain(`--instance=${inst} --instance_features=${features}`);
      if (t.trial_index % 2 === 0) {
        expect(t.state).toBe("COMPLETED");
        // What the program received is what was stored.
        const extras = JSON.parse(t.extras_json) as Record<string, string>;
        expect(extras.SMAC_additional_info).toBe(`${seed}|${inst}|${features}`);
      } else {
        expect(t.state).toBe("FAILED");
        expect(t.results_json ?? "{}").not.toContain("1000");
      }
    }
    expect(new Set(seeds).size).toBe(8);
    // The generator saw every ended trial with a value: the crashed ones with the crash cost.
    const made = calls(dir);
    expect(made.length).toBeGreaterThan(0);
    const last = made.at(-1)!.input;
    const [params, results] = last.trials as [{ x: number }[], { RESULT: number }[]];
    const crashed = new Set(
      rows
        .filter((t) => t.state === "FAILED")
        .map((t) => (JSON.parse(t.params_json) as { x: number }).x),
    );
    expect(crashed.size).toBe(4);
    // The generator's call (trial 7) saw trials 0-6: the crashes 1, 3 and 5 at the crash cost.
    let seenCrashes = 0;
    for (const [k, p] of params.entries()) {
      if (crashed.has(p.x)) seenCrashes++;
      expect(results[k]!.RESULT).toBe(crashed.has(p.x) ? 1000 : p.x * p.x);
    }
    expect(seenCrashes).toBe(3);
    expect(made).toHaveLength(1);
    expect(rows.map((t) => t.generation_node)).toEqual([
      ...Array.from({ length: 7 }, () => "SOBOL"),
      "EXTERNAL_GENERATOR",
    ]);

    // The same campaign seed gives the same per-trial seeds in a new campaign.
    writeFileSync(join(cwd, "spec.json"), JSON.stringify({ ...spec("b"), max_eval: 4 }));
    const again = await runCli(["run", "spec.json", "--quiet"], { cwd, timeoutMs: 240_000 });
    expect(again.code, again.stderr).toBe(0);
    const seedsB = (
      trials(join(cwd, "runs", "b", "0")) as (TrialRecord & { program_string: string })[]
    ).map((t) => Number(/--seed=(\d+)/.exec(t.program_string)![1]));
    expect(seedsB).toEqual(seeds.slice(0, 4));
  });
});
