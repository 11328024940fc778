import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

interface Status {
  state: string;
  counts: Record<string, number>;
  trials: {
    trial_index: number;
    state: string;
    results: Record<string, number>;
    reason: string | null;
  }[];
}

/**
 * Trials 0-2 are good: RESULT@1..4 = 1, then RESULT: 1. The others are bad: RESULT@s = 5 for
 * s = 1..40 (a long run), then RESULT: 5. With the median rule and min_trials 2, the good ones
 * are never worse than the median of the others at a step, and every bad one is worse than the
 * median (1) of the trials before it at step 1, whatever the timing.
 */
export const CURVE_PROGRAM = [
  'if [ "$SLURMOPT_TRIAL_INDEX" -lt 3 ]; then v=1; n=4; else v=5; n=40; fi',
  's=1; while [ "$s" -le "$n" ]; do echo "RESULT@$s: $v"; sleep 0.25; s=$((s + 1)); done',
  'echo "RESULT: $v"',
].join("; ");

describe("early stopping from progress lines (real processes, real SQLite)", () => {
  it("cancels the bad trials as EARLY_STOPPED with their last progress value; the good ones complete", async () => {
    const cwd = testDir("estop");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "estop",
        run_dir: join(cwd, "runs"),
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        program: CURVE_PROGRAM,
        max_eval: 6,
        parallelism: 2,
        seed: 3,
        executor: "local",
        strategy: "SOBOL",
        early_stopping: { strategy: "median", min_progression: 1, min_trials: 2 },
      }),
    );
    const r = await runCli(["run", "spec.json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "estop", "0");
    const s = JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as Status;
    expect(s.state).toBe("COMPLETED");
    expect(s.counts.COMPLETED).toBe(3);
    expect(s.counts.EARLY_STOPPED).toBe(3);
    const db = new Database(join(dir, "campaign.db"), { readonly: true });
    const trials = (
      db.prepare(`SELECT trial_index, state, results_json, reason FROM trials`).all() as {
        trial_index: number;
        state: string;
        results_json: string;
        reason: string | null;
      }[]
    ).map((t) => ({ ...t, results: JSON.parse(t.results_json) as Record<string, number> }));
    expect(trials).toHaveLength(6);
    for (const t of trials) {
      if (t.trial_index < 3) {
        expect(t.state).toBe("COMPLETED");
        expect(t.results).toEqual({ RESULT: 1 });
      } else {
        expect(t.state).toBe("EARLY_STOPPED");
        // the last progress value, kept as data
        expect(t.results).toEqual({ RESULT: 5 });
        expect(t.reason).toMatch(
          /^early stopped: RESULT@\d+ = 5 worse than the median 1 of \d+ other trial\(s\) at that step$/,
        );
      }
    }
    // progress values stored per trial and step
    const rows = db
      .prepare(
        `SELECT t.trial_index AS i, COUNT(*) AS n, MAX(p.step) AS last FROM trial_progress p
           JOIN trials t ON t.id = p.trial_id GROUP BY t.trial_index ORDER BY t.trial_index`,
      )
      .all() as { i: number; n: number; last: number }[];
    db.close();
    expect(rows.slice(0, 3)).toEqual([0, 1, 2].map((i) => ({ i, n: 4, last: 4 })));
    // each bad one was stopped before the end of its run
    for (const row of rows.slice(3)) expect(row.last).toBeLessThan(40);
    const csv = readFileSync(join(dir, "results.csv"), "utf8");
    expect(csv.split("\n").filter((l) => l.includes("EARLY_STOPPED"))).toHaveLength(3);
    const text = (await runCli(["status", dir], { cwd })).stdout;
    expect(text).toContain("3 completed, 3 early stopped,");
  });
});
