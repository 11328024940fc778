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

/** The program fails unless the flag arrives as the word true or false. */
const PROGRAM = `case "%(flag)" in true) echo "RESULT: %(x)";; false) echo "RESULT: 2";; *) exit 3;; esac`;

describe("Ax's parameter types (real processes, real SQLite)", () => {
  it("boolean choices reach the program as true / false, through the spec (GP after Sobol)", async () => {
    const cwd = testDir("booleans");
    writeFileSync(
      join(cwd, "spec.json"),
      JSON.stringify({
        name: "booleans",
        run_dir: join(cwd, "runs"),
        parameters: [
          { name: "x", type: "range", bounds: [0, 1] },
          { name: "flag", type: "choice", values: [true, false] },
        ],
        program: PROGRAM,
        max_eval: 8,
        parallelism: 2,
        seed: 5,
        executor: "local",
        strategy: "SOBOL=4,GP",
      }),
    );
    const r = await runCli(["run", "spec.json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRecords(
      readFileSync(join(cwd, "runs", "booleans", "0", "results.csv"), "utf8"),
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row.trial_status).toBe("COMPLETED");
      expect(["true", "false"]).toContain(row.flag);
      expect(row.RESULT).toBe(row.flag === "true" ? row.x : "2");
    }
    expect(new Set(rows.map((row) => row.flag)).size).toBe(2);
  });

  it("through the OmniOpt2 flags: a true,false choice runs; == on floats is refused before anything runs", async () => {
    const cwd = testDir("booleanFlags");
    const base = [
      "run",
      "--experiment_name",
      "boolflags",
      "--parameter",
      "x",
      "range",
      "0",
      "1",
      "--parameter",
      "flag",
      "choice",
      "true,false",
      "--run_program",
      PROGRAM,
      "--max_eval",
      "3",
      "--num_parallel_jobs",
      "3",
      "--seed",
      "3",
      "--force_local_execution",
      "--run_dir",
      join(cwd, "runs"),
    ];
    const ok = await runCli(base, { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    const rows = csvRecords(
      readFileSync(join(cwd, "runs", "boolflags", "0", "results.csv"), "utf8"),
    );
    expect(rows.map((row) => row.trial_status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);

    const refused = await runCli(
      [
        ...base.map((a) => (a === "boolflags" ? "eqflags" : a)),
        "--parameter",
        "y",
        "range",
        "0",
        "1",
        "--experiment_constraint",
        Buffer.from("x + y == 1").toString("base64"),
      ],
      { cwd },
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'constraint "x + y == 1": "==" on the continuous parameters "x", "y"',
    );
    expect(refused.stderr).toContain("substitute a variable");
  });
});
