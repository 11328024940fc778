/**
 * Early stopping through the ask/tell API on a real campaign.db: report(index, step, values)
 * stores progress as a progress line does, shouldStop(index) applies the campaign's rule and
 * stores a stopped trial EARLY_STOPPED with its last values as data. Refused calls change
 * nothing.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCampaign, type CampaignSession, type CampaignSpec } from "../../../src/index.js";
import { ProgressLineParser } from "../../../src/earlyStopping/progressLines.js";
import { insertProgress, trialProgress } from "../../../src/store/progressRows.js";
import { insertProposedTrials } from "../../../src/store/trialRows.js";

let work: string;
let session: CampaignSession;

function spec(over: Partial<CampaignSpec> = {}): CampaignSpec {
  return {
    name: "es",
    run_dir: join(work, "runs"),
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    objectives: [{ name: "LOSS", goal: "min" }],
    tracking_metrics: ["ACC"],
    program: "unused",
    max_eval: 20,
    parallelism: 4,
    seed: 3,
    early_stopping: { strategy: "median", min_progression: 1, min_trials: 2 },
    ...over,
  };
}

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-es-api-"));
  session = await createCampaign(spec());
});

afterEach(async () => {
  await session.close();
  rmSync(work, { recursive: true, force: true });
});

/** Everything a refused call could have changed (trials and the progress table). */
function snapshot(s: CampaignSession): string {
  const progress = s.db.prepare("SELECT * FROM trial_progress ORDER BY trial_id, metric, step");
  return JSON.stringify({ trials: s.trials(), progress: progress.all() });
}

function trialId(s: CampaignSession, index: number): number {
  const row = s.db
    .prepare("SELECT id FROM trials WHERE campaign_id = ? AND trial_index = ?")
    .get(s.campaignId, index) as { id: number };
  return row.id;
}

