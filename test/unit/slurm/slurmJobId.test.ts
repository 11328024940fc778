import { describe, expect, it } from "vitest";
import { expandArrayRange, jobKey, parseJobId } from "../../../src/slurm/slurmJobId.js";

describe("parseJobId", () => {
  it("reads plain jobs, array tasks and steps", () => {
    expect(parseJobId("123")).toEqual({ jobId: "123", arrayTaskIds: [], step: null });
    expect(parseJobId("123_4")).toEqual({ jobId: "123", arrayTaskIds: [4], step: null });
    expect(parseJobId("123.batch")).toEqual({ jobId: "123", arrayTaskIds: [], step: "batch" });
    expect(parseJobId("123_4.batch")).toEqual({ jobId: "123", arrayTaskIds: [4], step: "batch" });
    expect(parseJobId("123_4.0")).toEqual({ jobId: "123", arrayTaskIds: [4], step: "0" });
    expect(parseJobId("77.extern")).toEqual({ jobId: "77", arrayTaskIds: [], step: "extern" });
  });

  it("expands the one line sacct and squeue print for array tasks not yet started", () => {
    expect(parseJobId("12_[1-3%1]")).toEqual({ jobId: "12", arrayTaskIds: [1, 2, 3], step: null });
    expect(parseJobId("3_[2-5%2]")?.arrayTaskIds).toEqual([2, 3, 4, 5]);
    expect(parseJobId("9_[0,4,7-8]")?.arrayTaskIds).toEqual([0, 4, 7, 8]);
  });

  it("rejects what is not a job id", () => {
    for (const bad of ["", "abc", "12_", "12_[x]", "JOBID", "12_[3-1]"])
      expect(parseJobId(bad)).toBeNull();
  });
});

describe("expandArrayRange", () => {
  it("handles steps and throttles", () => {
    expect(expandArrayRange("0-10:5%2")).toEqual([0, 5, 10]);
    expect(expandArrayRange("7")).toEqual([7]);
    expect(expandArrayRange("%3")).toBeNull();
  });
});

describe("jobKey", () => {
  it("names a job or an array task", () => {
    expect(jobKey("5", null)).toBe("5");
    expect(jobKey("5", 0)).toBe("5_0");
  });
});
