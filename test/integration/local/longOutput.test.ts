import Database from "better-sqlite3";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";

const MARKER = /\.\.\. \[truncated: \d+ more characters\]/;

describe("a program's megabytes of output never reach the store, results.csv or the log whole", () => {
  it("truncates a 5 MB result line and 5 MB of stderr in every reason and message, with a visible marker", async () => {
    const cwd = testDir("long-output");
    // RESULT followed by 5 MB of text that is no number, 5 MB on stderr, exit 1.
    writeFileSync(
      join(cwd, "loud.mjs"),
      [
        'process.stderr.write("e".repeat(5_000_000));',
        'process.stdout.write("RESULT: " + "b".repeat(5_000_000) + "\\n");',
        "process.exitCode = 1;",
      ].join("\n"),
    );
    const r = await runCli(
      [
        "run",
        "--experiment_name",
        "loud",
        "--parameter",
        "x",
        "range",
        "0",
        "1",
        "--run_program",
        "node loud.mjs %(x)",
        "--max_eval",
        "1",
        "--force_local_execution",
        "--no-report",
      ],
      { cwd, timeoutMs: 180_000 },
    );
    expect(r.code, r.stderr).toBe(89); // its only trial failed
    const dir = join(cwd, "runs", "loud", "0");
    const db = new Database(join(dir, "campaign.db"), { readonly: true });
    try {
      const texts = [
        ...db.prepare("SELECT reason AS t FROM trials").all(),
        ...db.prepare("SELECT reason AS t FROM attempts").all(),
        ...db.prepare("SELECT message AS t FROM campaign_events").all(),
        ...db.prepare("SELECT stop_reason AS t FROM campaigns").all(),
      ].map((row) => (row as { t: string | null }).t ?? "");
      for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
      const reason = (db.prepare("SELECT reason FROM trials").get() as { reason: string }).reason;
      expect(reason).toMatch(/RESULT is not a number \("b+/);
      expect(reason).toMatch(MARKER);
    } finally {
      db.close();
    }
    const csv = readFileSync(join(dir, "results.csv"), "utf8");
    expect(csv.length).toBeLessThan(20_000);
    expect(csv).toMatch(MARKER);
    const log = readFileSync(join(dir, "slurmopt.log"), "utf8");
    expect(statSync(join(dir, "slurmopt.log")).size).toBeLessThan(50_000);
    expect(log).toMatch(MARKER);
    // The whole output stays in the attempt's files.
    expect(statSync(join(dir, "jobs", "0", "1", "stdout")).size).toBeGreaterThan(5_000_000);
  });
});
