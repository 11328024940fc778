import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";
import { PYTHON, trials } from "./externalKit.js";

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
