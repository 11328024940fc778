import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createCampaign,
  openCampaign,
  optimize,
  type CampaignSession,
  type CampaignSpec,
} from "../../../src/index.js";
import { insertProposedTrials } from "../../../src/store/trialRows.js";

let work: string;
let session: CampaignSession;

function spec(over: Partial<CampaignSpec> = {}): CampaignSpec {
  return {
    name: "svc",
    run_dir: join(work, "runs"),
    parameters: [
      { name: "x", type: "range", bounds: [0, 1] },
      { name: "k", type: "choice", values: ["a", "b", "c"] },
    ],
    program: "echo RESULT: %(x)",
    max_eval: 20,
    parallelism: 4,
    seed: 7,
    ...over,
  };
}

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-session-"));
  session = await createCampaign(spec());
});

afterEach(async () => {
  await session.close();
  rmSync(work, { recursive: true, force: true });
});

/** Everything a bad call could have changed. */
function snapshot(s: CampaignSession): string {
  return JSON.stringify({ trials: s.trials(), row: s.refreshRow() });
}

describe("ask and tell", () => {
  it("hands out distinct pending trials, capped by the parallelism", async () => {
    const asked = await session.ask(10);
    expect(asked.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(asked.map((t) => JSON.stringify(t.parameters))).size).toBe(4);
    expect(asked.every((t) => t.generationNode === "SOBOL")).toBe(true);
    expect(session.trials().map((t) => t.state)).toEqual([
      "RUNNING",
      "RUNNING",
      "RUNNING",
      "RUNNING",
    ]);
    expect(await session.ask(1)).toEqual([]);
    session.tell(0, { values: { RESULT: 0.5 }, sems: { RESULT: 0.01 } });
    // The GP node waits for min_trials_observed (2) results: the free slot stays free.
    expect(await session.ask(5)).toEqual([]);
    session.tell(1, { values: { RESULT: 0.7 } });
    const next = await session.ask(1);
    expect(next.map((t) => [t.index, t.generationNode])).toEqual([[4, "GP"]]);
    const t0 = session.trials()[0]!;
    expect(t0.state).toBe("COMPLETED");
    expect(t0.values).toEqual({ RESULT: 0.5 });
    expect(t0.sems).toEqual({ RESULT: 0.01 });
  });

  it("fail, abandon, best and pareto", async () => {
    await session.ask(4);
    session.tell(0, { values: { RESULT: 3 } });
    session.tell(1, { values: { RESULT: 1 } });
    session.fail(2, "out of memory");
    session.abandon(3);
    const states = session.trials().map((t) => [t.state, t.reason]);
    expect(states).toEqual([
      ["COMPLETED", null],
      ["COMPLETED", null],
      ["FAILED", "out of memory"],
      ["CANCELLED", "abandoned"],
    ]);
    expect(session.best()?.trial.index).toBe(1);
    expect(session.pareto().map((t) => t.index)).toEqual([1]);
    // An abandoned point is never proposed again.
    const abandoned = JSON.stringify(session.trials()[3]!.parameters);
    const more = await session.ask(4);
    expect(more.map((t) => JSON.stringify(t.parameters))).not.toContain(abandoned);
  });

  it("attach with and without results, checked against the space", () => {
    expect(session.refreshRow().state).toBe("CREATED");
    const a = session.attach({ x: "0.25", k: "b" }, { values: { RESULT: 0.1 } });
    expect(a).toMatchObject({ index: 0, state: "COMPLETED", generationNode: "MANUAL" });
    expect(a.parameters).toEqual({ x: 0.25, k: "b" });
    expect(session.refreshRow().state).toBe("RUNNING");
    const b = session.attach({ x: 0.75, k: "c" });
    expect(b.state).toBe("RUNNING");
    session.tell(b.index, { values: { RESULT: 0.2 } });
    expect(session.best()?.trial.index).toBe(0);
    const before = snapshot(session);
    expect(() => session.attach({ x: 2, k: "a" })).toThrow(
      /parameter "x" must lie in \[0, 1\], got 2/,
    );
    expect(() => session.attach({ x: 0.5, k: "z" })).toThrow(/must be one of a, b, c/);
    expect(() => session.attach({ x: 0.5, k: "a", y: 1 })).toThrow(/unknown parameter "y"/);
    expect(() => session.attach({ x: "abc", k: "a" })).toThrow(/"x" must be a number, got "abc"/);
    expect(() => session.attach({ x: 0.5 })).toThrow(/parameter "k" is missing/);
    expect(snapshot(session)).toBe(before);
  });

  it("a campaign made through the API opens again with its trials", async () => {
    await session.ask(2);
    session.tell(1, { values: { RESULT: 2 } });
    const dir = session.dir;
    await session.close();
    session = await openCampaign(dir);
    expect(session.trials().map((t) => t.state)).toEqual(["RUNNING", "COMPLETED"]);
    expect(session.maxParallelism()[0]).toMatchObject({ maxParallelism: 4 });
  });
});

