import Database from "better-sqlite3";
import { chmodSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { StateError } from "../errors/errors.js";
import { journalModeFor } from "../store/journalMode.js";

/**
 * What the daemon should do with a campaign, kept across restarts:
 * drive: drive it (again, after a restart); stopped: left alone until adopted again (slurmopt
 * stop/cancel, or the campaign failed); done: it ended (completed, failed, cancelled).
 */
export type Wanted = "drive" | "stopped" | "done";

export interface RegistryRow {
  dir: string;
  uid: string;
  name: string;
  added_at: number;
  wanted: Wanted;
  paused: 0 | 1;
  final_state: string | null;
  last_error: string | null;
  /** Why the folder cannot be used (gone, unreadable); null when it can. */
  missing: string | null;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE campaigns (
     dir TEXT PRIMARY KEY,
     uid TEXT NOT NULL,
     name TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     wanted TEXT NOT NULL CHECK (wanted IN ('drive', 'stopped', 'done')),
     paused INTEGER NOT NULL DEFAULT 0,
     final_state TEXT,
     last_error TEXT,
     missing TEXT
   )`,
];

/**
 * The daemon's registry of campaigns: registry.db in the state folder. Every change is one
 * statement (atomic); synchronous=FULL, so what a reply confirmed survives a power cut too.
 */
export class Registry {
  private readonly db: Database.Database;

  constructor(path: string) {
    const fresh = !existsSync(path);
    try {
      this.db = new Database(path);
      if (fresh) chmodSync(path, 0o600);
      this.db.pragma("busy_timeout = 10000");
      this.db.pragma(`journal_mode = ${journalModeFor(dirname(path))}`);
      this.db.pragma("synchronous = FULL");
      const version = this.db.pragma("user_version", { simple: true }) as number;
      for (let v = version; v < MIGRATIONS.length; v++)
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]!);
          this.db.pragma(`user_version = ${v + 1}`);
        })();
    } catch (e) {
      throw new StateError(
        "STORE_ERROR",
        `cannot use the daemon's registry ${path}: ${(e as Error).message}; move it away and adopt the campaigns again ("slurmopt adopt <dir>")`,
        { cause: e },
      );
    }
  }

  /** Registers a campaign to drive (again): a known folder keeps its row, unpaused, errors cleared. */
  upsert(c: { dir: string; uid: string; name: string }, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO campaigns (dir, uid, name, added_at, wanted) VALUES (?, ?, ?, ?, 'drive')
         ON CONFLICT(dir) DO UPDATE SET uid = excluded.uid, name = excluded.name,
           wanted = 'drive', final_state = NULL, last_error = NULL, missing = NULL`,
      )
      .run(c.dir, c.uid, c.name, now);
  }

  get(dir: string): RegistryRow | null {
    return (
      (this.db.prepare(`SELECT * FROM campaigns WHERE dir = ?`).get(dir) as
        RegistryRow | undefined) ?? null
    );
  }

  all(): RegistryRow[] {
    return this.db.prepare(`SELECT * FROM campaigns ORDER BY added_at, dir`).all() as RegistryRow[];
  }

  setWanted(dir: string, wanted: Wanted, finalState: string | null = null): void {
    this.db
      .prepare(`UPDATE campaigns SET wanted = ?, final_state = ? WHERE dir = ?`)
      .run(wanted, finalState, dir);
  }

  setPaused(dir: string, paused: boolean): void {
    this.db.prepare(`UPDATE campaigns SET paused = ? WHERE dir = ?`).run(paused ? 1 : 0, dir);
  }

  setError(dir: string, message: string | null): void {
    this.db.prepare(`UPDATE campaigns SET last_error = ? WHERE dir = ?`).run(message, dir);
  }

  setMissing(dir: string, reason: string | null): void {
    this.db.prepare(`UPDATE campaigns SET missing = ? WHERE dir = ?`).run(reason, dir);
  }

  /** Housekeeping: folds the write-ahead log back into registry.db and truncates it. */
  compact(): void {
    if (this.db.pragma("journal_mode", { simple: true }) === "wal")
      this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    this.db.close();
  }
}
