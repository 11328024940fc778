/**
 * ProgressFollower on a real SQLite store and real output files: the decision to stop a trial
 * is stored with its attempt, so a controller restarted between the decision and the trial's
 * end cancels it again and records it EARLY_STOPPED with its last value.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProgressFollower } from "../../../src/earlyStopping/progressFollower.js";
import type { EarlyStopping } from "../../../src/earlyStopping/stoppingRules.js";
import type { TrialOutcomeValues } from "../../../src/engine/trialProgram.js";
import type { Executor } from "../../../src/executor/executor.js";
import { readFileFrom } from "../../../src/files/readFileFrom.js";
import { insertCampaign } from "../../../src/store/campaignRows.js";
import { openStore, type Db } from "../../../src/store/openStore.js";
import { storedStopOrder } from "../../../src/store/progressRows.js";
import {
  insertProposedTrials,
  listOpenAttempts,
  recordStarted,
  recordSubmitted,
} from "../../../src/store/trialRows.js";

const RULE: EarlyStopping = {
  strategy: "median",
  percentile: 50,
  minProgression: 1,
  minTrials: 2,
  metric: "RESULT",
};

let work: string;
let db: Db;
let campaignId: number;
/** Reads stdout files as the local executor does; counts the reads. */
let reads: string[];
const executor = {
  readOutputFrom: (dir: string, offset: number) => {
    reads.push(dir);
    return readFileFrom(join(dir, "stdout"), offset);
  },
} as unknown as Executor;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-follower-"));
  db = openStore(join(work, "campaign.db"), { create: true });
  campaignId = insertCampaign(db, { uid: "c1", name: "demo", dir: work, specJson: "{}" }).id;
  reads = [];
});

afterEach(() => {
  db.close();
  rmSync(work, { recursive: true, force: true });
});

/** Three running trials whose stdout holds these lines. */
function running(outputs: readonly string[]): void {
  const made = insertProposedTrials(
    db,
    campaignId,
    outputs.map((_, i) => ({
      paramsJson: JSON.stringify({ x: i }),
      generator: "sobol",
      generationNode: "SOBOL",
      nodePosition: 0,
      generationMs: 1,
      programString: "p",
    })),
    (i) => ({ executor: "local", jobName: `t${i}`, dir: join(work, String(i)) }),
  );
  recordSubmitted(
    db,
    made.map((m) => ({
      attemptId: m.attempt.id,
      jobId: null,
      arrayTaskId: null,
      pid: 1,
      pidStartTime: 1,
      startedAt: { time: 1, hostname: "h" },
    })),
  );
  for (const [i, out] of outputs.entries()) {
    mkdirSync(join(work, String(i)));
    writeFileSync(join(work, String(i), "stdout"), out);
  }
  for (const m of made) recordStarted(db, m.attempt.id, 1, "h");
}

const follower = (): ProgressFollower =>
  new ProgressFollower(db, campaignId, RULE, "min", ["RESULT"], () => undefined);

const cancelled: TrialOutcomeValues = {
  state: "CANCELLED",
  values: {},
  sems: {},
  extras: {},
  reason: "cancelled",
};

describe("ProgressFollower", () => {
  it("stores its decision; after a restart it orders the cancel again and records EARLY_STOPPED", async () => {
    running(["RESULT@1: 1\n", "RESULT@1: 1.5\n", "RESULT@1: 4\nRESULT@2: 5\n"]);
    const first = follower();
    const orders = await first.poll(executor, listOpenAttempts(db, campaignId));
    expect(orders.map((o) => o.trialIndex)).toEqual([2]);
    expect(orders[0]!.reason).toMatch(/^early stopped: RESULT@1 = 4 worse than the median 1.25/);
    const bad = listOpenAttempts(db, campaignId)[2]!;
    expect(storedStopOrder(db, bad.attempt.id)).toBe(orders[0]!.reason);
    // The first controller dies before its cancel; the next one reads the stored decision.
    const second = follower();
    reads = [];
    const again = await second.poll(executor, listOpenAttempts(db, campaignId));
    expect(again).toEqual(orders);
    expect(reads).not.toContain(join(work, "2")); // not read nor judged again
    // Told once: the next cycle orders nothing new.
    expect(await second.poll(executor, listOpenAttempts(db, campaignId))).toEqual([]);
    const o = second.outcome(bad.attempt.id, bad.trial.id, cancelled, "RESULT@1: 4\nRESULT@2: 5\n");
    expect(o).toMatchObject({ state: "EARLY_STOPPED", values: { RESULT: 5 } });
    expect(o.reason).toBe(orders[0]!.reason);
  });

  it("a trial cancelled for another reason stays CANCELLED, also after a restart", async () => {
    running(["RESULT@1: 1\n", "RESULT@1: 1.5\n", "RESULT@1: 1.2\n"]);
    expect(await follower().poll(executor, listOpenAttempts(db, campaignId))).toEqual([]);
    const t = listOpenAttempts(db, campaignId)[2]!;
    expect(storedStopOrder(db, t.attempt.id)).toBeNull();
    expect(follower().outcome(t.attempt.id, t.trial.id, cancelled, "")).toEqual(cancelled);
  });
});