describe("report and shouldStop", () => {
  it("stops a trial worse than the median of the others at its step: EARLY_STOPPED with its last values, data for the models", async () => {
    expect((await session.ask(4)).map((t) => t.index)).toEqual([0, 1, 2, 3]);
    session.report(0, 1, { LOSS: 1, ACC: 0.5 });
    session.report(1, 1, { LOSS: 1 });
    session.report(2, 0, { LOSS: 9 });
    // Before min_progression (1) nothing is decided, however bad.
    expect(session.shouldStop(2)).toBe(false);
    session.report(2, 1, { LOSS: 5, ACC: 0.1 });
    expect(session.shouldStop(0)).toBe(false);
    expect(session.shouldStop(2)).toBe(true);
    const stopped = session.trials()[2]!;
    expect(stopped.state).toBe("EARLY_STOPPED");
    expect(stopped.values).toEqual({ LOSS: 5, ACC: 0.1 });
    expect(stopped.reason).toBe(
      "early stopped: LOSS@1 = 5 worse than the median 1 of 2 other trial(s) at that step",
    );
    // Asked again it stays stopped; it takes no more reports nor results.
    expect(session.shouldStop(2)).toBe(true);
    expect(() => session.report(2, 2, { LOSS: 4 })).toThrow(/trial 2 is already EARLY_STOPPED/);
    expect(() => session.tell(2, { values: { LOSS: 4 } })).toThrow(
      expect.objectContaining({ code: "TRIAL_FINISHED" }),
    );
    // Fewer than min_trials (2) others at the step: no decision.
    session.report(3, 7, { LOSS: 100 });
    expect(session.shouldStop(3)).toBe(false);
    // The early-stopped trial is data: with trial 0 told, the GP node (min_trials_observed 2)
    // has its two observations and proposes.
    expect(await session.ask(1)).toEqual([]);
    session.tell(0, { values: { LOSS: 0.9 } });
    expect((await session.ask(1)).map((t) => [t.index, t.generationNode])).toEqual([[4, "GP"]]);
    // status counts it apart; best() never picks it.
    expect(session.status().counts).toMatchObject({ COMPLETED: 1, EARLY_STOPPED: 1 });
    expect(session.best()!.trial.index).toBe(0);
  });

  it("stores reported values exactly as the same progress lines of a run trial are stored", async () => {
    await session.ask(2);
    session.report(0, 1, { LOSS: 0.5 });
    session.report(0, 2.5, { LOSS: 0.25, ACC: 0.75 });
    session.report(0, 2.5, { LOSS: 0.2 }); // a step reported again keeps its last value
    const lines = "LOSS@1: 0.5\nLOSS@2.5: 0.25\nACC@2.5: 0.75\nLOSS@2.5: 0.2\n";
    const parsed = new ProgressLineParser(new Set(["LOSS", "ACC"])).feed(lines);
    for (const v of parsed) insertProgress(session.db, trialId(session, 1), [v]);
    const rows = trialProgress(session.db, trialId(session, 0));
    expect(rows).toEqual(trialProgress(session.db, trialId(session, 1)));
    expect(rows).toEqual([
      { metric: "ACC", step: 2.5, value: 0.75 },
      { metric: "LOSS", step: 1, value: 0.5 },
      { metric: "LOSS", step: 2.5, value: 0.2 },
    ]);
  });

  it("the percentile rule when maximizing (Ax: worse than the p-th percentile of all at the step)", async () => {
    await session.close();
    session = await createCampaign(
      spec({
        name: "es-max",
        objectives: [{ name: "ACC", goal: "max" }],
        tracking_metrics: [],
        early_stopping: { strategy: "percentile", percentile: 50, min_trials: 3 },
      }),
    );
    await session.ask(4);
    for (const [i, acc] of [0.9, 0.8, 0.7, 0.2].entries()) session.report(i, 2, { ACC: acc });
    // At step 2: 0.9, 0.8, 0.7, 0.2; the 50th percentile is 0.75.
    expect([0, 1, 2, 3].map((i) => session.shouldStop(i))).toEqual([false, false, true, true]);
    expect(session.trials().map((t) => t.state)).toEqual([
      "RUNNING",
      "RUNNING",
      "EARLY_STOPPED",
      "EARLY_STOPPED",
    ]);
  });

  it("refuses bad reports and calls, changing nothing", async () => {
    await session.ask(1);
    insertProposedTrials(
      session.db,
      session.campaignId,
      [
        {
          paramsJson: '{"x":0.5}',
          generator: "sobol",
          generationNode: "SOBOL",
          nodePosition: 0,
          generationMs: 1,
          programString: "p",
        },
      ],
      () => ({ executor: "local", jobName: "j", dir: join(work, "j") }),
    );
    const before = snapshot(session);
    const refused: [() => unknown, string, RegExp][] = [
      [() => session.report(0, 1, { OTHER: 1 }), "RESULT_INVALID", /"OTHER" is neither/],
      [() => session.report(0, 1, { LOSS: NaN }), "RESULT_INVALID", /not a finite number/],
      [() => session.report(0, -1, { LOSS: 1 }), "RESULT_INVALID", /step must be/],
      [() => session.report(0, Infinity, { LOSS: 1 }), "RESULT_INVALID", /step must be/],
      [() => session.report(0, 1, {}), "RESULT_INVALID", /no value given/],
      [() => session.report(9, 1, { LOSS: 1 }), "TRIAL_UNKNOWN", /has no trial 9/],
      [() => session.shouldStop(9), "TRIAL_UNKNOWN", /has no trial 9/],
      [() => session.report(1, 1, { LOSS: 1 }), "TRIAL_CONTROLLED", /run by slurmopt's executor/],
      [() => session.shouldStop(1), "TRIAL_CONTROLLED", /run by slurmopt's executor/],
    ];
    for (const [call, code, message] of refused) {
      expect(call).toThrow(message);
      expect(call).toThrow(expect.objectContaining({ code }));
    }
    expect(snapshot(session)).toBe(before);
  });

  it("shouldStop on a campaign without an early_stopping rule is refused; report still stores", async () => {
    await session.close();
    session = await createCampaign(spec({ name: "no-rule", early_stopping: undefined }));
    await session.ask(1);
    session.report(0, 1, { LOSS: 3 });
    expect(() => session.shouldStop(0)).toThrow(
      expect.objectContaining({ code: "EARLY_STOPPING_OFF" }),
    );
    expect(session.trials()[0]!.state).toBe("RUNNING");
    // Another process reading the same file sees the stored progress.
    const db = new Database(join(session.dir, "campaign.db"), { readonly: true });
    try {
      expect(db.prepare("SELECT metric, step, value FROM trial_progress").all()).toEqual([
        { metric: "LOSS", step: 1, value: 3 },
      ]);
    } finally {
      db.close();
    }
  });
});
