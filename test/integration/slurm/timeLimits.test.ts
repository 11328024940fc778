/**
 * Time limits and the signal sent before them, on the real cluster. Slurm checks limits about
 * once a minute, so these tests take minutes: they run concurrently.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlurmExecutor } from "../../../src/slurm/slurmExecutor.js";
import { LocalTransport } from "../../../src/transport/localTransport.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  attempt,
  leakedJobs,
  pollUntilFinished,
  slurmSettings,
  testCampaign,
} from "./slurmTestKit.js";

const POLL_MS = 2000;

describe.skipIf(slurmSkipped())("Slurm time limits", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it.concurrent(
    "with a 2-minute limit and a 30 s signal delay, the program records the signal 30-90 s before its limit, then ends TIMEOUT",
    async () => {
      const c = testCampaign("signal");
      const ex = new SlurmExecutor({
        transport: new LocalTransport(),
        settings: slurmSettings({ signal: "USR1", signalDelaySeconds: 30 }),
        pollFloorMs: 100,
        pollIntervalMs: POLL_MS,
        maxPollIntervalMs: POLL_MS,
      });
      const a = attempt(
        c,
        0,
        `trap 'date +%s > "$SLURMOPT_ATTEMPT_DIR/signal-at"' USR1
date +%s > "$SLURMOPT_ATTEMPT_DIR/started-at"
while :; do sleep 1; done`,
        { timeoutMs: 120_000 },
      );
      await ex.submit([a]);
      expect(readFileSync(join(a.dir, "job.sbatch"), "utf8")).toContain(
        "#SBATCH --signal=B:USR1@30\n",
      );
      const { results } = await pollUntilFinished(ex, [a.attemptId], 300_000, POLL_MS);
      const r = results.get(a.attemptId)!;
      expect(r.fault).toBe("TIMEOUT");
      const startedAt = Number(readFileSync(join(a.dir, "started-at"), "utf8"));
      const signalAt = Number(readFileSync(join(a.dir, "signal-at"), "utf8"));
      const beforeLimit = startedAt + 120 - signalAt;
      expect(beforeLimit).toBeGreaterThanOrEqual(30 - 2);
      expect(beforeLimit).toBeLessThanOrEqual(90 + POLL_MS / 1000);
      expect(readFileSync(join(a.dir, "slurm.err"), "utf8")).toMatch(
        /received SIGUSR1 .* forwarding it/,
      );
    },
    330_000,
  );

  it.concurrent(
    "a trial past its 1-minute limit is TIMEOUT, and the script still writes its exit status",
    async () => {
      const c = testCampaign("timeout");
      const ex = new SlurmExecutor({
        transport: new LocalTransport(),
        settings: slurmSettings(),
        pollFloorMs: 100,
        pollIntervalMs: POLL_MS,
        maxPollIntervalMs: POLL_MS,
      });
      const a = attempt(c, 0, "echo begun; sleep 600", { timeoutMs: 60_000 });
      await ex.submit([a]);
      expect(readFileSync(join(a.dir, "job.sbatch"), "utf8")).toContain(
        "#SBATCH --time=00:01:00\n",
      );
      const { results } = await pollUntilFinished(ex, [a.attemptId], 240_000, POLL_MS);
      const r = results.get(a.attemptId)!;
      expect(r).toMatchObject({ fault: "TIMEOUT", stdout: "begun\n", retryable: false });
      expect(readFileSync(join(a.dir, "exit-status"), "utf8")).toMatch(
        // At the limit Slurm signals every process of the job, so the program may die of TERM
        // before the batch shell's trap records that it forwarded one: signal= is optional.
        // killed=N is the wait status's signal, written where perl runs the program (a93638e).
        /^exit=\d+ start=\d+ end=\d+ host=\S+( signal=TERM)?( killed=\d+)?\n$/,
      );
      expect(r.endTime - r.startTime!).toBeGreaterThanOrEqual(59_000);
    },
    270_000,
  );
});
