import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processesByAttemptDir } from "../../../src/executor/processStartTime.js";
import { REPO, runCli, testDir } from "../../helpers/runCli.js";

interface TrialRecord {
  trial_index: number;
  state: string;
  params_json: string;
  results_json: string | null;
  reason: string | null;
  exit_code: number | null;
}

function trials(dir: string): TrialRecord[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT * FROM trials ORDER BY trial_index").all() as TrialRecord[];
  } finally {
    db.close();
  }
}

describe("local campaigns (real processes, real SQLite)", () => {
  it("ends a timed-out, a failing and a NaN trial in the right states with reasons, and finishes", async () => {
    const cwd = testDir("faults");
    const spec = {
      name: "faults",
      parameters: [
        { name: "mode", type: "choice", values: ["ok", "slow", "fail", "nan"] },
        { name: "k", type: "range", bounds: [1, 2], value_type: "int" },
      ],
      program: `case %(mode) in ok) echo "RESULT: %(k)" ;; slow) sleep 60 ;; fail) echo oops >&2; exit 3 ;; nan) echo "RESULT: nan" ;; esac`,
      max_eval: 8,
      parallelism: 4,
      seed: 7,
      worker_timeout: "2s",
      strategy: "FACTORIAL",
      executor: "local",
    };
    writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec));
    const r = await runCli(["run", "spec.json"], { cwd });
    expect(r.stderr).not.toMatch(/unexpected error/);
    const dir = join(cwd, "runs", "faults", "0");
    const rows = trials(dir);
    expect(rows).toHaveLength(8);
    const byMode = (m: string) =>
      rows.filter((t) => (JSON.parse(t.params_json) as { mode: string }).mode === m);
    for (const t of byMode("ok")) expect(t.state).toBe("COMPLETED");
    for (const t of byMode("slow")) {
      expect(t.state).toBe("TIMEOUT");
      expect(t.reason).toMatch(/time-out|timed out/);
    }
    for (const t of byMode("fail")) {
      expect(t.state).toBe("FAILED");
      expect(t.reason).toMatch(/no result line/);
      expect(t.exit_code).toBe(3);
    }
    for (const t of byMode("nan")) {
      expect(t.state).toBe("FAILED");
      expect(t.reason).toMatch(/NaN/i);
    }
    // The timed-out trials' whole process groups were killed: nothing of the campaign runs on.
    const leftovers = [...processesByAttemptDir().keys()].filter((d) => d.startsWith(dir));
    expect(leftovers).toEqual([]);
    const csv = readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(9);
    expect(csv[0]).toMatch(
      /^trial_index,arm_name,submit_time,queue_time,start_time,end_time,run_time,program_string,exit_code,signal,hostname,trial_status,generation_node/,
    );
    const status = await runCli(["status", dir, "--json"], { cwd });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as {
      state: string;
      counts: Record<string, number>;
      best: { results: { RESULT: number } }[];
      recent_failures: unknown[];
    };
    expect(s.state).toBe("COMPLETED");
    expect(s.counts.COMPLETED).toBe(2);
    expect(s.best[0]!.results.RESULT).toBe(1);
    expect(s.recent_failures.length).toBeGreaterThanOrEqual(4);

    // Each attempt keeps the script that ran it (private to the user); running it again by hand
    // repeats the attempt into the same files.
    const ok = byMode("ok")[0]!;
    const attemptDir = join(dir, "jobs", String(ok.trial_index), "1");
    const script = join(attemptDir, "attempt.sh");
    expect(statSync(script).mode & 0o777).toBe(0o600);
    const again = spawnSync("/bin/sh", [script], { encoding: "utf8" });
    expect(again.status).toBe(0);
    expect(again.stderr).toBe("");
    const out = readFileSync(join(attemptDir, "stdout"), "utf8");
    expect(out.match(/^RESULT: \d$/gm)).toHaveLength(2);
  });

  it("runs a campaign given only as OmniOpt2 flags with a base64 run program", async () => {
    const cwd = testDir("omniflags");
    const program = Buffer.from('echo "RESULT: %(x)%(y)"').toString("base64");
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "omni",
        "--parameter",
        "x",
        "range",
        "1",
        "9",
        "int",
        "--parameter",
        "y",
        "choice",
        "5,7",
        "--result_names",
        "RESULT=max",
        "--run_program",
        program,
        "--max_eval",
        "6",
        "--num_parallel_jobs",
        "2",
        "--num_random_steps",
        "6",
        "--model",
        "SOBOL",
        "--seed",
        "3",
        "--force_local_execution",
      ],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = trials(join(cwd, "runs", "omni", "0"));
    expect(rows).toHaveLength(6);
    for (const t of rows) {
      expect(t.state).toBe("COMPLETED");
      const p = JSON.parse(t.params_json) as { x: number; y: string };
      // OmniOpt2's documented form: the two values are concatenated as text.
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: Number(`${p.x}${p.y}`) });
    }
  });

  it("refuses an invalid spec with a message naming the field, and writes nothing", async () => {
    const cwd = testDir("badspec");
    writeFileSync(
      join(cwd, "bad.yaml"),
      "name: bad\nparameters:\n  - {name: lr, type: range, bounds: [0, 0.1], log_scale: true}\nprogram: echo\nmax_eval: 3\n",
    );
    const r = await runCli(["run", "bad.yaml"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"lr": log scale needs bounds > 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, "runs"))).toBe(false);
    const r2 = await runCli(["run", "bad.yaml", "--no-such-flag", "3"], { cwd });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/no-such-flag/);
  });
});

export { REPO };
