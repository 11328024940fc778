import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

interface Status {
  state: string;
  stop_reason: string | null;
  counts: Record<string, number>;
  hypervolume: { value: number; reference: string } | null;
}

function resultRows(dir: string): number {
  return readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n").length - 1;
}

describe("global stopping, Ax's (real processes, real SQLite)", () => {
  it("through the spec: a campaign that stops improving completes early with exit code 6 and the reason in status", async () => {
    const cwd = testDir("gstop");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "gstop",
        run_dir: join(cwd, "runs"),
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        // the best is found at once: x is ignored
        program: 'echo "RESULT: 1"',
        max_eval: 40,
        parallelism: 2,
        seed: 4,
        executor: "local",
        strategy: "SOBOL",
        stop_when: { no_improvement_in: 4, min_trials: 6, tolerance: 0.01 },
      }),
    );
    const r = await runCli(["run", "spec.json"], { cwd });
    expect(r.code, r.stderr).toBe(6);
    const dir = join(cwd, "runs", "gstop", "0");
    const s = JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as Status;
    expect(s.state).toBe("COMPLETED");
    expect(s.stop_reason).toMatch(
      /^global stopping: the best RESULT improved by 0 times the interquartile range .* over the last 4 completed trials, less than the tolerance 0.01$/,
    );
    // decided at the 6th completed trial; at most the other slot's trial was still running
    expect(s.counts.COMPLETED).toBeGreaterThanOrEqual(6);
    expect(s.counts.COMPLETED).toBeLessThanOrEqual(7);
    expect(resultRows(dir)).toBe(s.counts.COMPLETED);
    const text = (await runCli(["status", dir], { cwd })).stdout;
    expect(text).toContain("state: COMPLETED (global stopping: the best RESULT improved by 0");
  });

  it("through the flags, two objectives: the hypervolume against the objective thresholds stops growing", async () => {
    const cwd = testDir("gstopflags");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "gstopmo",
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        'echo "A: 1"; echo "B: 3"',
        "--result_names",
        "A=min",
        "B=max",
        "--objective_threshold",
        "A <= 2",
        "--objective_threshold",
        "B >= 0",
        "--stop_when_no_improvement_in",
        "3",
        "--stop_when_min_trials",
        "5",
        "--max_eval",
        "30",
        "--num_parallel_jobs",
        "1",
        "--model",
        "SOBOL",
        "--seed",
        "2",
        "--force_local_execution",
        "--run_dir",
        join(cwd, "runs"),
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(6);
    const dir = join(cwd, "runs", "gstopmo", "0");
    const s = JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as Status;
    expect(s.counts.COMPLETED).toBe(5);
    expect(s.stop_reason).toContain("global stopping: the hypervolume grew by 0 (from 3 to 3)");
    // (2 - 1) * (3 - 0)
    expect(s.hypervolume).toEqual({ value: 3, reference: "objective thresholds" });
    const text = (await runCli(["status", dir], { cwd })).stdout;
    expect(text).toContain("hypervolume: 3 (reference: objective thresholds)");
  });
});
