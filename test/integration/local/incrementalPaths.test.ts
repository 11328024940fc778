/**
 * A growing campaign's per-trial work stays per trial: the runner reads from the store only the
 * trial rows that changed (never the whole campaign per proposal or refill), and keeps no
 * history for a history-free strategy. Counted, never timed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { driveCampaign } from "../../../src/engine/driveCampaign.js";
import { LocalExecutor } from "../../../src/executor/localExecutor.js";
import { silentLogger } from "../../../src/log/logger.js";
import { CampaignSession } from "../../../src/session/campaignSession.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { testDir } from "../../helpers/runCli.js";

async function runSobol(trials: number): Promise<{ rowsRead: number; csvLines: number }> {
  const root = testDir(`incremental-${trials}`);
  const campaign = buildCampaign(
    {
      name: `incremental${trials}`,
      run_dir: root,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: trials,
      parallelism: 4,
      seed: 3,
      strategy: "SOBOL",
      executor: "local",
    },
    { cwd: root, warnings: { warn: () => undefined } },
  );
  const session = await CampaignSession.create(campaign);
  const executor = new LocalExecutor();
  try {
    const handle = driveCampaign(session, { executor, logger: silentLogger() });
    const status = await handle.done;
    expect(status.counts.COMPLETED).toBe(trials);
    const csv = readFileSync(join(session.dir, "results.csv"), "utf8").trim().split("\n");
    return { rowsRead: handle.runner.storeRowsRead, csvLines: csv.length };
  } finally {
    await session.close();
    await executor.close();
  }
}

describe("a growing campaign", () => {
  it("reads each trial's row a bounded number of times, however many trials there are", async () => {
    const small = await runSobol(100);
    const large = await runSobol(400);
    // A trial changes a handful of times (proposed, submitted, running, completed); a runner
    // that re-read every trial per proposal would read ~trials^2 / 8 rows (20,000 at 400).
    expect(small.rowsRead).toBeLessThanOrEqual(5 * 100);
    expect(large.rowsRead).toBeLessThanOrEqual(5 * 400);
    expect(large.rowsRead / 400).toBeLessThanOrEqual((small.rowsRead / 100) * 1.5);
    // results.csv still has every trial (the final rewrite streams them all).
    expect(small.csvLines).toBe(101);
    expect(large.csvLines).toBe(401);
  }, 300_000);
});
