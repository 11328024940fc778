import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, testDir } from "../../helpers/runCli.js";
import {
  OPTUNA_GENERATOR,
  PYTHON,
  RANDOM_GENERATOR,
  calls,
  campaignRow,
  runSpec,
  trials,
  type TrialRecord,
} from "./externalKit.js";

const PARAMETERS = [
  { name: "x", type: "range", bounds: [0, 100], value_type: "int" },
  { name: "y", type: "range", bounds: [0, 1] },
  { name: "c", type: "choice", values: ["a", "b"] },
  { name: "k", type: "fixed", value: 3 },
];

/** Every stored trial is a valid, completed point whose RESULT is what the program printed. */
function expectIntact(rows: readonly TrialRecord[]): void {
  for (const t of rows) {
    expect(t.state, `trial ${t.trial_index}: ${t.reason ?? ""}`).toBe("COMPLETED");
    const p = JSON.parse(t.params_json) as { x: number; y: number; c: string; k: number };
    expect(Number.isInteger(p.x) && p.x >= 0 && p.x <= 100).toBe(true);
    expect(p.y >= 0 && p.y <= 1).toBe(true);
    expect(["a", "b"]).toContain(p.c);
    expect(p.k).toBe(3);
    expect(JSON.parse(t.results_json!)).toEqual({ RESULT: p.x });
  }
}

function generatorFile(cwd: string, name: string, source: string): string {
  const path = join(cwd, name);
  writeFileSync(path, source);
  return `${PYTHON} ${path}`;
}

