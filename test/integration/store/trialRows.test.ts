import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertCampaign } from "../../../src/store/campaignRows.js";
import type { Db } from "../../../src/store/openStore.js";
import { openStore } from "../../../src/store/openStore.js";
import { TrialCache } from "../../../src/engine/trialCache.js";
import { SearchSpace } from "../../../src/space/searchSpace.js";
import type { AttemptEnd, NewTrial, TrialOutcome } from "../../../src/store/trialRows.js";
import {
  attemptIdsWithJobName,
  countTrialsByState,
  getAttempt,
  getTrial,
  insertProposedTrials,
  listAttempts,
  listOpenAttempts,
  listTrials,
  listTrialsChangedSince,
  nextTrialIndex,
  recordAttemptEnd,
  recordStarted,
  recordSubmitted,
} from "../../../src/store/trialRows.js";

let work: string;
let db: Db;
let campaignId: number;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-trials-"));
  db = openStore(join(work, "campaign.db"), { create: true });
  campaignId = insertCampaign(db, { uid: "c1", name: "demo", dir: work, specJson: "{}" }, 1000).id;
});

afterEach(() => {
  db.close();
  rmSync(work, { recursive: true, force: true });
});

function trial(x: number): NewTrial {
  return {
    paramsJson: JSON.stringify({ x }),
    generator: "sobol",
    generationNode: "SOBOL",
    nodePosition: 0,
    generationMs: 1.5,
    programString: `echo ${x}`,
  };
}

const attemptFor = (index: number): { executor: string; jobName: string; dir: string } => ({
  executor: "local",
  jobName: `demo-c1-t${index}`,
  dir: `/runs/demo/0/jobs/${index}/1`,
});

function end(partial: Partial<AttemptEnd> = {}): AttemptEnd {
  return {
    endTime: 5000,
    startTime: 3000,
    exitCode: 0,
    signal: null,
    fault: null,
    reason: null,
    hostname: "node1",
    ...partial,
  };
}

const completed: TrialOutcome = {
  state: "COMPLETED",
  resultsJson: JSON.stringify({ RESULT: 1.25 }),
  semsJson: JSON.stringify({ RESULT: 0.1 }),
  extrasJson: JSON.stringify({ OO_Info_epoch: "3" }),
  reason: null,
};

function propose(n: number, now = 2000): ReturnType<typeof insertProposedTrials> {
  return insertProposedTrials(
    db,
    campaignId,
    Array.from({ length: n }, (_, i) => trial(i / 10)),
    attemptFor,
    now,
  );
}

describe("insertProposedTrials", () => {
  it("writes PROPOSED trials with consecutive indices and a CREATED first attempt each", () => {
    const rows = propose(3);
    expect(rows.map((r) => r.trial.trial_index)).toEqual([0, 1, 2]);
    for (const { trial: t, attempt: a } of rows) {
      expect(t).toMatchObject({
        state: "PROPOSED",
        generator: "sobol",
        generation_node: "SOBOL",
        node_position: 0,
        generation_ms: 1.5,
        created_at: 2000,
        submit_time: null,
        start_time: null,
      });
      expect(a).toMatchObject({
        trial_id: t.id,
        attempt_no: 1,
        state: "CREATED",
        executor: "local",
        job_name: `demo-c1-t${t.trial_index}`,
        dir: `/runs/demo/0/jobs/${t.trial_index}/1`,
      });
    }
    expect(propose(2).map((r) => r.trial.trial_index)).toEqual([3, 4]);
    expect(nextTrialIndex(db, campaignId)).toBe(5);
  });

  it("numbers the trials of each campaign on their own", () => {
    propose(2);
    const other = insertCampaign(db, { uid: "c2", name: "other", dir: work, specJson: "{}" }).id;
    const rows = insertProposedTrials(db, other, [trial(1)], attemptFor);
    expect(rows[0]!.trial.trial_index).toBe(0);
    expect(nextTrialIndex(db, campaignId)).toBe(2);
  });

  it("writes nothing when one attempt cannot be made (one transaction)", () => {
    propose(1);
    expect(() =>
      insertProposedTrials(db, campaignId, [trial(1), trial(2), trial(3)], (index) => {
        if (index === 2) throw new Error("no folder");
        return attemptFor(index);
      }),
    ).toThrow("no folder");
    expect(listTrials(db, campaignId)).toHaveLength(1);
    expect(listOpenAttempts(db, campaignId)).toHaveLength(1);
  });

  it("refuses a trial for a campaign that does not exist (foreign keys are on)", () => {
    expect(() => insertProposedTrials(db, 999, [trial(1)], attemptFor)).toThrow(/FOREIGN KEY/);
  });
});

