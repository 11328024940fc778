/**
 * What a failed submission means for the stored attempts (real SQLite; the executor is a
 * scripted one, since the point is the decision, not the cluster: the SSH and Slurm campaign
 * tests show the same paths against the real cluster).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newAttempt, type CampaignIdentity } from "../../../src/engine/attemptPlan.js";
import { AttemptSubmitter, type SubmitterHost } from "../../../src/engine/attemptSubmitter.js";
import { createTrialProgram } from "../../../src/engine/createTrialProgram.js";
import { ClusterError } from "../../../src/errors/errors.js";
import type {
  AttemptToRun,
  Executor,
  ResumeFinding,
  SubmitRecord,
} from "../../../src/executor/executor.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { insertCampaign } from "../../../src/store/campaignRows.js";
import { openStore, type Db } from "../../../src/store/openStore.js";
import { insertProposedTrials, listAttempts, listTrials } from "../../../src/store/trialRows.js";

let work: string;
let db: Db;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-submitter-"));
  db = openStore(join(work, "campaign.db"), { create: true });
});

afterEach(() => {
  db.close();
  rmSync(work, { recursive: true, force: true });
});

/** An executor whose submit() answers from a script, one entry per call. */
function scriptedExecutor(
  answers: ((batch: readonly AttemptToRun[]) => SubmitRecord[])[],
): Executor & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    kind: "slurm",
    calls,
    submit: (batch) => {
      calls.push(batch.map((a) => a.attemptId));
      const answer = answers.shift();
      if (!answer) return Promise.reject(new Error("no scripted answer left"));
      try {
        return Promise.resolve(answer(batch));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    poll: () => Promise.resolve([]),
    cancel: () => Promise.resolve(),
    resume: () => Promise.resolve([] as ResumeFinding[]),
    close: () => Promise.resolve(),
  };
}

const submitted = (batch: readonly AttemptToRun[]): SubmitRecord[] =>
  batch.map((a, i) => ({
    attemptId: a.attemptId,
    jobId: "100",
    arrayTaskId: i,
    pid: null,
    pidStartTime: null,
  }));

function setup(executor: Executor, trials = 2) {
  const campaign = buildCampaign(
    {
      name: "sub",
      run_dir: work,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: 10,
      executor: "slurm",
    },
    { cwd: work, warnings: { warn: () => undefined } },
  );
  const row = insertCampaign(db, { uid: "u1", name: "sub", dir: work, specJson: "{}" }, 1000);
  const identity: CampaignIdentity = { campaign, uid: "u1", dir: work, executorKind: "slurm" };
  insertProposedTrials(
    db,
    row.id,
    Array.from({ length: trials }, (_, i) => ({
      paramsJson: JSON.stringify({ x: i / 10 }),
      generator: "sobol",
      generationNode: "SOBOL",
      nodePosition: 0,
      generationMs: 1,
      programString: "echo",
    })),
    (index) => newAttempt(identity, index, 1, 0),
  );
  const events: { refused: string[]; logs: string[]; failureChecks: number } = {
    refused: [],
    logs: [],
    failureChecks: 0,
  };
  const host: SubmitterHost = {
    db,
    campaignId: row.id,
    executor,
    program: createTrialProgram(campaign),
    identity: () => identity,
    running: () => true,
    cancelling: () => false,
    refused: (reason) => events.refused.push(reason),
    log: (_level, message) => events.logs.push(message),
    cancel: () => undefined,
    changed: () => undefined,
    checkFailureLimit: () => events.failureChecks++,
  };
  const attemptStates = (): string[] =>
    listTrials(db, row.id).flatMap((t) =>
      listAttempts(db, t.id).map((a) => `${a.state}${a.fault ? `:${a.fault}` : ""}`),
    );
  return { submitter: new AttemptSubmitter(host), events, attemptStates };
}