describe("external generators (real Python programs, the built CLI)", () => {
  it("runs a campaign whose middle strategy node is an external generator, with typed input.json and a seed per call", async () => {
    const cwd = testDir("extgen");
    const r = await runSpec(cwd, {
      name: "ext",
      parameters: PARAMETERS,
      constraints: ["x >= 10*y"],
      program: 'echo "RESULT: %(x)"',
      max_eval: 8,
      parallelism: 2,
      seed: 11,
      strategy: "SOBOL=2,EXTERNAL_GENERATOR=3,SOBOL",
      executor: "local",
      external_generator: { command: generatorFile(cwd, "gen.py", RANDOM_GENERATOR) },
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "ext", "0");
    const rows = trials(dir);
    expect(rows).toHaveLength(8);
    expectIntact(rows);
    const nodes = rows.map((t) => t.generation_node);
    const firstExternal = nodes.indexOf("EXTERNAL_GENERATOR");
    const lastExternal = nodes.lastIndexOf("EXTERNAL_GENERATOR");
    // Ax's counting: SOBOL=2 generates exactly 2 trials, and an external generator needs no
    // data before its first call (min_trials_observed 0), so it takes over at the third trial
    // and sees the Sobol trials as results or as pending points.
    expect(firstExternal).toBe(2);
    expect(nodes.slice(0, firstExternal).every((n) => n === "SOBOL")).toBe(true);
    expect(lastExternal - firstExternal + 1).toBeGreaterThanOrEqual(3);
    expect(
      nodes.slice(firstExternal, lastExternal + 1).every((n) => n === "EXTERNAL_GENERATOR"),
    ).toBe(true);
    expect(nodes.slice(lastExternal + 1).every((n) => n === "SOBOL")).toBe(true);
    expect(nodes.at(-1)).toBe("SOBOL");
    const external = rows.filter((t) => t.generation_node === "EXTERNAL_GENERATOR");
    const made = calls(dir);
    expect(made).toHaveLength(external.length);
    made.forEach((c, k) => {
      expect(c.outcome, JSON.stringify(c.outcome)).toMatchObject({ ok: true, seed: 11 + k });
      expect(c.input.seed).toBe(11 + k);
      expect(c.input.constraints).toEqual(["x >= 10*y"]);
      expect(c.input.objectives).toEqual({ RESULT: "min" });
      const [params, results] = c.input.trials as [unknown[], unknown[]];
      expect(params.length).toBe(results.length);
      const pending = c.input.pending as unknown[];
      expect(params.length + pending.length).toBeGreaterThanOrEqual(2 + k);
      const proposed = JSON.parse(
        readFileSync(join(dir, "external_generator_tmp", String(k), "results.json"), "utf8"),
      ) as { parameters: unknown };
      expect(JSON.parse(external[k]!.params_json)).toEqual(proposed.parameters);
      expect(external[k]!.generator).toBe("external");
    });
    // Each call's stdout and stderr are kept.
    expect(existsSync(join(dir, "external_generator_tmp", "0", "stdout"))).toBe(true);
    expect(existsSync(join(dir, "external_generator_tmp", "0", "stderr"))).toBe(true);
  });

  it("runs an Optuna TPE generator (Debian's python3-optuna) after a Sobol phase", async () => {
    const cwd = testDir("extoptuna");
    const branin =
      `${PYTHON} -c "import math; x=%(x); y=%(y); ` +
      `print('RESULT:', (y-5.1/(4*math.pi**2)*x*x+5/math.pi*x-6)**2+10*(1-1/(8*math.pi))*math.cos(x)+10)"`;
    const r = await runSpec(cwd, {
      name: "optuna",
      parameters: [
        { name: "x", type: "range", bounds: [-5, 10] },
        { name: "y", type: "range", bounds: [0, 15] },
      ],
      program: branin,
      max_eval: 10,
      parallelism: 1,
      seed: 3,
      strategy: "SOBOL=3,EXTERNAL_GENERATOR",
      executor: "local",
      external_generator: {
        command: generatorFile(cwd, "tpe.py", OPTUNA_GENERATOR),
        timeout: "2m",
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "optuna", "0");
    const rows = trials(dir);
    expect(rows).toHaveLength(10);
    for (const t of rows) expect(t.state, t.reason ?? "").toBe("COMPLETED");
    expect(rows.filter((t) => t.generation_node === "EXTERNAL_GENERATOR")).toHaveLength(7);
    const made = calls(dir);
    expect(made).toHaveLength(7);
    for (const c of made) expect(c.outcome, JSON.stringify(c.outcome)).toMatchObject({ ok: true });
    expect(r.stderr).not.toMatch(/Sobol proposes/);
  });

  const HANG = `
import os, subprocess, sys, time
child = subprocess.Popen(["/bin/sleep", "600"])
open(os.path.join(sys.argv[-1], "child.pid"), "w").write(str(child.pid))
time.sleep(600)
`;
  const WRITE = (body: string): string => `
import json, os, sys
d = sys.argv[-1]
open(os.path.join(d, "results.json"), "w").write(${body})
`;
  const failures: [string, string, RegExp, Record<string, unknown>][] = [
    [
      "crashes",
      'import sys\nprint("boom", file=sys.stderr)\nsys.exit(3)\n',
      /exited with code 3; stderr: boom/,
      {},
    ],
    [
      "hangs past its time limit",
      HANG,
      /still running after 2s: killed with its process group/,
      { timeout: "2s" },
    ],
    ["writes invalid JSON", WRITE('"{not json"'), /results\.json is not valid JSON/, {}],
    ["writes no results.json", "pass\n", /results\.json was not written/, {}],
    [
      "writes an out-of-bounds value",
      WRITE('json.dumps({"parameters": {"x": 1000, "y": 0.5, "c": "a", "k": 3}})'),
      /parameters\.x: 1000 is outside the range \[0, 100\]/,
      {},
    ],
    [
      "writes a wrong type",
      WRITE('json.dumps({"parameters": {"x": "ten", "y": 0.5, "c": "a", "k": 3}})'),
      /parameters\.x: must be an integer in \[0, 100\], got "ten"/,
      {},
    ],
    [
      "writes a value that is not a choice",
      WRITE('json.dumps({"parameters": {"x": 5, "y": 0.5, "c": "zzz", "k": 3}})'),
      /parameters\.c: "zzz" is not one of "a", "b"/,
      {},
    ],
    [
      "leaves a value out",
      WRITE('json.dumps({"parameters": {"x": 5, "c": "a", "k": 3}})'),
      /parameters\.y: missing \(a number in \[0, 1\]\)/,
      {},
    ],
  ];

  it.each(failures)(
    "a generator that %s gets a clear error; Sobol fills in with a warning and the stored trials stay intact",
    async (label, source, problem, settings) => {
      const cwd = testDir("extfail");
      const r = await runSpec(cwd, {
        name: "fail",
        parameters: PARAMETERS,
        program: 'echo "RESULT: %(x)"',
        max_eval: 3,
        parallelism: 1,
        seed: 5,
        strategy: "SOBOL=1,EXTERNAL_GENERATOR",
        executor: "local",
        external_generator: {
          command: generatorFile(cwd, "bad.py", source),
          max_retries: 1,
          ...settings,
        },
      });
      expect(r.code, `${label}: ${r.stderr}`).toBe(0);
      const dir = join(cwd, "runs", "fail", "0");
      const rows = trials(dir);
      expect(rows).toHaveLength(3);
      expectIntact(rows);
      expect(rows[0]!.generation_node).toBe("SOBOL");
      // The fallback's points keep the node of the strategy but name the generator that made them.
      for (const t of rows.slice(1)) {
        expect(t.generation_node).toBe("EXTERNAL_GENERATOR");
        expect(t.generator).toBe("sobol");
      }
      // Round 1: two calls (one retry), then Sobol; round 2: one call (the generator kept failing).
      const made = calls(dir);
      expect(made).toHaveLength(3);
      for (const c of made) {
        expect(c.outcome.ok).toBe(false);
        expect(c.outcome.problem).toMatch(problem);
      }
      expect(r.stderr).toMatch(/the external generator failed 2 time\(s\) in a row/);
      expect(r.stderr).toMatch(problem);
      expect(r.stderr).toMatch(/Sobol proposes the remaining 1 point\(s\) of this round/);
      expect(campaignRow(dir).state).toBe("COMPLETED");
      if (label.startsWith("hangs"))
        for (const c of made) {
          const pid = Number(
            readFileSync(join(dir, "external_generator_tmp", String(c.index), "child.pid"), "utf8"),
          );
          expect(await processGone(pid), `child ${pid} of the hung generator still runs`).toBe(
            true,
          );
        }
    },
  );

  it("stops the campaign with the error when on_failure is stop, keeping the stored trials", async () => {
    const cwd = testDir("extstop");
    const r = await runSpec(cwd, {
      name: "stop",
      parameters: PARAMETERS,
      program: 'echo "RESULT: %(x)"',
      max_eval: 4,
      parallelism: 1,
      seed: 5,
      strategy: "SOBOL=1,EXTERNAL_GENERATOR",
      executor: "local",
      external_generator: {
        command: generatorFile(cwd, "crash.py", "import sys\nsys.exit(4)\n"),
        max_retries: 2,
        on_failure: "stop",
      },
    });
    expect(r.code).toBe(1);
    const dir = join(cwd, "runs", "stop", "0");
    const rows = trials(dir);
    expect(rows).toHaveLength(1);
    expectIntact(rows);
    expect(calls(dir)).toHaveLength(3);
    const row = campaignRow(dir);
    expect(row.state).toBe("FAILED");
    expect(row.stop_reason).toMatch(
      /failed 3 time\(s\) in a row.*exited with code 4.*on_failure: stop/,
    );
  });

  it("ends a generator call in flight (with its children) when the controller is stopped by SIGINT", async () => {
    const cwd = testDir("extsigint");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "sig",
        parameters: PARAMETERS,
        program: 'echo "RESULT: %(x)"',
        max_eval: 3,
        parallelism: 1,
        seed: 5,
        strategy: "SOBOL=1,EXTERNAL_GENERATOR",
        executor: "local",
        external_generator: { command: generatorFile(cwd, "hang.py", HANG), timeout: "10m" },
      }),
    );
    const dir = join(cwd, "runs", "sig", "0");
    const pidFile = join(dir, "external_generator_tmp", "0", "child.pid");
    const child = spawn(process.execPath, [CLI, "run", "spec.json", "--quiet"], {
      cwd,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    for (let i = 0; i < 300 && !existsSync(pidFile); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(pidFile)).toBe(true);
    const started = Date.now();
    child.kill("SIGINT");
    const code = await Promise.race([
      exited,
      new Promise<"hung">((r) => setTimeout(() => r("hung"), 20_000)),
    ]);
    if (code === "hung") {
      // Leave nothing running: the CLI, and the generator's process group (the sleep's group).
      child.kill("SIGKILL");
      const sleepPid = readFileSync(pidFile, "utf8");
      const pgid = Number(
        readFileSync(`/proc/${sleepPid}/stat`, "utf8").split(") ")[1]!.split(" ")[2],
      );
      process.kill(-pgid, "SIGKILL");
    }
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await processGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
    expect(calls(dir)[0]!.outcome).toMatchObject({
      ok: false,
      problem: "stopped: the campaign is stopping",
    });
    expect(campaignRow(dir).state).toBe("STOPPED");
    expectIntact(trials(dir));
  });

  it("rejects a proposal equal to an evaluated or pending point and asks again", async () => {
    const cwd = testDir("extdup");
    const same = WRITE('json.dumps({"parameters": {"x": 50, "y": 0.25, "c": "b", "k": 3}})');
    const r = await runSpec(cwd, {
      name: "dup",
      parameters: PARAMETERS,
      program: 'echo "RESULT: %(x)"',
      max_eval: 3,
      parallelism: 1,
      seed: 5,
      strategy: "SOBOL=1,EXTERNAL_GENERATOR",
      executor: "local",
      external_generator: { command: generatorFile(cwd, "same.py", same), max_retries: 1 },
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "dup", "0");
    const rows = trials(dir);
    expect(rows).toHaveLength(3);
    expectIntact(rows);
    expect(JSON.parse(rows[1]!.params_json)).toEqual({ x: 50, y: 0.25, c: "b", k: 3 });
    const made = calls(dir);
    expect(made[0]!.outcome.ok).toBe(true);
    expect(made[1]!.outcome.problem).toMatch(
      /proposed \{x: 50, y: 0\.25, c: b, k: 3\}, equal to an evaluated trial; asking again \(external_generator\.on_duplicate: reject\)/,
    );
    expect(new Set(rows.map((t) => t.params_json)).size).toBe(3);
  });

  it("evaluates a proposal equal to an evaluated point again with on_duplicate: accept", async () => {
    const cwd = testDir("extdupaccept");
    const same = WRITE('json.dumps({"parameters": {"x": 50, "y": 0.25, "c": "b", "k": 3}})');
    const r = await runSpec(cwd, {
      name: "dupacc",
      parameters: PARAMETERS,
      program: 'echo "RESULT: %(x)"',
      max_eval: 3,
      parallelism: 1,
      seed: 5,
      strategy: "SOBOL=1,EXTERNAL_GENERATOR",
      executor: "local",
      external_generator: {
        command: generatorFile(cwd, "same.py", same),
        max_retries: 1,
        on_duplicate: "accept",
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/not honoured|drops a proposal/);
    const rows = trials(join(cwd, "runs", "dupacc", "0"));
    expect(rows).toHaveLength(3);
    expectIntact(rows);
    const point = { x: 50, y: 0.25, c: "b", k: 3 };
    expect(JSON.parse(rows[1]!.params_json)).toEqual(point);
    expect(JSON.parse(rows[2]!.params_json)).toEqual(point);
    expect(rows.map((t) => t.state)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
  });
});

/** Whether the process has ended (gone, or a zombie waiting to be reaped), within a few seconds. */
async function processGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return true;
    }
    if (/^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
