/**
 * A campaign folder moved or copied between runs (src/session/campaignFolderCheck.ts), through
 * the CLI with real local trials and the real SQLite store.
 */
import Database from "better-sqlite3";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localRunArgs, runCli, testDir } from "../../helpers/runCli.js";

interface Stored {
  uid: string;
  dir: string;
  trials: { trial_index: number; state: string; attempts: number }[];
  attemptDirs: string[];
}

function stored(dir: string): Stored {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    const c = db.prepare(`SELECT uid, dir FROM campaigns`).get() as { uid: string; dir: string };
    const trials = db
      .prepare(
        `SELECT t.trial_index, t.state, (SELECT COUNT(*) FROM attempts a WHERE a.trial_id = t.id) AS attempts
           FROM trials t ORDER BY t.trial_index`,
      )
      .all() as Stored["trials"];
    const attemptDirs = (
      db.prepare(`SELECT dir FROM attempts ORDER BY id`).all() as { dir: string }[]
    ).map((r) => r.dir);
    return { ...c, trials, attemptDirs };
  } finally {
    db.close();
  }
}

const done = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ trial_index: i, state: "COMPLETED", attempts: 1 }));

describe("a moved or copied campaign folder", () => {
  it("resumes a moved folder in place, refuses a copy, and runs a copy with --as-copy under its own uid", async () => {
    const cwd = testDir("campaign-folder");
    const first = await runCli(localRunArgs("mv", "echo RESULT: %x", 2), {
      cwd,
      timeoutMs: 120_000,
    });
    expect(first.code, first.stderr).toBe(0);
    const original = join(cwd, "runs", "mv", readdirSync(join(cwd, "runs", "mv"))[0]!);
    const before = stored(original);
    expect(before.attemptDirs).toEqual(["jobs/0/1", "jobs/1/1"]);

    // Moved: the old folder is gone.
    mkdirSync(join(cwd, "elsewhere"));
    const moved = join(cwd, "elsewhere", "mv-moved");
    renameSync(original, moved);
    const resumed = await runCli(["resume", moved, "--max_eval", "3", "--quiet"], {
      cwd,
      timeoutMs: 120_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = stored(moved);
    expect(after.trials).toEqual(done(3));
    expect(after.uid).toBe(before.uid);
    expect(after.dir).toBe(moved);
    expect(existsSync(join(moved, "jobs", "2", "1", "stdout"))).toBe(true);
    expect(existsSync(original)).toBe(false);

    // Copied while the original is still there: refused, nothing written.
    const copy = join(cwd, "elsewhere", "mv-copy");
    cpSync(moved, copy, { recursive: true });
    const refused = await runCli(["resume", copy, "--max_eval", "4", "--quiet"], {
      cwd,
      timeoutMs: 120_000,
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`is a copy of the campaign in ${moved}`);
    expect(refused.stderr).toContain("--as-copy");
    expect(stored(copy)).toEqual(stored(moved));

    // --as-copy: a uid and folder of its own; the original is untouched.
    const asCopy = await runCli(["resume", "--as-copy", copy, "--max_eval", "4", "--quiet"], {
      cwd,
      timeoutMs: 120_000,
    });
    expect(asCopy.code, asCopy.stderr).toBe(0);
    const c = stored(copy);
    expect(c.uid).not.toBe(before.uid);
    expect(c.dir).toBe(copy);
    expect(c.trials).toEqual(done(4));
    expect(existsSync(join(copy, "jobs", "3", "1", "stdout"))).toBe(true);
    expect(stored(moved).trials).toEqual(done(3));
    expect(existsSync(join(moved, "jobs", "3"))).toBe(false);
  });
});