describe("recordSubmitted and recordStarted", () => {
  it("stores job ids, pids and times with the state change", () => {
    const [a, b] = propose(2);
    recordSubmitted(
      db,
      [
        { attemptId: a!.attempt.id, jobId: "123_0", arrayTaskId: 0, pid: null, pidStartTime: null },
        { attemptId: b!.attempt.id, jobId: null, arrayTaskId: null, pid: 4242, pidStartTime: 99 },
      ],
      2500,
    );
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({
      state: "SUBMITTED",
      job_id: "123_0",
      array_task_id: 0,
      submit_time: 2500,
    });
    expect(getAttempt(db, b!.attempt.id)).toMatchObject({ pid: 4242, pid_start: 99 });
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "SUBMITTED", submit_time: 2500 });
  });

  it("does not submit an attempt twice", () => {
    const [a] = propose(1);
    const rec = {
      attemptId: a!.attempt.id,
      jobId: "1",
      arrayTaskId: null,
      pid: null,
      pidStartTime: null,
    };
    recordSubmitted(db, [rec], 2500);
    recordSubmitted(db, [{ ...rec, jobId: "2" }], 2600);
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({ job_id: "1", submit_time: 2500 });
    expect(getTrial(db, a!.trial.id)!.submit_time).toBe(2500);
  });

  it("keeps the pid and submit time when the start was recorded before the submission", () => {
    // The local executor reports "started" for the first attempt of a batch while it still
    // launches the others; the loop may store that event before submit() returns.
    const [a] = propose(1);
    recordStarted(db, a!.attempt.id, 3000, "node1");
    recordSubmitted(
      db,
      [{ attemptId: a!.attempt.id, jobId: null, arrayTaskId: null, pid: 4242, pidStartTime: 77 }],
      2990,
    );
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({
      state: "RUNNING",
      pid: 4242,
      pid_start: 77,
      submit_time: 2990,
      start_time: 3000,
    });
    expect(getTrial(db, a!.trial.id)).toMatchObject({
      state: "RUNNING",
      submit_time: 2990,
      start_time: 3000,
    });
  });

  it("records the job id of an attempt that already ended, without reopening it", () => {
    const [a] = propose(1);
    recordAttemptEnd(db, a!.attempt.id, end(), completed, null);
    recordSubmitted(
      db,
      [{ attemptId: a!.attempt.id, jobId: "55", arrayTaskId: null, pid: null, pidStartTime: null }],
      2500,
    );
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({ state: "FINISHED", job_id: "55" });
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "COMPLETED", submit_time: 2500 });
  });

  it("leaves a retried trial PROPOSED when its ended first attempt's submission is recorded late", () => {
    const [a] = propose(1);
    const next = recordAttemptEnd(db, a!.attempt.id, end({ fault: "NODE_FAIL" }), null, {
      executor: "slurm",
      jobName: "retry",
      dir: "/d/2",
    });
    recordSubmitted(
      db,
      [{ attemptId: a!.attempt.id, jobId: "56", arrayTaskId: null, pid: null, pidStartTime: null }],
      2500,
    );
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "PROPOSED", submit_time: 2500 });
    expect(getAttempt(db, next!.id)!.state).toBe("CREATED");
  });

  it("marks attempt and trial RUNNING with start time and host", () => {
    const [a] = propose(1);
    recordSubmitted(
      db,
      [{ attemptId: a!.attempt.id, jobId: "7", arrayTaskId: null, pid: null, pidStartTime: null }],
      2500,
    );
    recordStarted(db, a!.attempt.id, 3000, "node7");
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({
      state: "RUNNING",
      start_time: 3000,
      hostname: "node7",
    });
    expect(getTrial(db, a!.trial.id)).toMatchObject({
      state: "RUNNING",
      start_time: 3000,
      hostname: "node7",
    });
    // a second start (repeated event) keeps the first time and a known host
    recordStarted(db, a!.attempt.id, 3100, null);
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({ start_time: 3000, hostname: "node7" });
  });

  it("ignores a start reported after the attempt ended", () => {
    const [a] = propose(1);
    recordAttemptEnd(db, a!.attempt.id, end({ startTime: null }), completed, null);
    recordStarted(db, a!.attempt.id, 9000, "late");
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({ state: "FINISHED", hostname: "node1" });
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "COMPLETED", hostname: "node1" });
  });
});

