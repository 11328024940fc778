import { describe, expect, it } from "vitest";
import {
  isFeasible,
  parseOutcomeConstraint,
  violatedConstraints,
} from "../../../src/evaluate/outcomeConstraints.js";
import { parseResults } from "../../../src/evaluate/parseResults.js";

describe("outcome constraints", () => {
  it("reads METRIC <= NUMBER and METRIC >= NUMBER", () => {
    expect(parseOutcomeConstraint(" MEM_GB<=40 ", "f")).toEqual({
      metric: "MEM_GB",
      op: "<=",
      bound: 40,
      text: "MEM_GB<=40",
    });
    expect(parseOutcomeConstraint("ACC >= -1.5e-3", "f").bound).toBe(-0.0015);
  });

  it.each(["MEM < 4", "MEM == 4", "MEM <= 4%", "2 * MEM <= 4", "MEM <= x"])(
    "refuses %s with the accepted form",
    (t) => {
      expect(() => parseOutcomeConstraint(t, "--outcome_constraint")).toThrow(
        /--outcome_constraint: cannot read the outcome constraint .* write METRIC <= NUMBER or METRIC >= NUMBER/,
      );
    },
  );

  it("judges feasibility; a missing metric breaks its constraint", () => {
    const cs = [parseOutcomeConstraint("MEM <= 4", "f"), parseOutcomeConstraint("ACC >= 0.9", "f")];
    expect(isFeasible({ MEM: 4, ACC: 0.9 }, cs)).toBe(true);
    expect(violatedConstraints({ MEM: 4.5, ACC: 0.95 }, cs)).toEqual(["MEM=4.5 breaks MEM <= 4"]);
    expect(violatedConstraints({ MEM: 1 }, cs)).toEqual(["ACC not printed (ACC >= 0.9)"]);
  });
});

describe("parseResults: metrics and other printed lines", () => {
  it("reads metrics and their SEMs without failing when one is missing; keeps other NAME: value lines", () => {
    const out = [
      "epoch: 3",
      "LOSS: 0.25",
      "SEM-LOSS: 0.01",
      "MEM_GB: 12.5",
      "SEM-MEM_GB: 0.5",
      "note: fine run",
      "RESULT2: 7",
    ].join("\n");
    const r = parseResults(out, ["LOSS"], ["MEM_GB", "COST"]);
    expect(r.values).toEqual({ LOSS: 0.25, MEM_GB: 12.5 });
    expect(r.sems).toEqual({ LOSS: 0.01, MEM_GB: 0.5 });
    expect(r.missing).toEqual([]);
    expect(r.extras).toEqual({
      printed_epoch: "3",
      printed_note: "fine run",
      printed_RESULT2: "7",
    });
  });

  it("notes an unusable metric instead of failing", () => {
    const r = parseResults("LOSS: 1\nMEM_GB: nan\n", ["LOSS"], ["MEM_GB"]);
    expect(r.values).toEqual({ LOSS: 1 });
    expect(r.notes).toContain('metric MEM_GB "nan" is NaN; not stored');
  });
});
