import { describe, expect, it } from "vitest";
import type { AttemptToRun } from "../../../src/executor/executor.js";
import { isAmbiguousSbatchFailure, parseSbatchParsable } from "../../../src/slurm/slurmCommands.js";
import {
  dependencyArgs,
  directivesFor,
  renderJob,
  timeLimitFor,
} from "../../../src/slurm/slurmSubmit.js";
import type { SlurmSettings } from "../../../src/spec/campaign.js";

const settings: SlurmSettings = {
  partition: "short",
  timeSeconds: 300,
  mem: "1G",
  cpusPerTask: 2,
  nodes: 1,
  gpus: 1,
  account: "proj",
  reservation: null,
  qos: null,
  exclude: "bad01",
  constraint: null,
  extraDirectives: ["--mail-type=NONE"],
  setup: ["module load gcc"],
  signal: "USR2",
  signalDelaySeconds: 90,
  template: null,
  arrayTemplate: null,
  maxArraySize: 1000,
  pollIntervalSeconds: 5,
  maxPollIntervalSeconds: 60,
  maxRetries: 2,
  outputGraceSeconds: 30,
};

const TEMPLATE = "#!/bin/bash\n{{directives}}\n{{attempt}}\n{{setup}}\n";

const attempt = (i: number, over: Partial<AttemptToRun> = {}): AttemptToRun => ({
  attemptId: 10 + i,
  trialId: i,
  trialIndex: i,
  attemptNo: 1,
  campaignUid: "ab12",
  campaignName: "demo",
  jobName: "demo-ab12-t0a1",
  command: `echo ${i}`,
  env: {},
  workdir: "/work",
  dir: `/runs/demo/0/jobs/${i}/1`,
  timeoutMs: 120_000,
  ...over,
});

describe("directivesFor", () => {
  it("maps the campaign's Slurm settings, with --no-requeue so slurmopt decides on retries", () => {
    expect(directivesFor(settings, "n", 60, ["bad01", "bad02"])).toEqual({
      jobName: "n",
      partition: "short",
      timeLimitS: 60,
      mem: "1G",
      cpusPerTask: 2,
      nodes: 1,
      gpus: 1,
      account: "proj",
      reservation: null,
      qos: null,
      exclude: ["bad01", "bad02"],
      constraint: null,
      extraDirectives: ["--mail-type=NONE"],
      signal: { name: "USR2", delayS: 90 },
      noRequeue: true,
    });
  });
});

describe("timeLimitFor", () => {
  it("uses the attempts' worker time-out, else the campaign's time", () => {
    expect(timeLimitFor([attempt(0), attempt(1, { timeoutMs: 90_500 })], settings)).toBe(120);
    expect(timeLimitFor([attempt(0, { timeoutMs: null })], settings)).toBe(300);
    expect(
      timeLimitFor([attempt(0, { timeoutMs: null })], { ...settings, timeSeconds: null }),
    ).toBeNull();
  });
});

describe("renderJob", () => {
  const ctx = {
    settings,
    templates: { trial: { name: "t", text: TEMPLATE }, array: { name: "a", text: TEMPLATE } },
    exclude: ["bad01"],
    throttle: 2,
    arrayDir: "/runs/demo/0/slurm-arrays/demo-ab12-t0a1",
  };

  it("renders one attempt as a trial job whose script lives in its attempt directory", () => {
    const job = renderJob([attempt(0)], ctx);
    expect(job.path).toBe("/runs/demo/0/jobs/0/1/job.sbatch");
    expect(job.tasks.map((t) => t.arrayTaskId)).toEqual([null]);
    expect(job.script).toContain("#SBATCH --time=00:02:00\n");
    expect(job.script).toContain("#SBATCH --exclude=bad01\n");
    expect(job.script).toContain("#SBATCH --signal=B:USR2@90\n");
    expect(job.script).not.toContain("--array");
  });

  it("renders several attempts as one array, task index = position in the batch", () => {
    const job = renderJob([attempt(0), attempt(1), attempt(2)], ctx);
    expect(job.path).toBe("/runs/demo/0/slurm-arrays/demo-ab12-t0a1/job.sbatch");
    expect(job.tasks.map((t) => [t.attempt.attemptId, t.arrayTaskId])).toEqual([
      [10, 0],
      [11, 1],
      [12, 2],
    ]);
    expect(job.script).toContain("#SBATCH --array=0-2%2\n");
  });

  it("drops a throttle that does not limit anything", () => {
    expect(renderJob([attempt(0), attempt(1)], ctx).script).toContain("#SBATCH --array=0-1\n");
  });
});

describe("sbatch answers", () => {
  it("reads the job id of --parsable, with or without a cluster name", () => {
    expect(parseSbatchParsable("12345\n")).toBe("12345");
    expect(parseSbatchParsable("12345;cluster\n")).toBe("12345");
    expect(parseSbatchParsable("sbatch: warning: x\n678\n")).toBe("678");
    expect(parseSbatchParsable("Submitted batch job 5\n")).toBeNull();
  });

  it("tells an ambiguous failure (the job may exist) from a refusal", () => {
    const r = { stdout: "", exitCode: 1, timedOut: false };
    expect(
      isAmbiguousSbatchFailure({
        ...r,
        stderr:
          "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation",
      }),
    ).toBe(true);
    expect(isAmbiguousSbatchFailure({ ...r, stderr: "", exitCode: null, timedOut: true })).toBe(
      true,
    );
    expect(
      isAmbiguousSbatchFailure({
        ...r,
        stderr:
          "sbatch: error: Batch job submission failed: Requested node configuration is not available",
      }),
    ).toBe(false);
    expect(
      isAmbiguousSbatchFailure({
        ...r,
        stderr: "sbatch: error: invalid partition specified: nosuch",
      }),
    ).toBe(false);
  });
});

describe("dependencyArgs (submit-ahead)", () => {
  it("queues a single trial's job behind the job it names, and nothing else", () => {
    expect(dependencyArgs([attempt(1, { afterJob: "4711" })])).toEqual([
      "--dependency=afterany:4711",
    ]);
    expect(dependencyArgs([attempt(1, { afterJob: "4711_3" })])).toEqual([
      "--dependency=afterany:4711_3",
    ]);
    expect(dependencyArgs([attempt(1)])).toEqual([]);
    // An array never waits behind one job.
    expect(dependencyArgs([attempt(1, { afterJob: "4711" }), attempt(2)])).toEqual([]);
  });

  it("refuses anything but a Slurm job id", () => {
    expect(() => dependencyArgs([attempt(1, { afterJob: "4711;rm -rf /" })])).toThrow(
      /not a Slurm job id/,
    );
    expect(() => dependencyArgs([attempt(1, { afterJob: "afterok:1" })])).toThrow(
      /not a Slurm job id/,
    );
  });
});
