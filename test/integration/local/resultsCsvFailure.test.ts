import Database from "better-sqlite3";
import { readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

describe("results.csv that cannot be written", () => {
  it("does not crash the controller: the campaign completes, status says why, export writes it later", async () => {
    const cwd = testDir("csvfail");
    const dir = join(cwd, "runs", "csvfail", "0");
    const csv = join(dir, "results.csv");
    // The first trial puts a folder where results.csv goes: every later rewrite fails. The
    // controller may write results.csv between the rm and the mkdir: retry until it is a folder.
    const program = `if [ "%(x)" = "1" ]; then until [ -d '${csv}' ]; do rm -f '${csv}'; mkdir '${csv}' 2>/dev/null; done; fi; echo RESULT: %(x)`;
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "csvfail",
        "--force_local_execution",
        "--parameter",
        "x",
        "range",
        "1",
        "4",
        "int",
        "--model",
        "FACTORIAL",
        "--num_random_steps",
        "1",
        "--run_program",
        program,
        "--max_eval",
        "4",
        "--quiet",
        "--no-report",
      ],
      { cwd, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const db = new Database(join(dir, "campaign.db"), { readonly: true });
    try {
      const row = db.prepare("SELECT state FROM campaigns").get() as { state: string };
      expect(row.state).toBe("COMPLETED");
      const n = db.prepare("SELECT count(*) AS n FROM trials WHERE state = 'COMPLETED'").get() as {
        n: number;
      };
      expect(n.n).toBe(4);
    } finally {
      db.close();
    }
    expect(statSync(csv).isDirectory()).toBe(true);
    const status = await runCli(["status", dir], { cwd });
    expect(status.stdout).toMatch(/warning: results\.csv cannot be written \(.*EISDIR/);
    rmdirSync(csv);
    const exported = await runCli(["export", dir], { cwd });
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(csv, "utf8").trim().split("\n")).toHaveLength(5);
    const after = await runCli(["status", dir], { cwd });
    expect(after.stdout).not.toMatch(/results\.csv cannot be written/);
  });
});
