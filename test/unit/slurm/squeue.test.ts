import { describe, expect, it } from "vitest";
import {
  SQUEUE_FORMAT,
  isUnknownJobIdsMessage,
  parseSqueue,
  squeueArgv,
} from "../../../src/slurm/squeue.js";

// Recorded on the project's single-node cluster (Slurm 22.05) with
// squeue --me --noheader --array --states=all --format='%i|%F|%T|%r|%N|%S|%M|%l|%j'
const RECORDED = `3_2|3|PENDING|JobArrayTaskLimit||N/A|0:00|UNLIMITED|odd|name with spaces
3_0|3|RUNNING|None|vm|2026-11-23T11:52:52|0:00|UNLIMITED|odd|name with spaces
4|4|RUNNING|None|vm|2026-11-23T11:52:52|0:00|UNLIMITED|plain
13|13|PENDING|JobHeldUser||N/A|0:00|UNLIMITED|held
10|10|TIMEOUT|TimeLimit|vm|2026-11-23T11:53:23|1:08|1:00|timeout-job
11|11|CANCELLED|None|vm|2026-11-23T11:53:23|0:03|UNLIMITED|cancel-running
15|15|FAILED|JobLaunchFailure|vm|2026-11-23T11:53:26|0:01|UNLIMITED|oom
12_1|12|CANCELLED|JobArrayTaskLimit||2026-11-23T11:53:26|0:00|UNLIMITED|pend arr
`;

describe("squeueArgv", () => {
  it("asks once for the user's own jobs, one line per array task, all states", () => {
    expect(squeueArgv({ jobIds: ["3", "4"] })).toEqual([
      "squeue",
      "--me",
      "--noheader",
      "--array",
      "--states=all",
      `--format=${SQUEUE_FORMAT}`,
      "--jobs=3,4",
    ]);
    expect(squeueArgv({ names: ["a", "b"] }).at(-1)).toBe("--name=a,b");
    expect(squeueArgv()).not.toContainEqual(expect.stringMatching(/^--jobs/));
  });
});

describe("parseSqueue", () => {
  const rows = parseSqueue(RECORDED);

  it("reads one row per job or array task", () => {
    expect(rows.map((r) => r.key)).toEqual(["3_2", "3_0", "4", "13", "10", "11", "15", "12_1"]);
  });

  it("keeps a job name that contains the separator whole", () => {
    expect(rows[0]).toMatchObject({ jobId: "3", arrayTaskId: 2, name: "odd|name with spaces" });
  });

  it("maps states, reasons, nodes and times", () => {
    expect(rows[0]).toMatchObject({
      state: "PENDING",
      reason: "JobArrayTaskLimit",
      nodes: null,
      startTime: null,
    });
    expect(rows[0]!.meaning.phase).toBe("queued");
    expect(rows[1]).toMatchObject({
      state: "RUNNING",
      reason: null,
      nodes: "vm",
      timeLimitS: Infinity,
    });
    expect(rows[1]!.startTime).toBe(new Date(2026, 10, 23, 11, 52, 52).getTime());
    expect(rows[4]).toMatchObject({ state: "TIMEOUT", elapsedS: 68, timeLimitS: 60 });
    expect(rows[4]!.meaning.fault).toBe("TIMEOUT");
    expect(rows[5]!.meaning.fault).toBe("CANCELLED");
    expect(rows[6]!.meaning).toMatchObject({ phase: "finished", fault: null });
  });

  it("expands a pending array range printed as one line", () => {
    const r = parseSqueue("3_[2-5%2]|3|PENDING|JobArrayTaskLimit||N/A|0:00|UNLIMITED|x\n");
    expect(r.map((x) => x.key)).toEqual(["3_2", "3_3", "3_4", "3_5"]);
  });

  it("skips warnings, blank lines and truncated lines", () => {
    const text =
      "squeue: warning: something\n\n4|4|RUNNING|None|vm\n" + RECORDED.split("\n")[2]! + "\n";
    expect(parseSqueue(text).map((r) => r.key)).toEqual(["4"]);
  });

  it("recognises the message for ids squeue no longer knows", () => {
    expect(isUnknownJobIdsMessage("slurm_load_jobs error: Invalid job id specified\n")).toBe(true);
    expect(
      isUnknownJobIdsMessage("slurm_load_jobs error: Socket timed out on send/recv operation"),
    ).toBe(false);
  });
});