describe("bad calls are refused with a clear message and change nothing", () => {
  beforeEach(async () => {
    await session.ask(3);
    session.tell(0, { values: { RESULT: 1 } });
    session.fail(1, "crashed");
  });

  const cases: [string, (s: CampaignSession) => unknown, RegExp, string][] = [
    [
      "tell of an unknown index",
      (s) => s.tell(99, { values: { RESULT: 1 } }),
      /has no trial 99/,
      "TRIAL_UNKNOWN",
    ],
    [
      "a duplicate tell",
      (s) => s.tell(0, { values: { RESULT: 2 } }),
      /trial 0 is already COMPLETED/,
      "TRIAL_FINISHED",
    ],
    [
      "tell of a FAILED trial",
      (s) => s.tell(1, { values: { RESULT: 2 } }),
      /trial 1 is already FAILED \(crashed\)/,
      "TRIAL_FINISHED",
    ],
    [
      "a result that is not a number",
      (s) => s.tell(2, { values: { RESULT: Number.NaN } }),
      /RESULT = null is not a finite number/,
      "RESULT_INVALID",
    ],
    [
      "a result given as text",
      (s) => s.tell(2, { values: { RESULT: "0.3" as unknown as number } }),
      /RESULT = "0.3" is not a finite number/,
      "RESULT_INVALID",
    ],
    [
      "a missing objective",
      (s) => s.tell(2, { values: { LOSS: 1 } }),
      /no value for RESULT/,
      "RESULT_INVALID",
    ],
    [
      "a negative SEM",
      (s) => s.tell(2, { values: { RESULT: 1 }, sems: { RESULT: -1 } }),
      /SEM of RESULT = -1/,
      "RESULT_INVALID",
    ],
    [
      "fail of a COMPLETED trial",
      (s) => s.fail(0, "x"),
      /trial 0 is already COMPLETED/,
      "TRIAL_FINISHED",
    ],
    [
      "abandon of a FAILED trial",
      (s) => s.abandon(1),
      /trial 1 is already FAILED/,
      "TRIAL_FINISHED",
    ],
    [
      "a negative index",
      (s) => s.tell(-1, { values: { RESULT: 1 } }),
      /whole number >= 0/,
      "TRIAL_UNKNOWN",
    ],
  ];
  for (const [what, call, message, code] of cases)
    it(what, () => {
      const before = snapshot(session);
      let error: unknown;
      try {
        call(session);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect((error as { code: string }).code).toBe(code);
      expect(snapshot(session)).toBe(before);
    });

  it("a trial the executor runs is not told by hand", () => {
    insertProposedTrials(
      session.db,
      session.campaignId,
      [
        {
          paramsJson: '{"x":0.5,"k":"a"}',
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
    expect(() => session.tell(3, { values: { RESULT: 1 } })).toThrow(
      /trial 3 is run by slurmopt's executor/,
    );
    expect(snapshot(session)).toBe(before);
  });
});

describe("optimize", () => {
  it("runs the managed loop on Branin to a regret below 0.01 in 40 evaluations", async () => {
    const branin = (p: Record<string, unknown>): number => {
      const x = p.x as number;
      const y = p.y as number;
      const b = 5.1 / (4 * Math.PI ** 2);
      return (
        (y - b * x * x + (5 / Math.PI) * x - 6) ** 2 +
        10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) +
        10
      );
    };
    const s = await createCampaign({
      name: "branin",
      run_dir: join(work, "runs"),
      parameters: [
        { name: "x", type: "range", bounds: [-5, 10] },
        { name: "y", type: "range", bounds: [0, 15] },
      ],
      program: "unused",
      max_eval: 40,
      parallelism: 2,
      seed: 1,
    });
    try {
      const best = await optimize(s, (p) => branin(p), { budget: 40, parallelism: 2 });
      expect(s.trials()).toHaveLength(40);
      expect(best!.trial.values.RESULT! - 0.397887).toBeLessThan(0.01);
    } finally {
      await s.close();
    }
  }, 300_000);
});

describe("a conditional campaign through the API", () => {
  it("shows an inactive parameter as null in ask() and trials(), and attach() takes null back", async () => {
    const cond = await createCampaign(
      spec({
        name: "svc-cond",
        strategy: "SOBOL",
        parameters: [
          { name: "opt", type: "choice", values: ["sgd", "adam"] },
          { name: "momentum", type: "range", bounds: [0.1, 0.9], active_if: "opt == 'sgd'" },
          { name: "beta", type: "range", bounds: [0.5, 0.99], active_if: "opt == 'adam'" },
        ],
        program: "echo RESULT: 1",
      }),
    );
    try {
      const asked = await cond.ask(4);
      expect(asked.length).toBe(4);
      for (const t of asked) {
        // Every parameter is named, in spec order; the inactive branch is null.
        expect(Object.keys(t.parameters)).toEqual(["opt", "momentum", "beta"]);
        if (t.parameters.opt === "sgd") {
          expect(typeof t.parameters.momentum).toBe("number");
          expect(t.parameters.beta).toBeNull();
        } else {
          expect(t.parameters.momentum).toBeNull();
          expect(typeof t.parameters.beta).toBe("number");
        }
      }
      expect(new Set(asked.map((t) => t.parameters.opt)).size).toBe(2);
      const stored = cond.trials();
      expect(stored.map((t) => t.parameters)).toEqual(asked.map((t) => t.parameters));
      // What ask() handed out can be attached back as it is.
      const again = cond.attach({ ...asked[0]!.parameters }, { values: { RESULT: 0.5 } });
      expect(again.parameters).toEqual(asked[0]!.parameters);
      // null for an active parameter is a missing value.
      const sgd = asked.find((t) => t.parameters.opt === "sgd")!;
      expect(() => cond.attach({ ...sgd.parameters, momentum: null })).toThrow(
        /parameter "momentum" is missing/,
      );
    } finally {
      await cond.close();
    }
  });
});
