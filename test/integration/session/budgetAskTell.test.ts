import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createCampaign,
  openCampaign,
  type AskedTrial,
  type CampaignSession,
  type CampaignSpec,
} from "../../../src/index.js";
import { formatStatus } from "../../../src/report/campaignStatus.js";

let work: string;
let session: CampaignSession;

// min 1, max 9, eta 3: 9 configurations at budget 1, the best 3 at 3, the best 1 at 9
function spec(over: Partial<CampaignSpec> = {}): CampaignSpec {
  return {
    name: "sh",
    run_dir: join(work, "runs"),
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: "./train.sh",
    program_style: "smac",
    budget: { min: 1, max: 9, eta: 3 },
    max_eval: 13,
    parallelism: 20,
    strategy: "SOBOL",
    seed: 5,
    ...over,
  };
}

/** The loss of a configuration at a budget: better with x near 0.3, lower with more budget. */
const loss = (t: AskedTrial): number => Math.abs((t.parameters.x as number) - 0.3) + 1 / t.budget!;

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "slurmopt-budgets-"));
  session = await createCampaign(spec());
});

afterEach(async () => {
  await session.close();
  rmSync(work, { recursive: true, force: true });
});

function tellAll(s: CampaignSession, trials: readonly AskedTrial[]): void {
  for (const t of trials) s.tell(t.index, { values: { RESULT: loss(t) } });
}

/** The asked trials' x values, best (lowest loss) first. */
const bestFirst = (trials: readonly AskedTrial[], n: number): number[] =>
  [...trials]
    .sort((a, b) => loss(a) - loss(b))
    .slice(0, n)
    .map((t) => t.parameters.x as number);

describe("budgets through the ask/tell API", () => {
  it("asks rung by rung at budgets 1, 3, 9, each rung running the best third of the one below", async () => {
    const rung0 = await session.ask(20);
    // max_eval 13 is one bracket: the 4 promotions are kept, no second bracket starts
    expect(rung0.map((t) => t.budget)).toEqual(Array(9).fill(1));
    expect(rung0.every((t) => t.generationNode === "SOBOL")).toBe(true);
    expect(await session.ask(1)).toEqual([]); // nothing until the rung has ended
    tellAll(session, rung0.slice(0, 8));
    expect(await session.ask(5)).toEqual([]);
    tellAll(session, rung0.slice(8));

    const rung1 = await session.ask(20);
    expect(rung1.map((t) => t.budget)).toEqual([3, 3, 3]);
    expect(rung1.every((t) => t.generationNode === "PROMOTED")).toBe(true);
    expect(rung1.map((t) => t.parameters.x)).toEqual(bestFirst(rung0, 3));
    tellAll(session, rung1);

    const rung2 = await session.ask(20);
    expect(rung2.map((t) => t.budget)).toEqual([9]);
    expect(rung2[0]!.parameters.x).toBe(bestFirst(rung1, 1)[0]);
    tellAll(session, rung2);
    expect(await session.ask(1)).toEqual([]); // max_eval reached

    // the best is chosen at the max budget only (lower budgets have higher losses here,
    // but a low-budget trial could never be compared with a full run anyway)
    const best = session.best()!.trial;
    expect(best.index).toBe(rung2[0]!.index);
    expect(best.budget).toEqual({ budget: 9, bracket: 0, rung: 2 });
    const records = session.trials();
    expect(records.map((t) => t.budget?.budget)).toEqual([...Array(9).fill(1), 3, 3, 3, 9]);

    const status = formatStatus(session.status());
    expect(status).toContain(
      "budgets (successive halving, eta 3): rung 0 at 1: 9 trial(s), 9 completed; rung 1 at 3: 3 trial(s), 3 completed; rung 2 at 9: 1 trial(s), 1 completed; the best counts trials at the max budget 9 only",
    );
    const csv = readFileSync(session.writeResultsCsv(), "utf8").trim().split("\n");
    const header = csv[0]!.split(",");
    const col = (row: string, name: string): string => row.split(",")[header.indexOf(name)]!;
    expect(header.slice(16, 21)).toEqual([
      "budget",
      "bracket",
      "rung",
      "parent_trial",
      "config_trial",
    ]);
    const top = csv[13]!;
    expect(col(top, "budget")).toBe("9");
    expect(col(top, "rung")).toBe("2");
    const sameX = (t: AskedTrial): boolean => t.parameters.x === rung2[0]!.parameters.x;
    expect(col(top, "parent_trial")).toBe(String(rung1.find(sameX)!.index));
    expect(col(top, "config_trial")).toBe(String(rung0.find(sameX)!.index));
  });

  it("resumes in the middle of a bracket: a reopened campaign promotes what is owed, once", async () => {
    const rung0 = await session.ask(20);
    tellAll(session, rung0);
    const first = await session.ask(1); // one of the three promotions, then the session ends
    expect(first.map((t) => t.budget)).toEqual([3]);
    const dir = session.dir;
    await session.close();

    session = await openCampaign(dir);
    const rest = await session.ask(20);
    expect(rest.map((t) => t.budget)).toEqual([3, 3]);
    expect([...first, ...rest].map((t) => t.parameters.x)).toEqual(bestFirst(rung0, 3));
    expect(await session.ask(20)).toEqual([]);
  });

  it("a second bracket starts while the first waits, when max_eval has room for a whole one", async () => {
    await session.close();
    rmSync(join(work, "runs"), { recursive: true, force: true });
    session = await createCampaign(spec({ max_eval: 26 }));
    const asked = await session.ask(20);
    expect(asked.map((t) => t.budget)).toEqual(Array(18).fill(1));
    const brackets = session.trials().map((t) => t.budget?.bracket);
    expect(brackets).toEqual([...Array(9).fill(0), ...Array(9).fill(1)]);
  });
});
