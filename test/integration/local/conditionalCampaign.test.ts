import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

/** results.csv as records (these programs' rows hold no commas or quotes). */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
  return lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i] ?? ""])));
}

/**
 * The program checks what it receives: momentum only with sgd, beta only with adam; an
 * inactive placeholder arrives as its inactive_value text ("none") or empty.
 */
const PROGRAM =
  'opt=%(opt); m="%(momentum)"; b="%(beta)"; ' +
  'if [ "$opt" = sgd ] && [ "$b" = none ] && [ -n "$m" ]; then echo "RESULT: $m"; ' +
  'elif [ "$opt" = adam ] && [ -z "$m" ] && [ "$b" != none ]; then echo "RESULT: $b"; ' +
  "else echo bad: $opt m=$m b=$b >&2; exit 3; fi";

describe("a conditional campaign end to end (real processes, real SQLite)", () => {
  it("runs only active parameters, leaves inactive ones blank in results.csv, null in status --json and 'inactive' in best", async () => {
    const cwd = testDir("conditional");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "cond",
        run_dir: join(cwd, "runs"),
        parameters: [
          { name: "opt", type: "choice", values: ["sgd", "adam"] },
          { name: "momentum", type: "range", bounds: [0.1, 0.9], active_if: "opt == 'sgd'" },
          {
            name: "beta",
            type: "range",
            bounds: [2, 3],
            active_if: "opt == 'adam'",
            inactive_value: "none",
          },
        ],
        program: PROGRAM,
        max_eval: 10,
        parallelism: 2,
        seed: 3,
        executor: "local",
        strategy: "SOBOL=4,GP",
      }),
    );
    const r = await runCli(["run", "spec.json", "--no-report"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, "runs", "cond", "0");
    const rows = csvRecords(readFileSync(join(dir, "results.csv"), "utf8"));
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.trial_status, JSON.stringify(row)).toBe("COMPLETED");
      if (row.opt === "sgd") {
        expect(row.beta).toBe("");
        expect(row.RESULT).toBe(row.momentum);
      } else {
        expect(row.momentum).toBe("");
        expect(row.RESULT).toBe(row.beta);
      }
    }
    expect(new Set(rows.map((row) => row.opt))).toEqual(new Set(["sgd", "adam"]));

    const status = await runCli(["status", dir, "--json"], { cwd });
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as {
      best: { parameters: Record<string, unknown>; results: Record<string, number> }[];
    };
    const best = s.best[0]!;
    // The best is the smallest momentum (sgd); beta was inactive there.
    expect(best.parameters.opt).toBe("sgd");
    expect(best.parameters.beta).toBeNull();
    expect(Object.keys(best.parameters)).toEqual(["opt", "momentum", "beta"]);
    const text = await runCli(["best", dir], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/opt=sgd momentum=\S+ beta=inactive/);
    const human = await runCli(["status", dir], { cwd });
    expect(human.stdout).toMatch(/beta=inactive/);
  });
});
