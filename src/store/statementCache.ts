import type { Statement } from "better-sqlite3";
import type { Db } from "./openStore.js";

const caches = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, prepared once per database connection (preparing is costly). */
export function sql(db: Db, text: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let s = cache.get(text);
  if (!s) {
    s = db.prepare(text);
    cache.set(text, s);
  }
  return s;
}
