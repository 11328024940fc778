import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

interface Status {
  counts: Record<string, number>;
  best: unknown[];
  hypervolume: { value: number; reference: string } | null;
  generation_ms: { by_node: Record<string, number> };
}

describe("two objectives with the GP (EHVI) (real processes, real SQLite)", () => {
  it("runs Sobol then the GP on a spec with two objectives; status shows the Pareto set and the hypervolume", async () => {
    const cwd = testDir("moehvi");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "moehvi",
        run_dir: join(cwd, "runs"),
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "y", type: "range", bounds: [0, 1] },
        ],
        // A = x, B = 1 - sqrt(x) + y: the front is y = 0
        program: `awk 'BEGIN { print "A: " %(x); print "B: " (1 - sqrt(%(x)) + %(y)) }'`,
        objectives: { A: "min", B: "min" },
        max_eval: 9,
        parallelism: 1,
        seed: 8,
        executor: "local",
        strategy: "SOBOL=5,GP",
      }),
    );
    const r = await runCli(["run", "spec.json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "moehvi", "0");
    const s = JSON.parse((await runCli(["status", dir, "--json"], { cwd })).stdout) as Status;
    expect(s.counts.COMPLETED).toBe(9);
    expect(Object.keys(s.generation_ms.by_node).sort()).toEqual(["GP", "SOBOL"]);
    expect(s.best.length).toBeGreaterThan(0);
    expect(s.hypervolume?.reference).toBe("observed nadir");
    expect(s.hypervolume!.value).toBeGreaterThan(0);
    // results.csv: the hypervolume after each trial, never falling, ending at status's
    const [header, ...lines] = readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n");
    const col = header!.split(",").indexOf("hypervolume");
    expect(col).toBeGreaterThan(0);
    const hv = lines.map((l) => Number(l.split(",")[col]));
    expect(hv).toHaveLength(9);
    for (let i = 1; i < hv.length; i++) expect(hv[i]).toBeGreaterThanOrEqual(hv[i - 1]!);
    expect(hv[8]).toBeCloseTo(s.hypervolume!.value, 6);
  });
});
