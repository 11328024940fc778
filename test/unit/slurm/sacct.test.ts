import { describe, expect, it } from "vitest";
import {
  SACCT_FIELDS,
  groupSacct,
  isAccountingDisabledMessage,
  parseSacct,
  sacctArgv,
} from "../../../src/slurm/sacct.js";

// Recorded on the project's single-node cluster (Slurm 22.05) with
// sacct --parsable2 --noheader --duplicates --format=JobID,State,ExitCode,Elapsed,NodeList,Start,End,Submit,JobName
const RECORDED = `4|FAILED|3:0|00:00:02|vm|2026-11-23T11:52:52|2026-11-23T11:52:54|2026-11-23T11:52:51|plain
4.batch|FAILED|3:0|00:00:02|vm|2026-11-23T11:52:52|2026-11-23T11:52:54|2026-11-23T11:52:52|batch
3_0|COMPLETED|0:0|00:00:04|vm|2026-11-23T11:52:52|2026-11-23T11:52:56|2026-11-23T11:52:51|odd|name with spaces
3_0.batch|COMPLETED|0:0|00:00:04|vm|2026-11-23T11:52:52|2026-11-23T11:52:56|2026-11-23T11:52:52|batch
10|TIMEOUT|0:0|00:01:08|vm|2026-11-23T11:53:23|2026-11-23T11:54:31|2026-11-23T11:53:23|timeout-job
10.batch|CANCELLED|0:15|00:01:08|vm|2026-11-23T11:53:23|2026-11-23T11:54:31|2026-11-23T11:53:23|batch
11|CANCELLED by 0|0:0|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|cancel-running
11.batch|CANCELLED|0:15|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|batch
13|CANCELLED by 0|0:0|00:00:00|None assigned|None|2026-11-23T11:53:26|2026-11-23T11:53:23|held
15|FAILED|0:9|00:00:01|vm|2026-11-23T11:53:26|2026-11-23T11:53:27|2026-11-23T11:53:23|oom
15.batch|CANCELLED by 0|0:9|00:00:01|vm|2026-11-23T11:53:26|2026-11-23T11:53:27|2026-11-23T11:53:26|batch
12_0|CANCELLED by 0|0:0|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|pend arr
12_0.batch|CANCELLED|0:15|00:00:03|vm|2026-11-23T11:53:23|2026-11-23T11:53:26|2026-11-23T11:53:23|batch
12_[1-3%1]|CANCELLED by 0|0:0|00:00:00|None assigned|None|2026-11-23T11:53:26|2026-11-23T11:53:23|pend arr
`;

// A job whose node was set DOWN with scontrol: the first run ended NODE_FAIL (its batch step
// without an exit code), Slurm requeued it and the second run completed.
const REQUEUED = `5|NODE_FAIL|0:0|00:00:03|vm|2026-11-23T11:45:26|2026-11-23T11:45:29|2026-11-23T11:45:23|wrap
5.batch|CANCELLED||00:00:03|vm|2026-11-23T11:45:26|2026-11-23T11:45:29|2026-11-23T11:45:26|batch
5|COMPLETED|0:0|00:00:15|vm|2026-11-23T11:47:45|2026-11-23T11:48:00|2026-11-23T11:45:29|wrap
5.batch|COMPLETED|0:0|00:00:15|vm|2026-11-23T11:47:45|2026-11-23T11:48:00|2026-11-23T11:47:45|batch
`;

// Right after a job ends, sacct may show a placeholder before the job's start record arrives.
const PLACEHOLDER = `2|COMPLETED|0:0|00:00:00||2026-11-23T11:50:46|2026-11-23T11:50:46|2026-11-23T11:50:46|allocation
2.batch|COMPLETED|0:0|00:00:00|vm|2026-11-23T11:50:46|2026-11-23T11:50:46|2026-11-23T11:50:46|batch
`;

