/** The end of an attempt stored by recordEndedAttempt (src/engine/attemptEnd.ts), real SQLite. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordEndedAttempt, type AttemptEndContext } from "../../../src/engine/attemptEnd.js";
import { createTrialProgram } from "../../../src/engine/createTrialProgram.js";
import type { AttemptResult } from "../../../src/executor/executor.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { insertCampaign } from "../../../src/store/campaignRows.js";
import { openStore } from "../../../src/store/openStore.js";
import { getTrial, insertProposedTrials, listAttempts } from "../../../src/store/trialRows.js";

const campaign = buildCampaign(
  {
    name: "demo",
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: "echo RESULT: %(x)",
    max_eval: 2,
    max_retries: 1,
  },
  { cwd: "/tmp", warnings: { warn: () => undefined } },
);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "slurmopt-attempt-end-"));
  const db = openStore(join(dir, "campaign.db"), { create: true });
  const campaignId = insertCampaign(db, { uid: "c1", name: "demo", dir, specJson: "{}" }).id;
  const [first] = insertProposedTrials(
    db,
    campaignId,
    [
      {
        paramsJson: '{"x":0.5}',
        generator: "sobol",
        generationNode: "SOBOL",
        nodePosition: 0,
        generationMs: 1,
        programString: "echo RESULT: 0.5",
      },
    ],
    (i) => ({ executor: "local", jobName: `demo-c1-t${i}a1`, dir: `jobs/${i}/1` }),
  );
  const ctx: AttemptEndContext = {
    identity: { campaign, uid: "c1", dir, executorKind: "local" },
    program: createTrialProgram(campaign),
    progress: null,
    maxRetries: campaign.maxRetries,
    retryAfter: () => null,
  };
  return { db, first: first!, ctx };
}

const result = (over: Partial<AttemptResult>): AttemptResult => ({
  exitCode: 0,
  signal: null,
  fault: null,
  faultReason: null,
  stdout: "",
  startTime: 1000,
  endTime: 2000,
  hostname: "node1",
  retryable: false,
  ...over,
});

describe("recordEndedAttempt", () => {
  it("makes a retry within max_retries, then stores the program's outcome; an attempt seen twice is null", () => {
    const { db, first, ctx } = setup();
    const lost = result({ fault: "NODE_FAIL", faultReason: "node died", retryable: true });
    expect(recordEndedAttempt(db, first.attempt.id, lost, ctx)).toEqual({
      kind: "retry",
      trialIndex: 0,
      attemptNo: 2,
      reason: "node died",
    });
    expect(recordEndedAttempt(db, first.attempt.id, lost, ctx)).toBeNull();
    const second = listAttempts(db, first.trial.id).find((a) => a.attempt_no === 2)!;
    // max_retries 1: the second attempt's retryable fault ends the trial.
    const again = recordEndedAttempt(db, second.id, lost, ctx);
    expect(again).toMatchObject({ kind: "outcome", trialIndex: 0, outcome: { state: "FAILED" } });
    expect(getTrial(db, first.trial.id)!.state).toBe("FAILED");
    db.close();
  });

  it("stores a completed trial's results, and no retry while the campaign stops (maxRetries 0)", () => {
    const { db, first, ctx } = setup();
    const lost = result({ fault: "NODE_FAIL", faultReason: "node died", retryable: true });
    expect(recordEndedAttempt(db, first.attempt.id, lost, { ...ctx, maxRetries: 0 })?.kind).toBe(
      "outcome",
    );
    const { db: db2, first: f2, ctx: c2 } = setup();
    const done = recordEndedAttempt(db2, f2.attempt.id, result({ stdout: "RESULT: 0.25\n" }), c2);
    expect(done).toMatchObject({
      kind: "outcome",
      outcome: { state: "COMPLETED", values: { RESULT: 0.25 } },
    });
    expect(JSON.parse(getTrial(db2, f2.trial.id)!.results_json!)).toEqual({ RESULT: 0.25 });
    db.close();
    db2.close();
  });
});
