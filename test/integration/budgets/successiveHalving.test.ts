/**
 * Successive halving end to end: real local campaigns of a SMAC-style script (real processes,
 * real SQLite) that records every --budget= it receives.
 */
import Database from "better-sqlite3";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli, testDir } from "../../helpers/runCli.js";

/** The script: appends "trial budget x seed" to calls.log, cost better near x = 0.3 and with budget. */
const TARGET = `#!/bin/sh
trial=$SLURMOPT_TRIAL_INDEX
for a in "$@"; do
  case "$a" in
    --budget=*) budget=\${a#--budget=} ;;
    --x=*) x=\${a#--x=} ;;
    --seed=*) seed=\${a#--seed=} ;;
  esac
done
echo "$trial $budget $x $seed" >> calls.log
cost=$(awk -v x="$x" -v b="$budget" 'BEGIN { d = x - 0.3; printf "%.12g", d * d + 1 / b }')
echo "cost=$cost; status=SUCCESS"
`;

interface Row {
  trial_index: number;
  state: string;
  params_json: string;
  results_json: string | null;
  budget: number;
  bracket: number;
  rung: number;
  parent_index: number | null;
  config_index: number;
  start_time: number;
  end_time: number;
  generation_node: string;
}

interface Call {
  trial: number;
  budget: number;
  x: string;
  seed: string;
}

function setUp(name: string, maxEval: number, parallelism: number): { cwd: string; spec: string } {
  const cwd = testDir(name);
  writeFileSync(join(cwd, "target.sh"), TARGET, { mode: 0o755 });
  writeFileSync(
    join(cwd, "spec.json"),
    JSON.stringify({
      name,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "./target.sh",
      program_style: "smac",
      budget: { min: 1, max: 9, eta: 3 },
      max_eval: maxEval,
      parallelism,
      seed: 4,
      strategy: "SOBOL",
      executor: "local",
    }),
  );
  return { cwd, spec: "spec.json" };
}

function rows(dir: string): Row[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT * FROM trials ORDER BY trial_index").all() as Row[];
  } finally {
    db.close();
  }
}

function calls(cwd: string): Call[] {
  return readFileSync(join(cwd, "calls.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const [trial, budget, x, seed] = l.split(" ");
      return { trial: Number(trial), budget: Number(budget), x: x!, seed: seed! };
    });
}

const cost = (r: Row): number => (JSON.parse(r.results_json!) as { RESULT: number }).RESULT;

/**
 * Asserts successive halving per bracket: 9 trials at budget 1, then the best 3 of them at 3,
 * started after all 9 had ended, then the best of those at 9, started after the 3 had ended.
 */
function expectSuccessiveHalving(all: readonly Row[], brackets: number): void {
  expect(all.every((r) => r.state === "COMPLETED")).toBe(true);
  for (let b = 0; b < brackets; b++) {
    const inBracket = all.filter((r) => r.bracket === b);
    const rung = (k: number): Row[] => inBracket.filter((r) => r.rung === k);
    expect([0, 1, 2].map((k) => rung(k).length)).toEqual([9, 3, 1]);
    expect([0, 1, 2].map((k) => [...new Set(rung(k).map((r) => r.budget))])).toEqual([
      [1],
      [3],
      [9],
    ]);
    for (let k = 0; k < 2; k++) {
      const below = rung(k);
      const up = rung(k + 1);
      const best = [...below].sort((p, q) => cost(p) - cost(q) || p.trial_index - q.trial_index);
      // the promoted configurations are the best 1/3 of the rung below, and run its points again
      expect(up.map((r) => r.parent_index).sort()).toEqual(
        best
          .slice(0, up.length)
          .map((r) => r.trial_index)
          .sort(),
      );
      for (const r of up) {
        const parent = below.find((p) => p.trial_index === r.parent_index)!;
        expect(r.params_json).toBe(parent.params_json);
        expect(r.config_index).toBe(parent.config_index);
        expect(r.generation_node).toBe("PROMOTED");
        // synchronous within the bracket: no promotion before the whole rung had ended
        expect(r.start_time).toBeGreaterThanOrEqual(Math.max(...below.map((p) => p.end_time)));
      }
    }
  }
}

