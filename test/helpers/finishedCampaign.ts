/**
 * A finished campaign of n trials as `slurmopt run` leaves one (bench:scale's spec: Sobol,
 * `echo RESULT: %(x)`, local executor, parallelism 4), written through the store API in
 * seconds instead of running n processes: every trial proposed, submitted, started and
 * completed with one attempt, the campaign COMPLETED. For measuring the work at a campaign's
 * end (report.html, results.csv, status, resume) at sizes a real run takes hours to reach.
 */
import { newAttempt } from "../../src/engine/attemptPlan.js";
import { createCampaignRecord } from "../../src/engine/campaignRecord.js";
import { buildCampaign } from "../../src/spec/buildCampaign.js";
import { markCampaignStarted, setCampaignState } from "../../src/store/campaignRows.js";
import {
  insertProposedTrials,
  recordAttemptEnd,
  recordStarted,
  recordSubmitted,
} from "../../src/store/trialRows.js";

/** The spec bench:scale runs with n trials. */
export function scaleSpec(name: string, runDir: string, n: number): Record<string, unknown> {
  return {
    name,
    run_dir: runDir,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: "echo RESULT: %(x)",
    max_eval: n,
    parallelism: 4,
    seed: 1,
    strategy: "SOBOL",
    executor: "local",
  };
}

/** Writes the finished campaign below runDir; returns its folder. */
export function writeFinishedCampaign(runDir: string, name: string, n: number): string {
  const campaign = buildCampaign(scaleSpec(name, runDir, n), {
    cwd: runDir,
    warnings: { warn: () => undefined },
  });
  const { db, row, dir } = createCampaignRecord(campaign);
  const identity = { campaign, uid: row.uid, dir, executorKind: "local" as const };
  const t0 = Date.now() - n * 10;
  markCampaignStarted(db, row.id);
  db.transaction(() => {
    const chunk = 1000;
    for (let start = 0; start < n; start += chunk) {
      const news = Array.from({ length: Math.min(chunk, n - start) }, (_, k) => {
        // A van der Corput sequence: Sobol's first dimension, the values the real run proposes.
        let x = 0;
        for (let i = start + k + 1, f = 0.5; i > 0; i >>= 1, f /= 2) x += (i & 1) * f;
        return {
          paramsJson: JSON.stringify({ x }),
          generator: "sobol",
          generationNode: "SOBOL",
          nodePosition: 0,
          generationMs: 0.2,
          programString: `echo RESULT: ${x}`,
        };
      });
      const made = insertProposedTrials(
        db,
        row.id,
        news,
        (index) => newAttempt(identity, index, 1),
        t0 + start * 10,
      );
      for (const { trial, attempt } of made) {
        const at = t0 + trial.trial_index * 10;
        const pid = 10_000 + (trial.trial_index % 50_000);
        recordSubmitted(
          db,
          [{ attemptId: attempt.id, jobId: null, arrayTaskId: null, pid, pidStartTime: at }],
          at + 1,
        );
        recordStarted(db, attempt.id, at + 1, "localhost");
        const x = (JSON.parse(trial.params_json) as { x: number }).x;
        recordAttemptEnd(
          db,
          attempt.id,
          {
            endTime: at + 6,
            startTime: at + 1,
            exitCode: 0,
            signal: null,
            fault: null,
            reason: null,
            hostname: "localhost",
          },
          {
            state: "COMPLETED",
            resultsJson: JSON.stringify({ RESULT: x }),
            semsJson: null,
            extrasJson: null,
            reason: null,
          },
          null,
        );
      }
    }
  })();
  setCampaignState(db, row.id, "COMPLETED", null);
  db.close();
  return dir;
}
