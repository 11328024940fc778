/**
 * Counts the rows better-sqlite3 hands to slurmopt's code while a function runs, across every
 * connection: each `.get()` row, each `.all()` result (and the largest one), each row an
 * `.iterate()` yields. For tests that the bounded paths are used: a resume of a finished
 * campaign reads a few rows, and the output writers stream rows instead of listing them.
 */
import Database from "better-sqlite3";
import { vi } from "vitest";

export interface RowCount {
  /** Rows read in all: gets, all() results and iterated rows. */
  rows: number;
  /** Rows iterated one at a time. */
  iterated: number;
  /** The largest single all() result: rows that were in memory together. */
  largestAll: number;
}

export async function countStatementRows<T>(
  f: () => T | Promise<T>,
): Promise<{ result: T; count: RowCount }> {
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Database.Statement;
  probe.close();
  const count: RowCount = { rows: 0, iterated: 0, largestAll: 0 };
  // The originals, called with each statement as `this` below.
  /* eslint-disable @typescript-eslint/unbound-method */
  const get = proto.get;
  const all = proto.all;
  const iterate = proto.iterate;
  /* eslint-enable @typescript-eslint/unbound-method */
  const spies = [
    vi.spyOn(proto, "get").mockImplementation(function (this: Database.Statement, ...args) {
      const row: unknown = get.apply(this, args);
      if (row !== undefined) count.rows++;
      return row;
    }),
    vi.spyOn(proto, "all").mockImplementation(function (this: Database.Statement, ...args) {
      const rows = all.apply(this, args);
      count.rows += rows.length;
      count.largestAll = Math.max(count.largestAll, rows.length);
      return rows;
    }),
    vi.spyOn(proto, "iterate").mockImplementation(function* (this: Database.Statement, ...args) {
      for (const row of iterate.apply(this, args)) {
        count.rows++;
        count.iterated++;
        yield row;
      }
    }),
  ];
  try {
    return { result: await f(), count };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
