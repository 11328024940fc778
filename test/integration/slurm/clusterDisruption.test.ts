/**
 * Tests that disturb the whole single-node cluster: setting the node DOWN kills every job on
 * it, and switching accounting off restarts slurmctld. They must not run beside other Slurm
 * tests, so they run only when SLURMOPT_SLURM_DISRUPTIVE=1, in a vitest run of their own:
 *   SLURMOPT_SLURM_DISRUPTIVE=1 npx vitest run test/integration/slurm/clusterDisruption.test.ts
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { clusterHost, disruptiveEnabled, useDisruptedCluster } from "./disruptionHooks.js";
import { SlurmExecutor } from "../../../src/slurm/slurmExecutor.js";
import type { SlurmSettings } from "../../../src/spec/campaign.js";
import { LocalTransport } from "../../../src/transport/localTransport.js";
import { setClusterMode } from "../slurmCluster.js";
import {
  attempt,
  leakedJobs,
  pollUntilFinished,
  slurmSettings,
  testCampaign,
} from "./slurmTestKit.js";

const sh = promisify(execFile);
const host = clusterHost;
const enabled = disruptiveEnabled;

function executor(settings: SlurmSettings): SlurmExecutor {
  return new SlurmExecutor({
    transport: new LocalTransport(),
    settings,
    pollFloorMs: 100,
    pollIntervalMs: 500,
    maxPollIntervalMs: 2000,
    outputGraceMs: 10_000,
    sbatchGapMs: 0,
  });
}

async function waitStarted(ex: SlurmExecutor, attemptId: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await ex.poll()).some((e) => e.type === "started" && e.attemptId === attemptId)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`attempt ${attemptId} did not start`);
}

describe.skipIf(!enabled)("Slurm cluster disruptions (SLURMOPT_SLURM_DISRUPTIVE=1)", () => {
  useDisruptedCluster(leakedJobs);

  it("a job whose node is set DOWN ends NODE_FAIL (retryable), and a new attempt completes", async () => {
    const c = testCampaign("nodefail");
    const ex = executor(slurmSettings());
    const first = attempt(c, 0, "sleep 60; echo RESULT: 1");
    await ex.submit([first]);
    await waitStarted(ex, first.attemptId);
    await sh("scontrol", ["update", `nodename=${host}`, "state=down", "reason=slurmopt-test"]);
    try {
      const { results } = await pollUntilFinished(ex, [first.attemptId], 90_000);
      expect(results.get(first.attemptId)).toMatchObject({
        fault: "NODE_FAIL",
        retryable: true,
        hostname: host,
      });
    } finally {
      await sh("scontrol", ["update", `nodename=${host}`, "state=resume"]);
    }
    // The retry: the failed node is the only one, so it is not excluded.
    const retry = attempt(c, 0, "echo RESULT: 2", {
      attemptNo: 2,
      jobName: `${c.name}-${c.uid}-t0a2`,
    });
    retry.dir = join(c.dir, "jobs", "0", "2");
    await ex.submit([retry]);
    expect(readFileSync(join(retry.dir, "job.sbatch"), "utf8")).not.toContain("--exclude");
    const { results } = await pollUntilFinished(ex, [retry.attemptId], 90_000);
    expect(results.get(retry.attemptId)).toMatchObject({
      exitCode: 0,
      fault: null,
      stdout: "RESULT: 2\n",
    });
  }, 240_000);

  it("without accounting, falls back to squeue plus the exit-status file", async () => {
    await setClusterMode("no-accounting");
    const r = await sh("sacct", ["-n", "-j", "1"]).catch((e: unknown) => ({
      stdout: "",
      stderr: (e as { stderr?: string }).stderr ?? "",
    }));
    expect(r.stderr).toMatch(/accounting storage is disabled/);
    const c = testCampaign("noacct");
    const ex = executor(slurmSettings());
    const ok = attempt(c, 0, "echo RESULT: 5");
    const failing = attempt(c, 1, "echo partial; exit 4");
    const batch = [2, 3, 4].map((i) =>
      attempt(c, i, 'echo "task $SLURMOPT_TRIAL_INDEX"', { jobName: `${c.name}-${c.uid}-t2a1` }),
    );
    const cancelled = attempt(c, 5, "sleep 300");
    // waitStarted consumes events: start (and cancel) the long job before the others.
    await ex.submit([cancelled]);
    await waitStarted(ex, cancelled.attemptId);
    await ex.cancel([{ campaignUid: c.uid, attemptId: cancelled.attemptId }]);
    await ex.submit([ok]);
    await ex.submit([failing]);
    await ex.submit(batch);
    const ids = [ok, failing, ...batch, cancelled].map((a) => a.attemptId);
    const { results } = await pollUntilFinished(ex, ids, 120_000);
    expect(ex.hasAccounting).toBe(false);
    expect(results.get(ok.attemptId)).toMatchObject({
      exitCode: 0,
      fault: null,
      stdout: "RESULT: 5\n",
      hostname: host,
    });
    expect(results.get(failing.attemptId)).toMatchObject({
      exitCode: 4,
      fault: null,
      stdout: "partial\n",
    });
    for (const [i, a] of batch.entries()) {
      expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, stdout: `task ${i + 2}\n` });
    }
    expect(results.get(cancelled.attemptId)).toMatchObject({ fault: "CANCELLED" });
  }, 240_000);
});