describe("recordAttemptEnd", () => {
  it("with an outcome: attempt FINISHED and the trial in its final state with results", () => {
    const [a] = propose(1);
    recordStarted(db, a!.attempt.id, 3000, "node1");
    const created = recordAttemptEnd(db, a!.attempt.id, end({ exitCode: 3 }), completed, null);
    expect(created).toBeNull();
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({
      state: "FINISHED",
      end_time: 5000,
      start_time: 3000,
      exit_code: 3,
    });
    expect(getTrial(db, a!.trial.id)).toMatchObject({
      state: "COMPLETED",
      end_time: 5000,
      start_time: 3000,
      exit_code: 3,
      results_json: completed.resultsJson,
      sems_json: completed.semsJson,
      extras_json: completed.extrasJson,
      hostname: "node1",
    });
    expect(listOpenAttempts(db, campaignId)).toEqual([]);
  });

  it("stores the fault, signal and reason of a failed attempt", () => {
    const [a] = propose(1);
    recordAttemptEnd(
      db,
      a!.attempt.id,
      end({ exitCode: null, signal: "SIGKILL", fault: "TIMEOUT", reason: "time limit 60 s" }),
      {
        state: "TIMEOUT",
        resultsJson: null,
        semsJson: null,
        extrasJson: null,
        reason: "time limit 60 s",
      },
      null,
    );
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({
      fault: "TIMEOUT",
      signal: "SIGKILL",
      reason: "time limit 60 s",
    });
    expect(getTrial(db, a!.trial.id)).toMatchObject({
      state: "TIMEOUT",
      signal: "SIGKILL",
      reason: "time limit 60 s",
      results_json: null,
    });
  });

  it("ends an attempt once: a second end changes nothing and returns null", () => {
    const [a] = propose(1);
    recordAttemptEnd(db, a!.attempt.id, end(), completed, null);
    const again = recordAttemptEnd(
      db,
      a!.attempt.id,
      end({ endTime: 9999, exitCode: 1 }),
      { ...completed, state: "FAILED" },
      null,
    );
    expect(again).toBeNull();
    expect(getTrial(db, a!.trial.id)).toMatchObject({
      state: "COMPLETED",
      end_time: 5000,
      exit_code: 0,
    });
    expect(getAttempt(db, a!.attempt.id)).toMatchObject({ end_time: 5000, exit_code: 0 });
  });

  it("with a retry: the trial goes back to PROPOSED with a new CREATED attempt", () => {
    const [a] = propose(1);
    recordSubmitted(
      db,
      [{ attemptId: a!.attempt.id, jobId: "10", arrayTaskId: null, pid: null, pidStartTime: null }],
      2500,
    );
    recordStarted(db, a!.attempt.id, 3000, "node1");
    const next = recordAttemptEnd(
      db,
      a!.attempt.id,
      end({ exitCode: null, fault: "NODE_FAIL", reason: "node1 failed" }),
      null,
      { executor: "slurm", jobName: "demo-c1-t0-retry", dir: "/runs/demo/0/jobs/0/2" },
    );
    expect(next).toMatchObject({
      trial_id: a!.trial.id,
      attempt_no: 2,
      state: "CREATED",
      job_name: "demo-c1-t0-retry",
      dir: "/runs/demo/0/jobs/0/2",
    });
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "PROPOSED", reason: "node1 failed" });
    expect(listAttempts(db, a!.trial.id).map((x) => [x.attempt_no, x.state, x.fault])).toEqual([
      [1, "FINISHED", "NODE_FAIL"],
      [2, "CREATED", null],
    ]);
    expect(listOpenAttempts(db, campaignId).map((o) => o.attempt.id)).toEqual([next!.id]);
    // the new attempt runs to completion; the trial keeps its first submit time
    recordSubmitted(
      db,
      [{ attemptId: next!.id, jobId: "11", arrayTaskId: null, pid: null, pidStartTime: null }],
      6000,
    );
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "SUBMITTED", submit_time: 2500 });
    recordStarted(db, next!.id, 6500, "node2");
    recordAttemptEnd(
      db,
      next!.id,
      end({ endTime: 8000, startTime: 6500, hostname: "node2" }),
      completed,
      null,
    );
    expect(getTrial(db, a!.trial.id)).toMatchObject({ state: "COMPLETED", end_time: 8000 });
  });

  it("without an outcome or a retry throws and leaves the attempt open (rolled back)", () => {
    const [a] = propose(1);
    expect(() => recordAttemptEnd(db, a!.attempt.id, end(), null, null)).toThrow(
      /needs an outcome or a retry/,
    );
    expect(getAttempt(db, a!.attempt.id)!.state).toBe("CREATED");
    expect(getTrial(db, a!.trial.id)!.state).toBe("PROPOSED");
  });

  it("returns null for an unknown attempt", () => {
    expect(recordAttemptEnd(db, 12345, end(), completed, null)).toBeNull();
  });
});

