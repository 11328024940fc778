import Database from "better-sqlite3";
import { chmodSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { StateError } from "../errors/errors.js";
import { journalModeFor } from "./journalMode.js";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file when missing (run); false for status/export/resume. */
  create: boolean;
  readonly?: boolean;
}

/**
 * Opens (and migrates) a campaign database. WAL on local disks; a rollback journal on network
 * filesystems (NFS, Lustre, GPFS...), where WAL's shared memory is unsafe. The file is private
 * to the user (0600).
 */
export const IN_MEMORY = ":memory:";

export function openStore(path: string, options: OpenOptions): Db {
  const memory = path === IN_MEMORY;
  const exists = !memory && existsSync(path);
  if (!exists && !options.create)
    throw new StateError(
      "CAMPAIGN_NOT_FOUND",
      `no campaign database at ${path}; pass the campaign folder that "slurmopt run" created (runs/<name>/<N>)`,
    );
  let db: Db;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: !options.create,
    });
  } catch (e) {
    throw new StateError("STORE_ERROR", `cannot open ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    if (!exists && !memory) chmodSync(path, 0o600);
    db.pragma("busy_timeout = 10000");
    // better-sqlite3 opens lazily: a file that is not a database fails here, not above.
    db.pragma("schema_version");
    if (options.readonly) {
      // status and export read without migrating: an empty file is no campaign.
      if ((db.pragma("user_version", { simple: true }) as number) === 0)
        throw new StateError(
          "STORE_ERROR",
          `${path} holds no campaign (empty, or not written by slurmopt); give the folder that "slurmopt run" created`,
        );
      return db;
    }
    if (!memory) db.pragma(`journal_mode = ${journalModeFor(dirname(path))}`);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, path);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StateError) throw e;
    throw new StateError(
      "STORE_ERROR",
      `cannot use ${path}: ${(e as Error).message}; is it a campaign database written by slurmopt?`,
      { cause: e },
    );
  }
}

export function migrate(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length)
    throw new StateError(
      "STORE_ERROR",
      `${path} has schema version ${version}, newer than this slurmopt knows (${MIGRATIONS.length}); upgrade slurmopt`,
    );
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const step = MIGRATIONS[v]!;
      if (typeof step === "string") db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
