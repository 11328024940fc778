import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOmniopt2ResultsCsv } from "../../../src/priorTrials/readOmniopt2ResultsCsv.js";

function csv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "slurmopt-oo2csv-")), "results.csv");
  writeFileSync(path, text);
  return path;
}

describe("readOmniopt2ResultsCsv", () => {
  it("reads slurmopt's budget columns into the trial's budget when the file has all of them", () => {
    const [t] = readOmniopt2ResultsCsv(
      csv(
        "trial_index,trial_status,x,loss,budget,bracket,rung,parent_trial,config_trial\n" +
          "0,COMPLETED,0.5,1.5,3,0,1,,0\n",
      ),
    );
    expect(t!.budget).toEqual({
      budget: 3,
      bracket: 0,
      rung: 1,
      parentIndex: null,
      configIndex: 0,
    });
    expect(t!.cells).toEqual({ x: "0.5", loss: "1.5" });
  });

  it("keeps an OmniOpt2 run's parameter named budget or rung as a parameter, not a budget", () => {
    const [t] = readOmniopt2ResultsCsv(
      csv("trial_index,trial_status,budget,rung,loss\n0,COMPLETED,250,4,0.25\n"),
    );
    expect(t!.budget).toBeNull();
    expect(t!.cells).toEqual({ budget: "250", rung: "4", loss: "0.25" });
  });
});
