import { describe, expect, it } from "vitest";
import { ProgressLineParser, parseProgressLine } from "../../../src/earlyStopping/progressLines.js";

const names = new Set(["RESULT", "LOSS"]);

describe("progress lines NAME@STEP: value", () => {
  it("reads objective and metric progress lines and ignores everything else", () => {
    expect(parseProgressLine("RESULT@3: 0.42", names)).toEqual({
      metric: "RESULT",
      step: 3,
      value: 0.42,
    });
    expect(parseProgressLine("  LOSS@1.5 :\t-2e-3 epoch done", names)).toEqual({
      metric: "LOSS",
      step: 1.5,
      value: -0.002,
    });
    for (const line of [
      "RESULT: 1",
      "OTHER@3: 1",
      "RESULT@-1: 1",
      "RESULT@x: 1",
      "RESULT@3: nan",
      "RESULT@3: inf",
      "RESULT@3: abc",
      "x RESULT@3: 1",
    ])
      expect(parseProgressLine(line, names), line).toBeNull();
  });

  it("reads output piece by piece: a line counts once it ends, split lines are joined", () => {
    const p = new ProgressLineParser(names);
    expect(p.feed("RESULT@1: 5\nRESU")).toEqual([{ metric: "RESULT", step: 1, value: 5 }]);
    expect(p.feed("LT@2: 4")).toEqual([]);
    expect(p.feed("\r\x1b[32mRESULT@3: 3\x1b[0m\r\nRESULT: 3\n")).toEqual([
      { metric: "RESULT", step: 2, value: 4 },
      { metric: "RESULT", step: 3, value: 3 },
    ]);
  });
});
