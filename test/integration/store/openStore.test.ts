import Database from "better-sqlite3";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StateError } from "../../../src/errors/errors.js";
import { journalModeFor } from "../../../src/store/journalMode.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";
import { migrate, openStore } from "../../../src/store/openStore.js";

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-store-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function tables(db: Database.Database): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe("openStore", () => {
  it("creates a private database at the latest schema version with WAL on a local disk", () => {
    const path = join(work, "new.db");
    const db = openStore(path, { create: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(tables(db)).toEqual([
        "attempts",
        "campaign_events",
        "campaigns",
        "output_marks",
        "trial_progress",
        "trials",
      ]);
      expect(String(db.pragma("journal_mode", { simple: true })).toUpperCase()).toBe(
        journalModeFor(work),
      );
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it("migrates a database of schema version 1 (before progress values) to the latest", () => {
    const path = join(work, "v1.db");
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0] as string);
    raw.pragma("user_version = 1");
    raw.close();
    const db = openStore(path, { create: false });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(tables(db)).toContain("trial_progress");
    } finally {
      db.close();
    }
  });

  it("migrates version-2 attempt directories to paths relative to the campaign folder", () => {
    const path = join(work, "v2.db");
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0] as string);
    raw.exec(MIGRATIONS[1] as string);
    raw.pragma("user_version = 2");
    raw.exec(`INSERT INTO campaigns (uid, name, dir, spec_json, state, created_at, updated_at)
      VALUES ('u1', 'n', '/old/runs/n/0', '{}', 'RUNNING', 1, 1);
      INSERT INTO trials (campaign_id, trial_index, state, params_json, generator, generation_node, node_position, created_at)
      VALUES (1, 0, 'COMPLETED', '{}', 'sobol', 'SOBOL', 0, 1), (1, 12, 'RUNNING', '{}', 'sobol', 'SOBOL', 0, 1);
      INSERT INTO attempts (trial_id, attempt_no, state, executor, job_name, dir) VALUES
        (1, 1, 'FINISHED', 'local', 'j0', '/old/runs/n/0/jobs/0/1'),
        (2, 2, 'RUNNING', 'slurm', 'j12', '/scratch/me/n/u1/jobs/12/2/'),
        (2, 3, 'CREATED', 'slurm', 'j12b', '/somewhere/else');`);
    raw.close();
    const db = openStore(path, { create: false });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare(`SELECT dir FROM attempts ORDER BY id`).all()).toEqual([
        { dir: "jobs/0/1" },
        { dir: "jobs/12/2" },
        { dir: "/somewhere/else" },
      ]);
    } finally {
      db.close();
    }
  });

  it("opens an existing database again without re-running migrations", () => {
    const path = join(work, "again.db");
    const first = openStore(path, { create: true });
    first
      .prepare(
        `INSERT INTO campaigns (uid, name, dir, spec_json, state, created_at, updated_at)
      VALUES ('u1', 'n', '/d', '{}', 'RUNNING', 1, 1)`,
      )
      .run();
    first.close();
    const second = openStore(path, { create: false });
    try {
      expect(second.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(second.prepare(`SELECT COUNT(*) AS n FROM campaigns`).get()).toEqual({ n: 1 });
    } finally {
      second.close();
    }
  });

  it("refuses a missing database when not creating, naming the path and what to pass", () => {
    const path = join(work, "missing", "campaign.db");
    let error: unknown;
    try {
      openStore(path, { create: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).code).toBe("CAMPAIGN_NOT_FOUND");
    expect((error as Error).message).toContain(`no campaign database at ${path}`);
    expect((error as Error).message).toContain("runs/<name>/<N>");
  });

  it("refuses a database from a newer slurmopt", () => {
    const path = join(work, "newer.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openStore(path, { create: false })).toThrow(
      new RegExp(
        `schema version ${MIGRATIONS.length + 1}, newer than this slurmopt knows .*upgrade slurmopt`,
      ),
    );
  });

  it("wraps a file that is not a database in a StateError", () => {
    const path = join(work, "garbage.db");
    writeFileSync(path, "this is not sqlite, not at all; ".repeat(200));
    let error: unknown;
    try {
      openStore(path, { create: false }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).code).toBe("STORE_ERROR");
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot use ${path}: file is not a database; is it a campaign database`),
    );
  });

  it("opens read-only without migrating or writing", () => {
    const path = join(work, "ro.db");
    openStore(path, { create: true }).close();
    const db = openStore(path, { create: false, readonly: true });
    try {
      expect(() => db.prepare(`DELETE FROM campaigns`).run()).toThrow(/readonly/i);
    } finally {
      db.close();
    }
  });
});

describe("migrate", () => {
  it("brings a version-0 database to the latest version", () => {
    const db = new Database(":memory:");
    migrate(db, ":memory:");
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(tables(db)).toContain("trials");
    db.close();
  });

  it("rolls a failing migration back completely and keeps the old version", () => {
    const db = new Database(":memory:");
    // A table the first migration also creates: its CREATE fails half-way.
    db.exec(`CREATE TABLE attempts (x INTEGER)`);
    expect(() => migrate(db, "test.db")).toThrow(/already exists/);
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    // campaigns and trials were created before the failure; the rollback removed them
    expect(tables(db)).toEqual(["attempts"]);
    db.close();
  });
});

describe("journal mode of a real folder", () => {
  it("follows symbolic links to the mount the folder really lies on", () => {
    const real = join(work, "real-nfs");
    mkdirSync(real);
    const link = join(work, "link-to-nfs");
    symlinkSync(real, link);
    const mounts = `overlay / overlay rw 0 0\nsrv:/export ${real} nfs4 rw 0 0\n`;
    expect(journalModeFor(link, mounts)).toBe("DELETE");
    expect(journalModeFor(join(link, "."), mounts)).toBe("DELETE");
    expect(journalModeFor(work, mounts)).toBe("WAL");
  });
});