describe("queries", () => {
  it("counts trials by state, with zeros for states no trial is in", () => {
    const [a, b] = propose(3);
    recordAttemptEnd(db, a!.attempt.id, end(), completed, null);
    recordStarted(db, b!.attempt.id, 3000, null);
    expect(countTrialsByState(db, campaignId)).toEqual({
      PROPOSED: 1,
      SUBMITTED: 0,
      RUNNING: 1,
      COMPLETED: 1,
      FAILED: 0,
      TIMEOUT: 0,
      CANCELLED: 0,
      EARLY_STOPPED: 0,
    });
  });

  it("lists the trials changed after a revision, in change order", () => {
    const [a, b] = propose(2);
    const all = listTrialsChangedSince(db, campaignId, -1);
    expect(all.map((t) => t.trial_index)).toEqual([0, 1]);
    const rev = Math.max(...all.map((t) => t.rev));
    expect(listTrialsChangedSince(db, campaignId, rev)).toEqual([]);
    recordStarted(db, b!.attempt.id, 3000, null);
    recordAttemptEnd(db, a!.attempt.id, end(), completed, null);
    const changed = listTrialsChangedSince(db, campaignId, rev);
    expect(changed.map((t) => [t.trial_index, t.state])).toEqual([
      [1, "RUNNING"],
      [0, "COMPLETED"],
    ]);
    expect(changed[0]!.rev).toBeLessThan(changed[1]!.rev);
  });

  it("finds attempts by job name in submission order", () => {
    const rows = insertProposedTrials(db, campaignId, [trial(1), trial(2), trial(3)], (i) => ({
      executor: "slurm",
      jobName: i < 2 ? "array-1" : "single",
      dir: `/d/${i}`,
    }));
    expect(attemptIdsWithJobName(db, "array-1")).toEqual([
      rows[0]!.attempt.id,
      rows[1]!.attempt.id,
    ]);
    expect(attemptIdsWithJobName(db, "none")).toEqual([]);
  });
});