describe("AttemptSubmitter", () => {
  it("keeps the attempts CREATED and holds further submissions when the cluster does not answer", async () => {
    const ex = scriptedExecutor([
      () => {
        throw new ClusterError("CLUSTER_UNREACHABLE", "sbatch got no clear answer");
      },
    ]);
    const { submitter, events, attemptStates } = setup(ex);
    await submitter.submitCreated();
    expect(attemptStates()).toEqual(["CREATED", "CREATED"]);
    expect(events.logs[0]).toMatch(
      /2 trial\(s\) wait for submission \(sbatch got no clear answer\); trying again in 5 s/,
    );
    // Held: a call during the wait submits nothing.
    await submitter.submitCreated();
    expect(ex.calls).toHaveLength(1);
    expect(attemptStates()).toEqual(["CREATED", "CREATED"]);
  });

  it("a lost SSH connection is an outage; an answer such as permission denied is final", async () => {
    const lost = new ClusterError("TRANSPORT_ERROR", "writing job.sbatch failed: Not connected", {
      unreachable: true,
    });
    const denied = new ClusterError("SLURM_ERROR", "could not write the job script", {
      cause: new ClusterError("TRANSPORT_ERROR", "writing failed: Permission denied"),
    });
    const first = setup(
      scriptedExecutor([
        () => {
          throw lost;
        },
      ]),
    );
    await first.submitter.submitCreated();
    expect(first.attemptStates()).toEqual(["CREATED", "CREATED"]);
    db.close();
    rmSync(work, { recursive: true, force: true });
    work = mkdtempSync(join(tmpdir(), "slurmopt-submitter-"));
    db = openStore(join(work, "campaign.db"), { create: true });
    const second = setup(
      scriptedExecutor([
        () => {
          throw denied;
        },
      ]),
    );
    await second.submitter.submitCreated();
    expect(second.attemptStates()).toEqual(["FINISHED:SUBMIT_FAILED", "FINISHED:SUBMIT_FAILED"]);
    expect(second.events.failureChecks).toBe(1);
  });

  it("stops the campaign on a refused host key and leaves the attempts CREATED for resume", async () => {
    const { submitter, events, attemptStates } = setup(
      scriptedExecutor([
        () => {
          throw new ClusterError("SSH_HOST_KEY", "WARNING: SSH HOST KEY FOR h HAS CHANGED.");
        },
      ]),
    );
    await submitter.submitCreated();
    expect(attemptStates()).toEqual(["CREATED", "CREATED"]);
    expect(events.refused).toEqual([
      "the cluster refused access: WARNING: SSH HOST KEY FOR h HAS CHANGED; the running jobs go on, nothing more is submitted; fix it, then slurmopt resume",
    ]);
  });

  it("tries an attempt left out of a submission again, and fails it the third time in a row", async () => {
    const firstOnly = (batch: readonly AttemptToRun[]) => submitted(batch.slice(0, 1));
    const none = () => [] as SubmitRecord[];
    const ex = scriptedExecutor([firstOnly, none, none]);
    const { submitter, attemptStates } = setup(ex);
    await submitter.submitCreated();
    expect(attemptStates()).toEqual(["SUBMITTED", "CREATED"]);
    await submitter.submitCreated();
    expect(attemptStates()).toEqual(["SUBMITTED", "CREATED"]);
    await submitter.submitCreated();
    expect(attemptStates()).toEqual(["SUBMITTED", "FINISHED:SUBMIT_FAILED"]);
    expect(ex.calls.map((c) => c.length)).toEqual([2, 1, 1]);
  });

  it("runs one submission at a time: calls made meanwhile share one follow-up", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const calls: number[] = [];
    const ex: Executor = {
      ...scriptedExecutor([]),
      submit: async (batch) => {
        calls.push(batch.length);
        await gate;
        return submitted(batch);
      },
    };
    const { submitter, attemptStates } = setup(ex);
    const first = submitter.submitCreated();
    const second = submitter.submitCreated();
    const third = submitter.submitCreated();
    expect(third).toBe(second);
    release();
    await Promise.all([first, second, third]);
    expect(calls).toEqual([2]);
    expect(attemptStates()).toEqual(["SUBMITTED", "SUBMITTED"]);
  });
});
