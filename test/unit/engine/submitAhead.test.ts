import { describe, expect, it } from "vitest";
import {
  aheadLimit,
  jobKeyOf,
  planAhead,
  unstartedAttempts,
  retryAfterJob,
} from "../../../src/engine/submitAhead.js";

type Row = Parameters<typeof planAhead>[0][number];

let nextId = 1;
function row(over: Partial<Row>): Row {
  return {
    id: nextId++,
    state: "RUNNING",
    job_id: null,
    array_task_id: null,
    after_job: null,
    start_time: null,
    ...over,
  };
}

describe("aheadLimit", () => {
  it("auto queues one per slot for history-free models and none for model-based ones", () => {
    for (const m of ["sobol", "random", "grid"] as const) expect(aheadLimit("auto", 4, m)).toBe(4);
    for (const m of ["gp", "tpe", "randomforest", "external"] as const)
      expect(aheadLimit("auto", 4, m)).toBe(0);
    // Campaigns stored before the setting existed behave as auto.
    expect(aheadLimit(undefined, 3, "sobol")).toBe(3);
    expect(aheadLimit(2, 4, "gp")).toBe(2);
    expect(aheadLimit(0, 4, "sobol")).toBe(0);
  });
});

describe("jobKeyOf", () => {
  it("names a job as Slurm does", () => {
    expect(jobKeyOf({ job_id: "12", array_task_id: null })).toBe("12");
    expect(jobKeyOf({ job_id: "12", array_task_id: 0 })).toBe("12_0");
    expect(jobKeyOf({ job_id: null, array_task_id: null })).toBeNull();
  });
});

describe("planAhead", () => {
  it("offers running jobs, the earliest started first, then pending ones", () => {
    const open = [
      row({ state: "SUBMITTED", job_id: "20" }),
      row({ job_id: "10", array_task_id: 1, start_time: 2000 }),
      row({ job_id: "10", array_task_id: 0, start_time: 1000 }),
      row({ state: "CREATED" }),
    ];
    expect(planAhead(open, 4)).toEqual({ waiting: 0, parents: ["10_0", "10_1", "20"] });
    expect(planAhead(open, 2)).toEqual({ waiting: 0, parents: ["10_0", "10_1"] });
  });

  it("counts trials queued behind open jobs, and never queues two behind one job", () => {
    const open = [
      row({ job_id: "10", array_task_id: 0, start_time: 1 }),
      row({ job_id: "10", array_task_id: 1, start_time: 2 }),
      row({ state: "SUBMITTED", job_id: "11", after_job: "10_0" }),
      row({ state: "CREATED", after_job: "10_1" }),
    ];
    // Both running jobs have one behind them; the queued ones cannot take one themselves.
    expect(planAhead(open, 4)).toEqual({ waiting: 2, parents: [] });
    expect(planAhead(open, 2)).toEqual({ waiting: 2, parents: [] });
  });

  it("treats a queued job whose job ended as running in its own slot", () => {
    const open = [
      // 30 ended (not open): 31 holds a slot and may take one behind it.
      row({ job_id: "31", after_job: "30", start_time: 5 }),
      row({ job_id: "32", start_time: 6 }),
    ];
    expect(planAhead(open, 4)).toEqual({ waiting: 0, parents: ["31", "32"] });
  });

  it("leaves no room beyond the limit", () => {
    const open = [
      row({ job_id: "1", start_time: 1 }),
      row({ job_id: "2", start_time: 2 }),
      row({ state: "SUBMITTED", job_id: "3", after_job: "1" }),
    ];
    expect(planAhead(open, 1)).toEqual({ waiting: 1, parents: [] });
    expect(planAhead(open, 2)).toEqual({ waiting: 1, parents: ["2"] });
  });
});

describe("retryAfterJob", () => {
  it("queues a retry behind the job that took the ended job's slot", () => {
    const open = [row({ job_id: "8", after_job: "7_2" }), row({ job_id: "9" })];
    expect(retryAfterJob(open, { job_id: "7", array_task_id: 2 })).toBe("8");
    expect(retryAfterJob(open, { job_id: "9", array_task_id: null })).toBeNull();
    expect(retryAfterJob(open, { job_id: null, array_task_id: null })).toBeNull();
  });
});

describe("unstartedAttempts", () => {
  it("names the submitted jobs not seen running", () => {
    const open = [
      row({ id: 101, job_id: "1", start_time: 1 }),
      row({ id: 102, state: "SUBMITTED", job_id: "2", after_job: "1" }),
      // Pending in Slurm's queue without a dependency (waiting for resources): held too.
      row({ id: 103, state: "SUBMITTED", job_id: "3" }),
      // Its job ended and it has been seen running: released, never held.
      row({ id: 104, job_id: "4", after_job: "0" }),
      // Not submitted yet: nothing to hold in Slurm.
      row({ id: 105, state: "CREATED", after_job: "1" }),
    ];
    expect(unstartedAttempts(open)).toEqual([102, 103]);
  });
});
