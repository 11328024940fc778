import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

/** Prints the objective with its SEM, the metrics MEM (= y) and COST, and an undeclared line. */
const SCRIPT =
  'echo "RESULT: $1"; echo "SEM-RESULT: 0.125"; echo "MEM: $2"; echo "COST: 3"; echo "epoch: 7"\n';
const PROGRAM = "bash prog.sh %(x) %(y)";

/** results.csv as records (this program's rows hold no commas or quotes). */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
  return lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i] ?? ""])));
}

interface Status {
  best: { results: Record<string, number>; sems: Record<string, number>; feasible: boolean }[];
  infeasible: number;
}

describe("outcome constraints and tracking metrics (real processes, real SQLite)", () => {
  it("stores metrics, SEMs and other printed lines; breaking trials are COMPLETED but infeasible and never best", async () => {
    const cwd = testDir("outcon");
    writeFileSync(join(cwd, "prog.sh"), SCRIPT);
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "outcon",
        run_dir: join(cwd, "runs"),
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "y", type: "range", bounds: [0, 1] },
        ],
        program: PROGRAM,
        max_eval: 8,
        parallelism: 4,
        seed: 11,
        executor: "local",
        strategy: "SOBOL",
        tracking_metrics: ["COST"],
      }),
    );
    // the constraint through the flag, the tracking metric through the spec
    const r = await runCli(["run", "spec.json", "--outcome_constraint", "MEM <= 0.5"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "outcon", "0");
    const rows = csvRecords(readFileSync(join(dir, "results.csv"), "utf8"));
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row.trial_status).toBe("COMPLETED");
      expect(row.MEM).toBe(row.y);
      expect(row.COST).toBe("3");
      expect(row["SEM-RESULT"]).toBe("0.125");
      expect(row.printed_epoch).toBe("7");
      expect(row.feasible).toBe(String(Number(row.y) <= 0.5));
    }
    const infeasible = rows.filter((row) => row.feasible === "false");
    expect(infeasible.length).toBeGreaterThan(0);
    const s = JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as Status;
    expect(s.infeasible).toBe(infeasible.length);
    const feasibleBest = Math.min(
      ...rows.filter((row) => row.feasible === "true").map((row) => Number(row.RESULT)),
    );
    expect(s.best).toHaveLength(1);
    expect(s.best[0]!.results.RESULT).toBe(feasibleBest);
    expect(s.best[0]!.feasible).toBe(true);
    expect(s.best[0]!.sems.RESULT).toBe(0.125);
    const text = (await runCli(["status", dir], { cwd })).stdout;
    expect(text).toContain(
      `infeasible: ${infeasible.length} completed trial(s) break an outcome constraint`,
    );
    expect(text).toContain("RESULT=" + String(feasibleBest) + " ±0.125");
  });

  it("refuses a constraint on an objective and an unreadable one before writing anything", async () => {
    const cwd = testDir("outcon-bad");
    const base = [
      "run",
      "--experiment_name",
      "bad",
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "--run_program",
      PROGRAM,
      "--max_eval",
      "2",
    ];
    const onObjective = await runCli([...base, "--outcome_constraint", "RESULT <= 1"], { cwd });
    expect(onObjective.code).toBe(2);
    expect(onObjective.stderr).toMatch(/constrains the objective RESULT/);
    const unreadable = await runCli([...base, "--outcome_constraint", "MEM < 1"], { cwd });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read the outcome constraint "MEM < 1"/);
  });
});
