/**
 * A large finished campaign written through the project's store API (createCampaignRecord,
 * insertProposedTrials, recordSubmitted, recordStarted, recordAttemptEnd) without running any
 * process: Branin values at seeded random points, every 40th trial FAILED, every 97th TIMEOUT,
 * every 60th retried once after a node failure. For the report's size tests and bench:report.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCampaignRecord, type OpenCampaign } from "../../src/engine/campaignRecord.js";
import { newAttempt } from "../../src/engine/attemptPlan.js";
import { buildCampaign } from "../../src/spec/buildCampaign.js";
import { setCampaignState } from "../../src/store/campaignRows.js";
import {
  insertProposedTrials,
  recordAttemptEnd,
  recordStarted,
  recordSubmitted,
} from "../../src/store/trialRows.js";

function branin(x: number, y: number): number {
  const a = y - (5.1 / (4 * Math.PI ** 2)) * x ** 2 + (5 / Math.PI) * x - 6;
  return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
}

/** A seeded uniform generator (mulberry32), so the campaign is the same in every run. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticCounts {
  completed: number;
  failed: number;
  timeout: number;
  attempts: number;
}

export function writeSyntheticCampaign(
  runDir: string,
  trials: number,
  name = "synthetic",
): { dir: string; counts: SyntheticCounts } {
  const campaign = buildCampaign(
    {
      name,
      run_dir: runDir,
      parameters: [
        { name: "x", type: "range", bounds: [-5, 10] },
        { name: "y", type: "range", bounds: [0, 15] },
        { name: "opt", type: "choice", values: ["adam", "sgd"] },
      ],
      objectives: [{ name: "RESULT", goal: "min" }],
      program: "echo RESULT: 1",
      max_eval: trials,
      parallelism: 50,
      seed: 5,
      executor: "slurm",
      strategy: "SOBOL=20,GP",
    },
    { cwd: runDir, warnings: { warn: () => undefined } },
  );
  const open: OpenCampaign = createCampaignRecord(campaign);
  const { db, row, dir } = open;
  const rnd = uniform(17);
  const counts: SyntheticCounts = { completed: 0, failed: 0, timeout: 0, attempts: 0 };
  const identity = { campaign, uid: row.uid, dir, executorKind: "slurm" as const };
  const t0 = Date.now() - trials * 2000 - 60_000;
  db.transaction(() => {
    const chunk = 500;
    for (let start = 0; start < trials; start += chunk) {
      const n = Math.min(chunk, trials - start);
      const news = Array.from({ length: n }, (_, k) => {
        const i = start + k;
        const x = -5 + 15 * rnd();
        const y = 15 * rnd();
        return {
          paramsJson: JSON.stringify({ x, y, opt: rnd() < 0.5 ? "adam" : "sgd" }),
          generator: i < 20 ? "sobol" : "gp",
          generationNode: i < 20 ? "SOBOL" : "GP",
          nodePosition: i < 20 ? 0 : 1,
          generationMs: i < 20 ? 1 : 40,
          programString: "echo RESULT: 1",
        };
      });
      const made = insertProposedTrials(
        db,
        row.id,
        news,
        (index) => newAttempt(identity, index, 1),
        t0 + start * 2000,
      );
      for (const { trial, attempt } of made) {
        const i = trial.trial_index;
        const submit = t0 + i * 2000;
        let attemptId = attempt.id;
        recordSubmitted(
          db,
          [
            {
              attemptId,
              jobId: String(100000 + i),
              arrayTaskId: null,
              pid: null,
              pidStartTime: null,
            },
          ],
          submit,
        );
        counts.attempts++;
        if (i % 60 === 59) {
          recordStarted(db, attemptId, submit + 500, "node1");
          const retry = recordAttemptEnd(
            db,
            attemptId,
            {
              endTime: submit + 900,
              startTime: submit + 500,
              exitCode: null,
              signal: null,
              fault: "NODE_FAIL",
              reason: "node failure: retried",
              hostname: "node1",
            },
            null,
            newAttempt(identity, i, 2),
          );
          attemptId = retry!.id;
          recordSubmitted(
            db,
            [
              {
                attemptId,
                jobId: String(500000 + i),
                arrayTaskId: null,
                pid: null,
                pidStartTime: null,
              },
            ],
            submit + 1000,
          );
          counts.attempts++;
        }
        const start2 = submit + 1200 + Math.floor(rnd() * 3000);
        const end = start2 + 20_000 + Math.floor(rnd() * 40_000);
        recordStarted(db, attemptId, start2, `node${1 + (i % 4)}`);
        const params = JSON.parse(trial.params_json) as { x: number; y: number };
        const end_ = {
          endTime: end,
          startTime: start2,
          signal: null,
          hostname: `node${1 + (i % 4)}`,
        };
        if (i % 40 === 39) {
          counts.failed++;
          recordAttemptEnd(
            db,
            attemptId,
            { ...end_, exitCode: 1, fault: null, reason: "exit code 1 and no RESULT line" },
            {
              state: "FAILED",
              resultsJson: null,
              semsJson: null,
              extrasJson: null,
              reason: "exit code 1 and no RESULT line",
            },
            null,
          );
        } else if (i % 97 === 96) {
          counts.timeout++;
          recordAttemptEnd(
            db,
            attemptId,
            { ...end_, exitCode: null, fault: "TIMEOUT", reason: "time limit reached" },
            {
              state: "TIMEOUT",
              resultsJson: null,
              semsJson: null,
              extrasJson: null,
              reason: "time limit reached",
            },
            null,
          );
        } else {
          counts.completed++;
          recordAttemptEnd(
            db,
            attemptId,
            { ...end_, exitCode: 0, fault: null, reason: null },
            {
              state: "COMPLETED",
              resultsJson: JSON.stringify({ RESULT: branin(params.x, params.y) }),
              semsJson: null,
              extrasJson: null,
              reason: null,
            },
            null,
          );
        }
      }
    }
  })();
  setCampaignState(db, row.id, "COMPLETED", "max_eval reached");
  // One failed trial's stderr, as a Slurm job would leave it.
  const failedDir = join(dir, "jobs", "39", "1");
  mkdirSync(failedDir, { recursive: true });
  writeFileSync(
    join(failedDir, "stderr"),
    "Traceback (most recent call last):\nValueError: synthetic failure\n",
  );
  db.close();
  return { dir, counts };
}