describe("sacctArgv", () => {
  it("asks for every run and step in parsable form, job name last", () => {
    const argv = sacctArgv({ jobIds: ["10", "12"] });
    expect(argv).toEqual([
      "sacct",
      "--parsable2",
      "--noheader",
      "--duplicates",
      `--format=${SACCT_FIELDS.join(",")}`,
      "--jobs=10,12",
    ]);
    expect(SACCT_FIELDS.at(-1)).toBe("JobName");
    expect(sacctArgv({ names: ["n"], startTime: "now-7days" }).slice(-2)).toEqual([
      "--name=n",
      "--starttime=now-7days",
    ]);
  });
});

describe("parseSacct", () => {
  const records = parseSacct(RECORDED);

  it("tells job allocations from steps", () => {
    expect(records.filter((r) => r.step === null).map((r) => r.key)).toEqual([
      "4",
      "3_0",
      "10",
      "11",
      "13",
      "15",
      "12_0",
      "12_1",
      "12_2",
      "12_3",
    ]);
    expect(records.find((r) => r.key === "10" && r.step === "batch")?.state).toBe("CANCELLED");
  });

  it("reads exit codes with their signal, elapsed time and node", () => {
    const oom = records.find((r) => r.key === "15" && r.step === null)!;
    expect(oom).toMatchObject({
      state: "FAILED",
      exitCode: 0,
      signal: 9,
      elapsedS: 1,
      nodes: "vm",
    });
    const failed = records.find((r) => r.key === "4" && r.step === null)!;
    expect(failed).toMatchObject({ exitCode: 3, signal: 0, elapsedS: 2 });
    expect(records.find((r) => r.key === "10" && r.step === null)!.elapsedS).toBe(68);
  });

  it("matches CANCELLED by <uid> by prefix", () => {
    const c = records.find((r) => r.key === "11" && r.step === null)!;
    expect(c.meaning).toMatchObject({
      state: "CANCELLED",
      fault: "CANCELLED",
      reason: "cancelled by uid 0",
    });
  });

  it("treats a never-started job's node and start as absent", () => {
    const held = records.find((r) => r.key === "13")!;
    expect(held).toMatchObject({ nodes: null, startTime: null, name: "held" });
    expect(held.endTime).toBe(new Date(2026, 10, 23, 11, 53, 26).getTime());
  });

  it("keeps names that contain the separator whole", () => {
    expect(records.find((r) => r.key === "3_0" && r.step === null)!.name).toBe(
      "odd|name with spaces",
    );
  });

  it("reads a batch step without an exit code", () => {
    const step = parseSacct(REQUEUED)[1]!;
    expect(step).toMatchObject({ step: "batch", exitCode: null, signal: null });
  });
});

describe("groupSacct", () => {
  it("attaches steps to their job and array tasks to their own keys", () => {
    const jobs = groupSacct(parseSacct(RECORDED));
    expect(jobs.get("15")!.steps.map((s) => s.state)).toEqual(["CANCELLED by 0"]);
    expect(jobs.get("12_2")!.allocation.meaning.fault).toBe("CANCELLED");
    expect(jobs.get("12_2")!.arrayTaskId).toBe(2);
    expect(jobs.get("3_0")!.steps).toHaveLength(1);
  });

  it("takes the latest run of a requeued job and keeps the earlier ones", () => {
    const job = groupSacct(parseSacct(REQUEUED)).get("5")!;
    expect(job.allocation.state).toBe("COMPLETED");
    expect(job.steps.map((s) => s.state)).toEqual(["COMPLETED"]);
    expect(job.earlierRuns.map((r) => r.state)).toEqual(["NODE_FAIL"]);
  });

  it("reads the placeholder record sacct shows right after a job ends", () => {
    const job = groupSacct(parseSacct(PLACEHOLDER)).get("2")!;
    expect(job.allocation).toMatchObject({ state: "COMPLETED", name: "allocation", nodes: null });
    expect(job.steps[0]!.nodes).toBe("vm");
  });
});

describe("isAccountingDisabledMessage", () => {
  it("recognises a cluster without accounting", () => {
    expect(isAccountingDisabledMessage("Slurm accounting storage is disabled\n")).toBe(true);
    expect(
      isAccountingDisabledMessage(
        "sacct: error: Problem talking to the database: Connection refused",
      ),
    ).toBe(false);
  });
});
