import { describe, expect, it } from "vitest";
import type { StoredAttempt } from "../../../src/executor/executor.js";
import { awaitSbatchInFlight, jobScriptCandidates } from "../../../src/slurm/sbatchInFlight.js";
import type { NamedJob } from "../../../src/slurm/slurmSubmit.js";
import type { FileEntry, Transport } from "../../../src/transport/transport.js";

const stored = (trial: number): StoredAttempt => ({
  campaignUid: "u1",
  attemptId: trial + 1,
  state: "CREATED",
  jobName: "demo-u1-t4a1",
  indexInJob: trial - 4,
  jobId: null,
  arrayTaskId: null,
  pid: null,
  pidStart: null,
  dir: `/runs/demo/0/jobs/${trial}/1`,
  startTime: null,
  remainingMs: null,
});

/** A transport that only lists: files at their modification times. */
function files(mtimes: Record<string, number>): Transport {
  const list = (dir: string): Promise<FileEntry[]> =>
    Promise.resolve(
      Object.entries(mtimes)
        .filter(([p]) => p.slice(0, p.lastIndexOf("/")) === dir)
        .map(([p, mtimeMs]) => ({
          name: p.slice(p.lastIndexOf("/") + 1),
          isDirectory: false,
          size: 1,
          mtimeMs,
        })),
    );
  const no = (): never => {
    throw new Error("not used");
  };
  return {
    description: "fake",
    run: no,
    readFile: no,
    whichExist: no,
    writeFile: no,
    mkdir: no,
    list,
    remove: no,
    close: () => Promise.resolve(),
  };
}

const ARRAY_SCRIPT = "/runs/demo/0/slurm-arrays/demo-u1-t4a1/job.sbatch";

describe("awaitSbatchInFlight", () => {
  it("knows where a single job's and a job array's script were written", () => {
    expect(jobScriptCandidates([stored(4), stored(5)])).toEqual([
      "/runs/demo/0/jobs/4/1/job.sbatch",
      ARRAY_SCRIPT,
      "/runs/demo/0/jobs/5/1/job.sbatch",
    ]);
  });

  it("does not wait when no script was written (the controller died before sbatch)", async () => {
    let looks = 0;
    const job = await awaitSbatchInFlight("demo-u1-t4a1", [stored(4)], {
      transport: files({}),
      logger: undefined,
      sbatchWindowMs: 65_000,
      find: () => Promise.resolve((looks++, null)),
      everyMs: 1,
    });
    expect(job).toBeNull();
    expect(looks).toBe(0);
  });

  it("does not wait when the script is older than one sbatch call may take", async () => {
    let looks = 0;
    const job = await awaitSbatchInFlight("demo-u1-t4a1", [stored(4), stored(5)], {
      transport: files({ [ARRAY_SCRIPT]: 1_000_000 }),
      logger: undefined,
      sbatchWindowMs: 65_000,
      find: () => Promise.resolve((looks++, null)),
      everyMs: 1,
      now: () => 1_000_000 + 65_000,
    });
    expect(job).toBeNull();
    expect(looks).toBe(0);
  });

  it("adopts the job that appears while a fresh script's sbatch may still be on its way", async () => {
    let t = 1_010_000;
    let looks = 0;
    const late: NamedJob = { jobId: "77", isArray: true };
    const job = await awaitSbatchInFlight("demo-u1-t4a1", [stored(4), stored(5)], {
      transport: files({ [ARRAY_SCRIPT]: 1_000_000 }),
      logger: undefined,
      sbatchWindowMs: 65_000,
      find: () => Promise.resolve(++looks < 3 ? null : late),
      everyMs: 1,
      now: () => (t += 1000),
    });
    expect(job).toEqual(late);
    expect(looks).toBe(3);
  });

  it("gives up once the window has passed, never longer than one window from now", async () => {
    let t = 1_000_000;
    let looks = 0;
    // A clock on the cluster far ahead: the script seems to come from the future.
    const job = await awaitSbatchInFlight("demo-u1-t4a1", [stored(4)], {
      transport: files({ "/runs/demo/0/jobs/4/1/job.sbatch": 9_000_000 }),
      logger: undefined,
      sbatchWindowMs: 10_000,
      find: () => Promise.resolve((looks++, null)),
      everyMs: 1,
      now: () => (t += 1000),
    });
    expect(job).toBeNull();
    expect(looks).toBeLessThanOrEqual(10);
  });
});
