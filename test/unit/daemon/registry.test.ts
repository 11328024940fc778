import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "../../../src/daemon/registry.js";

const open: Registry[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function registry(): { r: Registry; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), "registry-")), "registry.db");
  const r = new Registry(path);
  open.push(r);
  return { r, path };
}

describe("the daemon's registry", () => {
  it("keeps what to do with each campaign; adopting again clears the end and the error", () => {
    const { r } = registry();
    r.upsert({ dir: "/c/1", uid: "u1", name: "one" }, 1);
    r.setPaused("/c/1", true);
    r.setWanted("/c/1", "done", "COMPLETED");
    r.setError("/c/1", "boom");
    expect(r.get("/c/1")).toMatchObject({ wanted: "done", final_state: "COMPLETED", paused: 1 });
    r.upsert({ dir: "/c/1", uid: "u1", name: "one" }, 2);
    expect(r.get("/c/1")).toMatchObject({ wanted: "drive", final_state: null, last_error: null });
    expect(r.get("/c/1")!.added_at).toBe(1);
    expect(r.get("/nope")).toBeNull();
  });

  it("compact() folds the write-ahead log into registry.db (housekeeping)", () => {
    const { r, path } = registry();
    for (let i = 0; i < 200; i++) r.upsert({ dir: `/c/${i}`, uid: `u${i}`, name: `n${i}` });
    const wal = `${path}-wal`;
    expect(existsSync(wal) && statSync(wal).size > 0).toBe(true);
    r.compact();
    expect(statSync(wal).size).toBe(0);
    expect(r.all()).toHaveLength(200);
  });
});
