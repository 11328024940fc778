/**
 * lockCampaign while another controller takes over a dead lock: between its removal of the dead
 * lock and the taking of its own, the lock directory is absent but the takeover guard is held.
 * A controller starting then waits for the guard instead of taking the lock (it did, and the
 * controller that had announced the takeover was refused as the loser).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { lockCampaign } from "../../../src/engine/campaignLock.js";
import { CampaignPaths } from "../../../src/engine/campaignPaths.js";

describe("lockCampaign and a takeover under way", () => {
  it("waits while another controller holds the takeover guard, then takes the free lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slurmopt-lockguard-"));
    try {
      const paths = new CampaignPaths(dir);
      writeFileSync(paths.db, "");
      mkdirSync(paths.takeoverDir);
      let settled = false;
      const locking = lockCampaign(dir, { onCompromised: () => undefined }).finally(() => {
        settled = true;
      });
      await sleep(1_000);
      expect(settled).toBe(false);
      rmSync(paths.takeoverDir, { recursive: true });
      const release = await locking;
      await release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ignores a stale guard (a controller killed while taking over)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slurmopt-lockguard-"));
    try {
      const paths = new CampaignPaths(dir);
      writeFileSync(paths.db, "");
      mkdirSync(paths.takeoverDir);
      const old = new Date(Date.now() - 60_000);
      utimesSync(paths.takeoverDir, old, old);
      const release = await lockCampaign(dir, { onCompromised: () => undefined });
      await release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
