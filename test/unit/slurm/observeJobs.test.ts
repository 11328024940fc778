import { describe, expect, it } from "vitest";
import { sacctJobOf } from "../../../src/slurm/observeJobs.js";
import { groupSacct, parseSacct } from "../../../src/slurm/sacct.js";

// Recorded on the project's cluster: an array of two tasks cancelled while both were pending.
// `sacct --jobs=4278_0,4278_1` answers nothing; `--jobs=4278` answers the one bare line below
// (on another try the line read "4916_[0-1]" a few seconds later).
const NEVER_SPLIT = `4278|CANCELLED by 0|0:0|00:00:00|None assigned|None|2026-12-07T07:09:45|2026-12-07T07:09:40|dcmd-b-2ab5f7e0-t0a1
`;
// Task 0 ran and has its own line; the rest of the array never started.
const PARTLY = `12_0|CANCELLED by 0|0:0|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|pend arr
12_0.batch|CANCELLED|0:15|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|batch
12|PENDING|0:0|00:00:00|None assigned|Unknown|Unknown|2026-11-23T11:53:23|pend arr
`;

const task = (jobId: string, arrayTaskId: number | null) => ({
  jobId,
  arrayTaskId,
  key: arrayTaskId === null ? jobId : `${jobId}_${arrayTaskId}`,
});

describe("sacctJobOf", () => {
  it("a task of an array cancelled before it was split takes the array's bare line", () => {
    const jobs = groupSacct(parseSacct(NEVER_SPLIT));
    for (const i of [0, 1]) {
      const job = sacctJobOf(jobs, task("4278", i));
      expect(job?.allocation.meaning.fault).toBe("CANCELLED");
      expect(job?.allocation.meaning.phase).toBe("finished");
    }
  });

  it("a task's own line wins, and an unfinished bare line stands for nothing", () => {
    const jobs = groupSacct(parseSacct(PARTLY));
    expect(sacctJobOf(jobs, task("12", 0))?.key).toBe("12_0");
    expect(sacctJobOf(jobs, task("12", 1))).toBeUndefined();
  });

  it("a plain job is found by its own key only", () => {
    const jobs = groupSacct(parseSacct(NEVER_SPLIT));
    expect(sacctJobOf(jobs, task("4278", null))?.key).toBe("4278");
    expect(sacctJobOf(jobs, task("4279", null))).toBeUndefined();
  });
});