describe("TrialCache", () => {
  const space = new SearchSpace([
    { kind: "range", name: "x", valueType: "float", low: 0, high: 1, log: false },
  ]);
  const cacheFor = (keepHistory: boolean, crashCost?: Record<string, number>): TrialCache =>
    new TrialCache(db, campaignId, {
      space,
      objectives: [{ name: "RESULT", goal: "min" }],
      nodes: 1,
      keepHistory,
      crashCost,
    });

  it("with crash_cost, hands failed and timed-out trials to the model as observations of that cost (the trial stays FAILED)", () => {
    const cache = cacheFor(true, { RESULT: 1000 });
    const rows = propose(3);
    recordAttemptEnd(db, rows[0]!.attempt.id, end(), completed, null);
    const failed = { ...completed, state: "FAILED" as const, resultsJson: null, semsJson: null };
    recordAttemptEnd(db, rows[1]!.attempt.id, end(), failed, null);
    recordAttemptEnd(db, rows[2]!.attempt.id, end(), { ...failed, state: "TIMEOUT" }, null);
    const view = cache.refresh();
    expect(view.counts).toMatchObject({ COMPLETED: 1, FAILED: 1, TIMEOUT: 1 });
    expect(view.failed).toEqual([]);
    expect(view.completed).toEqual([
      { point: { x: 0 }, values: { RESULT: 1.25 }, sems: { RESULT: 0.1 } },
      { point: { x: 0.1 }, values: { RESULT: 1000 }, sems: { RESULT: null } },
      { point: { x: 0.2 }, values: { RESULT: 1000 }, sems: { RESULT: null } },
    ]);
    // Only trials with data count toward the node's observed trials.
    expect(view.nodes[0]!.withData).toBe(1);
  });

  it("follows the store by revision: counts, keys, pending trials and (kept) history in trial order", () => {
    const cache = cacheFor(true);
    expect(cache.refresh().total).toBe(0);
    const rows = propose(3);
    const first = cache.refresh();
    expect(first.total).toBe(3);
    expect(first.lastIndex).toBe(2);
    expect(first.counts.PROPOSED).toBe(3);
    expect(first.pending.map((c) => c.row.trial_index)).toEqual([0, 1, 2]);
    expect(first.pending.map((c) => c.point)).toEqual([{ x: 0 }, { x: 0.1 }, { x: 0.2 }]);
    expect(first.nodes[0]).toEqual({ generated: 3, withData: 0, pending: 3, proposed: 3 });

    recordAttemptEnd(db, rows[1]!.attempt.id, end(), completed, null);
    recordAttemptEnd(
      db,
      rows[2]!.attempt.id,
      end(),
      { ...completed, state: "FAILED", resultsJson: null },
      null,
    );
    const second = cache.refresh();
    expect(second.counts).toMatchObject({ PROPOSED: 1, COMPLETED: 1, FAILED: 1 });
    expect(second.pending.map((c) => c.row.trial_index)).toEqual([0]);
    expect(second.completed).toEqual([
      { point: { x: 0.1 }, values: { RESULT: 1.25 }, sems: { RESULT: 0.1 } },
    ]);
    expect(second.failed).toEqual([{ x: 0.2 }]);
    expect(second.nodes[0]).toEqual({ generated: 2, withData: 1, pending: 1, proposed: 3 });
    expect([...second.tried.keys()].length).toBe(3);

    // The same points again: keys and tried counts add up.
    propose(2);
    const third = cache.refresh();
    expect(third.total).toBe(5);
    expect(third.lastIndex).toBe(4);
    expect(third.keys.size).toBe(3);
    expect(third.tried.get(space.key({ x: 0 }))).toBe(2);
  });

  it("keeps no history for a history-free strategy, and reads only the rows that changed", () => {
    const cache = cacheFor(false);
    for (let round = 0; round < 50; round++) {
      const rows = propose(4, 2000 + round);
      for (const r of rows) recordAttemptEnd(db, r.attempt.id, end(), completed, null);
      const before = cache.rowsRead;
      const view = cache.refresh();
      // 4 new trials, each changed twice, come back as 4 rows: never the whole campaign.
      expect(cache.rowsRead - before).toBe(4);
      expect(view.counts.COMPLETED).toBe(4 * (round + 1));
      expect(view.completed).toEqual([]);
      expect(view.failed).toEqual([]);
      expect(view.pending).toEqual([]);
    }
    const idle = cache.rowsRead;
    cache.refresh();
    expect(cache.rowsRead).toBe(idle);
  });
});