describe("successive halving with a SMAC-style program", () => {
  it("gives --budget= 1, 3, 9 rung by rung, promoting the best third of each rung, and the best is a budget-9 trial", async () => {
    const { cwd, spec } = setUp("sh", 26, 4);
    const r = await runCli(["run", spec, "--quiet"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "sh", "0");
    const all = rows(dir);
    expect(all).toHaveLength(26);
    expectSuccessiveHalving(all, 2);

    // what the program received: each trial exactly once, its stored budget as --budget=, and a
    // configuration's seed at every budget
    const received = calls(cwd);
    expect(received.map((c) => c.trial).sort((a, b) => a - b)).toEqual(
      all.map((t) => t.trial_index),
    );
    for (const c of received) {
      const row = all.find((t) => t.trial_index === c.trial)!;
      expect(c.budget).toBe(row.budget);
      const first = received.find((d) => d.trial === row.config_index)!;
      expect(c.seed).toBe(first.seed);
      expect(Number(c.x)).toBe((JSON.parse(row.params_json) as { x: number }).x);
    }
    const counts = (b: number): number => received.filter((c) => c.budget === b).length;
    expect([counts(1), counts(3), counts(9)]).toEqual([18, 6, 2]);

    // the best trial is chosen at the max budget only
    const best = await runCli(["best", dir, "--json"], { cwd });
    expect(best.code, best.stderr).toBe(0);
    const top = all.filter((t) => t.budget === 9).sort((p, q) => cost(p) - cost(q))[0]!;
    expect(best.stdout).toContain(`"trial_index": ${top.trial_index}`);
    const status = await runCli(["status", dir], { cwd });
    expect(status.stdout).toContain(
      "budgets (successive halving, eta 3): rung 0 at 1: 18 trial(s), 18 completed; rung 1 at 3: 6 trial(s), 6 completed; rung 2 at 9: 2 trial(s), 2 completed",
    );
    const csv = readFileSync(join(dir, "results.csv"), "utf8").split("\n");
    expect(csv[0]).toContain(",reason,budget,bracket,rung,parent_trial,config_trial,");
  });

  it.each([
    // killed right after the first promotion was stored, before it was submitted
    ["after-trial-rows", "9"],
    // killed after the last bottom-rung trial ended, before its result was written
    ["collect-before-write", "8"],
  ])(
    "resumes a controller killed mid-bracket (%s) and finishes the bracket, each trial run once",
    async (point, skip) => {
      const { cwd, spec } = setUp(`shk${skip}`, 13, 1);
      const first = startCli(["run", spec, "--quiet"], cwd, {
        SLURMOPT_FAULT_POINT: point,
        SLURMOPT_FAULT_SKIP: skip,
      });
      expect(await first.ended, first.stderr()).toBe(null); // SIGKILL
      const dir = join(cwd, "runs", `shk${skip}`, "0");
      const before = rows(dir);
      if (point === "after-trial-rows") {
        // the first promotion is stored (rung 1, budget 3), its submission not recorded (the
        // background submitter may have started it just before the kill)
        expect(before).toHaveLength(10);
        expect(before[9]).toMatchObject({ rung: 1, budget: 3, state: "PROPOSED" });
        expect(calls(cwd).length).toBeLessThanOrEqual(10);
      } else {
        // the last bottom-rung trial ran, but its end is not stored: nothing promoted yet
        expect(before).toHaveLength(9);
        expect(before[8]!.state).not.toBe("COMPLETED");
        expect(calls(cwd)).toHaveLength(9);
      }
      const r = await runCli(["resume", dir, "--quiet"], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const all = rows(dir);
      expect(all).toHaveLength(13);
      expectSuccessiveHalving(all, 1);
      const received = calls(cwd).map((c) => c.trial);
      expect(received.sort((a, b) => a - b)).toEqual(all.map((t) => t.trial_index));
    },
  );
});
