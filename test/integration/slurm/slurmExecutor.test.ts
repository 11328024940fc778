/**
 * The Slurm executor alone, against the real single-node cluster (scripts/slurm-cluster.sh).
 * Tests bound by Slurm's one-minute time resolution run concurrently.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredAttempt } from "../../../src/executor/executor.js";
import { processesByAttemptDir } from "../../../src/executor/processStartTime.js";
import { SlurmExecutor, type SlurmExecutorOptions } from "../../../src/slurm/slurmExecutor.js";
import type { SlurmSettings } from "../../../src/spec/campaign.js";
import { LocalTransport } from "../../../src/transport/localTransport.js";
import type { RunOptions, RunResult, Transport } from "../../../src/transport/transport.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  attempt,
  leakedJobs,
  pollUntilFinished,
  slurmSettings,
  testCampaign,
} from "./slurmTestKit.js";

const sh = promisify(execFile);
const host = hostname().split(".")[0]!;

function executor(
  settings: SlurmSettings,
  over: Partial<SlurmExecutorOptions> = {},
): SlurmExecutor {
  return new SlurmExecutor({
    transport: new LocalTransport(),
    settings,
    pollFloorMs: 100,
    pollIntervalMs: 500,
    maxPollIntervalMs: 2000,
    lostGraceMs: 30_000,
    outputGraceMs: 10_000,
    sbatchGapMs: 0,
    ...over,
  });
}

async function sacctLines(jobId: string, expected = 1): Promise<string[]> {
  // sacct may take a few seconds to learn of jobs that just ended.
  let lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await sh("sacct", ["-n", "-P", "-X", "-j", jobId, "--format=JobID,JobName,State"]);
    lines = r.stdout.trim().split("\n").filter(Boolean);
    if (lines.length >= expected && !lines.some((l) => l.includes("|allocation|"))) {
      return lines;
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error(`sacct does not know all of job ${jobId}: ${lines.join("; ")}`);
}

describe.skipIf(slurmSkipped())("SlurmExecutor on the real cluster", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it("runs one trial as a Slurm job and reports exit code, stdout, node and times", async () => {
    const c = testCampaign("single");
    const ex = executor(slurmSettings());
    const a = attempt(c, 0, 'echo "RESULT: $SLURMOPT_TRIAL_INDEX"; echo "in $(pwd)"; exit 3');
    const [record] = await ex.submit([a]);
    expect(record).toMatchObject({ attemptId: a.attemptId, arrayTaskId: null, pid: null });
    expect(record!.jobId).toMatch(/^\d+$/);
    const { events, results } = await pollUntilFinished(ex, [a.attemptId], 90_000);
    const r = results.get(a.attemptId)!;
    expect(r).toMatchObject({ exitCode: 3, fault: null, hostname: host, retryable: false });
    expect(r.stdout).toBe(`RESULT: 0\nin ${c.dir}\n`);
    expect(r.startTime).not.toBeNull();
    expect(r.endTime).toBeGreaterThanOrEqual(r.startTime!);
    expect(events.map((e) => e.type)).toEqual(["started", "finished"]);
    expect(existsSync(join(a.dir, "job.sbatch"))).toBe(true);
    expect(await sacctLines(record!.jobId!)).toEqual([`${record!.jobId}|${a.jobName}|FAILED`]);
  });

  it("submits trials proposed together as ONE job array with a %K throttle, as sacct shows", async () => {
    const c = testCampaign("array");
    const ex = executor(slurmSettings(), { throttle: 2 });
    const batch = [0, 1, 2, 3, 4].map((i) =>
      attempt(c, i, 'echo "task $SLURMOPT_TRIAL_INDEX"', { jobName: `${c.name}-${c.uid}-t0a1` }),
    );
    const records = await ex.submit(batch);
    expect(ex.commands.calls.sbatch).toBe(1);
    const jobId = records[0]!.jobId!;
    expect(records.map((r) => [r.jobId, r.arrayTaskId])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [jobId, i]),
    );
    const script = readFileSync(
      join(c.dir, "slurm-arrays", batch[0]!.jobName, "job.sbatch"),
      "utf8",
    );
    expect(script).toContain("#SBATCH --array=0-4%2");
    const { results } = await pollUntilFinished(
      ex,
      batch.map((a) => a.attemptId),
      120_000,
    );
    for (const [i, a] of batch.entries()) {
      expect(results.get(a.attemptId)).toMatchObject({
        exitCode: 0,
        fault: null,
        stdout: `task ${i}\n`,
      });
      expect(existsSync(join(a.dir, "slurm.err"))).toBe(true);
      expect(readFileSync(join(a.dir, "job.sbatch"), "utf8")).toBe(script);
    }
    const lines = await sacctLines(jobId, 5);
    expect(lines.sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `${jobId}_${i}|${batch[0]!.jobName}|COMPLETED`),
    );
  });

  it("asks squeue once per poll cycle for all its jobs, never once per job", async () => {
    const c = testCampaign("count");
    const ex = executor(slurmSettings());
    const batch = Array.from({ length: 20 }, (_, i) => attempt(c, i, "sleep 1; echo ok"));
    for (const a of batch) await ex.submit([a]);
    expect(ex.commands.calls.sbatch).toBe(20);
    const { polls } = await pollUntilFinished(
      ex,
      batch.map((a) => a.attemptId),
      180_000,
    );
    expect(ex.commands.calls.squeue).toBeGreaterThan(0);
    expect(ex.commands.calls.squeue).toBeLessThanOrEqual(polls);
    expect(ex.commands.calls.sacct).toBeLessThanOrEqual(polls);
    expect(ex.commands.calls.squeue).toBeLessThan(20);
  });

  it("learns that a job ended from its exit-status file, without waiting for the next squeue", async () => {
    const c = testCampaign("exitwatch");
    // squeue at most every ten minutes: only the attempt's own file can tell it ended in time.
    const ex = executor(slurmSettings(), {
      pollIntervalMs: 600_000,
      maxPollIntervalMs: 600_000,
      exitStatusWatchMs: 200,
    });
    const a = attempt(c, 0, "sleep 2; echo RESULT: 7");
    await ex.submit([a]);
    const { events, results } = await pollUntilFinished(ex, [a.attemptId], 120_000);
    expect(results.get(a.attemptId)).toMatchObject({
      exitCode: 0,
      fault: null,
      stdout: "RESULT: 7\n",
      hostname: host,
    });
    expect(events.map((e) => e.type)).toEqual(["started", "finished"]);
    // The first poll's squeue (due at once), and no second one.
    expect(ex.commands.calls.squeue).toBeLessThanOrEqual(1);
    expect(ex.activeCount).toBe(0);
  });

  it.concurrent(
    "a job cancelled by slurmopt and a job cancelled from outside with scancel both end CANCELLED",
    async () => {
      const c = testCampaign("cancel");
      const ex = executor(slurmSettings());
      const mine = attempt(c, 0, "sleep 300");
      const outside = attempt(c, 1, "sleep 300");
      const records = await ex.submit([mine]);
      const outsideRecords = await ex.submit([outside]);
      // Wait until both run, then cancel.
      const started = new Set<number>();
      const deadline = Date.now() + 60_000;
      while (started.size < 2 && Date.now() < deadline) {
        for (const e of await ex.poll()) if (e.type === "started") started.add(e.attemptId);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(started.size).toBe(2);
      await ex.cancel([{ campaignUid: c.uid, attemptId: mine.attemptId }]);
      await sh("scancel", [outsideRecords[0]!.jobId!]);
      const { results } = await pollUntilFinished(ex, [mine.attemptId, outside.attemptId], 60_000);
      expect(results.get(mine.attemptId)).toMatchObject({ fault: "CANCELLED", retryable: false });
      expect(results.get(outside.attemptId)).toMatchObject({ fault: "CANCELLED" });
      expect(results.get(outside.attemptId)!.faultReason).toMatch(/cancelled/);
      expect(records[0]!.jobId).not.toBe(outsideRecords[0]!.jobId);
    },
    120_000,
  );

  it.concurrent(
    "a job past its memory limit is OUT_OF_MEMORY with Slurm's message",
    async () => {
      const c = testCampaign("oom");
      const ex = executor(slurmSettings({ mem: "100M" }));
      const hog = attempt(
        c,
        0,
        `python3 -c "
import time
a = bytearray(400 * 1024 * 1024)
for i in range(0, len(a), 4096): a[i] = 1
time.sleep(30)
print('RESULT: 1')"`,
      );
      await ex.submit([hog]);
      const { results } = await pollUntilFinished(ex, [hog.attemptId], 120_000);
      const r = results.get(hog.attemptId)!;
      expect(r.fault).toBe("OUT_OF_MEMORY");
      expect(r.faultReason).toMatch(/memory limit/i);
      expect(r.stdout).not.toContain("RESULT");
    },
    150_000,
  );

  it.concurrent(
    "a GPU request is scheduled against the GRES, and more GPUs than a node has fail the preflight",
    async () => {
      const c = testCampaign("gpu");
      const ex = executor(slurmSettings({ gpus: 1 }));
      const a = attempt(c, 0, 'echo "CVD=$CUDA_VISIBLE_DEVICES"');
      await ex.submit([a]);
      const { results } = await pollUntilFinished(ex, [a.attemptId], 90_000);
      expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, stdout: "CVD=0\n" });
      expect(readFileSync(join(a.dir, "job.sbatch"), "utf8")).toContain("#SBATCH --gres=gpu:1\n");

      const tooMany = executor(slurmSettings({ gpus: 3 }));
      await expect(tooMany.submit([attempt(c, 1, "true")])).rejects.toMatchObject({
        code: "PREFLIGHT_FAILED",
        message: expect.stringMatching(/gpus 3 exceeds the 2 GPUs per node/),
      });
      expect(tooMany.commands.calls.sbatch).toBe(0);
    },
    120_000,
  );

  it("fails the preflight for a missing partition and a time above the partition's MaxTime", async () => {
    const c = testCampaign("preflight");
    const missing = executor(slurmSettings({ partition: "nosuch" }));
    await expect(missing.submit([attempt(c, 0, "true")])).rejects.toMatchObject({
      code: "PREFLIGHT_FAILED",
      message: expect.stringMatching(
        /partition "nosuch" does not exist on this cluster \(available: debug, short\)/,
      ),
    });
    const tooLong = executor(slurmSettings({ partition: "short", timeSeconds: 600 }));
    await expect(tooLong.submit([attempt(c, 1, "true")])).rejects.toMatchObject({
      message: expect.stringMatching(
        /time limit 00:10:00 exceeds the MaxTime 00:05:00 of partition "short"/,
      ),
    });
    const tooBig = executor(slurmSettings({ partition: "short", mem: "4G" }));
    await expect(tooBig.submit([attempt(c, 2, "true")])).rejects.toThrow(/MaxMemPerNode 2048 MB/);
  });

  it("reports a job sbatch refused, with sbatch's reason", async () => {
    const c = testCampaign("refused");
    const ex = executor(slurmSettings({ gpus: 3 }), { preflight: false });
    await expect(ex.submit([attempt(c, 0, "true")])).rejects.toThrow(
      /sbatch refused job .*Requested node configuration is not available/,
    );
  });

  it("reconciles an ambiguous sbatch failure by job name and submits nothing twice", async () => {
    const c = testCampaign("ambiguous");
    const real = new LocalTransport();
    let sbatchCalls = 0;
    // The real sbatch runs, but its answer is lost, as when the controller times out.
    const lossy: Transport = {
      description: "local (answers of sbatch lost)",
      run: async (argv: readonly string[], options?: RunOptions): Promise<RunResult> => {
        const r = await real.run(argv, options);
        if (argv.includes("--parsable")) {
          sbatchCalls++;
          return {
            stdout: "",
            stderr:
              "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation",
            exitCode: 1,
            timedOut: false,
          };
        }
        return r;
      },
      readFile: (p) => real.readFile(p),
      whichExist: (p) => real.whichExist(p),
      writeFile: (p, t, m) => real.writeFile(p, t, m),
      mkdir: (p) => real.mkdir(p),
      list: (p) => real.list(p),
      remove: (p) => real.remove(p),
      close: () => real.close(),
    };
    const ex = executor(slurmSettings(), { transport: lossy, reconcileDelayMs: 200 });
    const a = attempt(c, 0, "echo once >> $SLURMOPT_ATTEMPT_DIR/../runs; echo RESULT: 1");
    const [record] = await ex.submit([a]);
    expect(sbatchCalls).toBe(1);
    const named = await sh("squeue", ["--me", "-h", "-t", "all", "--name", a.jobName, "-o", "%i"]);
    expect(named.stdout.trim().split("\n")).toEqual([record!.jobId]);
    const { results } = await pollUntilFinished(ex, [a.attemptId], 90_000);
    expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, fault: null });
    expect(readFileSync(join(a.dir, "..", "runs"), "utf8")).toBe("once\n");
  });

  it("on resume finds a job a crashed controller submitted by its name, and knows what never reached Slurm", async () => {
    const c = testCampaign("resume");
    const first = executor(slurmSettings());
    const a = attempt(c, 0, "sleep 2; echo RESULT: 7");
    const never = attempt(c, 1, "true");
    const [record] = await first.submit([a]);
    // A new controller that never learned the job id.
    const second = executor(slurmSettings());
    const stored = (x: typeof a, state: StoredAttempt["state"]): StoredAttempt => ({
      campaignUid: c.uid,
      attemptId: x.attemptId,
      state,
      jobName: x.jobName,
      indexInJob: 0,
      jobId: null,
      arrayTaskId: null,
      pid: null,
      pidStart: null,
      dir: x.dir,
      startTime: null,
      remainingMs: null,
    });
    const findings = await second.resume([stored(a, "CREATED"), stored(never, "CREATED")]);
    expect(findings).toEqual([
      {
        attemptId: a.attemptId,
        found: "tracked",
        record: {
          attemptId: a.attemptId,
          jobId: record!.jobId,
          arrayTaskId: null,
          pid: null,
          pidStartTime: null,
        },
      },
      { attemptId: never.attemptId, found: "not-submitted" },
    ]);
    const { results } = await pollUntilFinished(second, [a.attemptId], 90_000);
    expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, stdout: "RESULT: 7\n" });
  });

  it("reports a job Slurm does not know as LOST after the grace period, after cancelling it", async () => {
    const c = testCampaign("lost");
    const ex = executor(slurmSettings(), { lostGraceMs: 3000 });
    const a = attempt(c, 0, "true");
    const findings = await ex.resume([
      {
        campaignUid: c.uid,
        attemptId: a.attemptId,
        state: "SUBMITTED",
        jobName: a.jobName,
        indexInJob: 0,
        jobId: "99999999",
        arrayTaskId: null,
        pid: null,
        pidStart: null,
        dir: a.dir,
        startTime: null,
        remainingMs: null,
      },
    ]);
    expect(findings[0]!.found).toBe("tracked");
    const { results } = await pollUntilFinished(ex, [a.attemptId], 30_000);
    const r = results.get(a.attemptId)!;
    expect(r).toMatchObject({ fault: "LOST", retryable: true });
    expect(r.faultReason).toMatch(/no longer knows job 99999999/);
    expect(ex.commands.calls.scancel).toBe(1);
  });

  it("keeps the SLURM_* variables of a surrounding job out of the trial jobs", async () => {
    const c = testCampaign("nested");
    const saved = { ...process.env };
    process.env.SLURM_JOB_ID = "424242";
    process.env.SLURM_FAKE_PARENT = "leaked";
    process.env.SLURM_CPUS_PER_TASK = "7";
    try {
      const ex = executor(slurmSettings());
      const a = attempt(c, 0, "env | grep '^SLURM_' | sort");
      const [record] = await ex.submit([a]);
      const { results } = await pollUntilFinished(ex, [a.attemptId], 90_000);
      const env = results.get(a.attemptId)!.stdout;
      expect(env).toContain(`SLURM_JOB_ID=${record!.jobId}\n`);
      expect(env).not.toContain("SLURM_FAKE_PARENT");
      expect(env).not.toContain("SLURM_CPUS_PER_TASK=7");
    } finally {
      for (const k of ["SLURM_JOB_ID", "SLURM_FAKE_PARENT", "SLURM_CPUS_PER_TASK"]) {
        if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = saved[k];
      }
    }
  });

  it("ends the background children a trial left behind, in a single job and in an array task", async () => {
    const c = testCampaign("children");
    const ex = executor(slurmSettings());
    const single = attempt(c, 0, `sleep 297 & echo "RESULT: 1"`);
    const batch = [1, 2].map((i) =>
      attempt(c, i, `(trap '' TERM; exec sleep 298) & echo "RESULT: ${i}"`, {
        jobName: `${c.name}-${c.uid}-children`,
      }),
    );
    await ex.submit([single]);
    await ex.submit(batch);
    const all = [single, ...batch];
    const { results } = await pollUntilFinished(
      ex,
      all.map((a) => a.attemptId),
      120_000,
    );
    for (const a of all)
      expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, fault: null });
    // The single-node cluster runs the jobs on this machine; each of a trial's processes
    // carries its SLURMOPT_ATTEMPT_DIR.
    const left = () => {
      const byDir = processesByAttemptDir();
      return all.flatMap((a) => byDir.get(a.dir) ?? []);
    };
    const end = Date.now() + 20_000;
    while (left().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(left()).toEqual([]);
  });
});
