import { describe, expect, it } from "vitest";
import { leadingNumber, parseNumberText, stripAnsi } from "../../../src/evaluate/outputText.js";
import type { ParsedResults } from "../../../src/evaluate/parseResults.js";
import { classifyOutcome, parseResults } from "../../../src/evaluate/parseResults.js";

const R = ["RESULT"];

describe("parseNumberText", () => {
  it.each([
    ["1.5e-3", 0.0015],
    [".5", 0.5],
    ["5.", 5],
    ["+3", 3],
    ["1E5", 100000],
    ["-.5e+2", -50],
    ["-inf", -Infinity],
    ["inf", Infinity],
    ["+Infinity", Infinity],
    ["007", 7],
  ])("reads %s", (text, value) => {
    expect(parseNumberText(text)).toBe(value);
  });

  it("reads nan and -nan as NaN", () => {
    expect(parseNumberText("nan")).toBeNaN();
    expect(parseNumberText("-NaN")).toBeNaN();
  });

  it.each(["", ".", "e5", "1,5", "0x10", "1_000", "1.5.2", "--1", "infinite", "5 apples"])(
    "refuses %j",
    (text) => {
      expect(parseNumberText(text)).toBeNull();
    },
  );
});

describe("parseResults: OmniOpt2's bug cases done right", () => {
  it("reads exponents: RESULT: 1.5e-3 is 0.0015, not 1.5", () => {
    expect(parseResults("RESULT: 1.5e-3\n", R).values).toEqual({ RESULT: 0.0015 });
  });

  it("reads .5 and +3", () => {
    expect(parseResults("RESULT: .5", R).values).toEqual({ RESULT: 0.5 });
    expect(parseResults("RESULT: +3", R).values).toEqual({ RESULT: 3 });
  });

  it("does not take MY_RESULT or RESULT2 for RESULT", () => {
    const p = parseResults("MY_RESULT: 9\nRESULT2: 3\nXRESULT: 1\n", R);
    expect(p.values).toEqual({});
    expect(p.missing).toEqual(["RESULT"]);
  });

  it("does not take a SEM-RESULT line printed first for the result", () => {
    const p = parseResults("SEM-RESULT: 0.1\nRESULT: 3\n", R);
    expect(p.values).toEqual({ RESULT: 3 });
    expect(p.sems).toEqual({ RESULT: 0.1 });
  });

  it("does not read a result in the middle of a line", () => {
    expect(parseResults("epoch 3 RESULT: 0.7\n", R).missing).toEqual(["RESULT"]);
  });
});

describe("parseResults: the first number after NAME:, as OmniOpt2 reads it", () => {
  it.each([
    ["RESULT: 0.13,", 0.13, ","],
    ["RESULT: 0.5abc", 0.5, "abc"],
    ["RESULT: 1.5.2", 1.5, ".2"],
    ["RESULT: 1-2", 1, "-2"],
    ["RESULT: 1,5", 1, ",5"],
    ["RESULT: 1.5e-3;", 0.0015, ";"],
    ["RESULT: 2e", 2, "e"],
    ["RESULT: 0.5 (best so far)", 0.5, "(best so far)"],
  ])("reads %j as %d, ignoring %j with a stored warning", (line, value, rest) => {
    const p = parseResults(`${line}\n`, R);
    expect(p.values).toEqual({ RESULT: value });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(`ignored (${JSON.stringify(rest)})`);
    const o = classifyOutcome({ exitCode: 0, signal: null, fault: null, parsed: p });
    expect(o.state).toBe("COMPLETED");
    expect(o.reason).toBe(p.warnings[0]);
  });

  it("gives no warning when nothing follows the number", () => {
    const p = parseResults("RESULT: 1.5e-3  \n", R);
    expect(p.values).toEqual({ RESULT: 0.0015 });
    expect(p.warnings).toEqual([]);
  });

  it("keeps only the counted line's warning: the last line wins", () => {
    const p = parseResults("RESULT: 9,\nRESULT: 0.25\n", R);
    expect(p.values).toEqual({ RESULT: 0.25 });
    expect(p.warnings).toEqual([]);
  });

  it("cuts long ignored text in the warning, with a marker", () => {
    const p = parseResults(`RESULT: 1 ${"x".repeat(10_000)}\n`, R);
    expect(p.warnings[0]!.length).toBeLessThan(200);
    expect(p.warnings[0]).toContain("...[truncated]");
  });

  it("puts the warning after the exit-code remark in a completed trial's reason", () => {
    const o = classifyOutcome({
      exitCode: 3,
      signal: null,
      fault: null,
      parsed: parseResults("RESULT: 4,\n", R),
    });
    expect(o.reason).toMatch(/^exit code 3, .*; RESULT: text after the number 4 ignored \(","\)$/);
  });

  it("leadingNumber splits the number from what follows", () => {
    expect(leadingNumber("  -1.5E+2xyz ")).toEqual({ value: -150, text: "-1.5E+2", rest: "xyz" });
    expect(leadingNumber("inf,")).toEqual({ value: Infinity, text: "inf", rest: "," });
    expect(leadingNumber("x1")).toEqual({ value: null, text: "", rest: "x1" });
  });
});

describe("parseResults: lines and values", () => {
  it("takes the LAST line when a name is printed several times, with a note", () => {
    const p = parseResults("RESULT: 9\nRESULT: 7\nRESULT: 0.25\n", R);
    expect(p.values).toEqual({ RESULT: 0.25 });
    expect(p.notes).toEqual(["RESULT was printed 3 times; the last line counts (0.25)"]);
  });

  it("allows spaces or tabs before the name and around the colon", () => {
    expect(parseResults("   RESULT: 2", R).values).toEqual({ RESULT: 2 });
    expect(parseResults("\tRESULT :\t4", R).values).toEqual({ RESULT: 4 });
    expect(parseResults("RESULT:5", R).values).toEqual({ RESULT: 5 });
  });

  it("ignores words after the number", () => {
    expect(parseResults("RESULT: 0.5 (best so far)", R).values).toEqual({ RESULT: 0.5 });
  });

  it("handles CRLF line ends and lone CR progress bars", () => {
    expect(parseResults("x\r\nRESULT: 1.5\r\n", R).values).toEqual({ RESULT: 1.5 });
    expect(parseResults("progress 10%\rprogress 99%\rRESULT: 4\r", R).values).toEqual({
      RESULT: 4,
    });
  });

  it("strips ANSI colour codes", () => {
    expect(parseResults("\x1b[1;32mRESULT: 7\x1b[0m\n", R).values).toEqual({ RESULT: 7 });
    expect(stripAnsi("\x1b]0;title\x07a\x1b[2Kb")).toBe("ab");
  });

  it("reports NaN, infinite and non-numeric values as invalid, naming the objective", () => {
    const p = parseResults("A: nan\nB: -inf\nC: abc 0.5\nD:\nE: infinite\n", [
      "A",
      "B",
      "C",
      "D",
      "E",
    ]);
    expect(p.values).toEqual({});
    expect(p.invalid).toEqual([
      { name: "A", text: "nan", problem: "is NaN" },
      { name: "B", text: "-inf", problem: "is infinite" },
      { name: "C", text: "abc 0.5", problem: "is not a number" },
      { name: "D", text: "", problem: "is not a number" },
      { name: "E", text: "infinite", problem: "is not a number" },
    ]);
  });

  it("reads several objectives, telling the missing ones", () => {
    const p = parseResults("LOSS: 0.3\nACC: 0.91\n", ["ACC", "LOSS", "TIME"]);
    expect(p.values).toEqual({ ACC: 0.91, LOSS: 0.3 });
    expect(p.missing).toEqual(["TIME"]);
  });

  it("tells objectives apart when one name is a prefix of another", () => {
    const p = parseResults("RESULT_B: 2\nRESULT: 1\n", ["RESULT", "RESULT_B"]);
    expect(p.values).toEqual({ RESULT: 1, RESULT_B: 2 });
  });

  it("ignores a bad or negative SEM with a note", () => {
    const p = parseResults("RESULT: 1\nSEM-RESULT: -0.2\n", R);
    expect(p.sems).toEqual({});
    expect(p.notes).toEqual(['SEM-RESULT "-0.2" is negative; ignored']);
    expect(parseResults("RESULT: 1\nSEM-RESULT: x\n", R).notes[0]).toMatch(/not a number; ignored/);
  });

  it("turns OO-Info lines into OO_Info_ columns with sanitized keys", () => {
    const p = parseResults(
      "OO-Info: gpu name: A100 80GB\nOO-Info: url: http://h:8080/x\nOO-Info: a.b-c: 3\nOO-Info: : lost\n",
      R,
    );
    expect(p.extras).toEqual({
      OO_Info_gpu_name: "A100 80GB",
      OO_Info_url: "http://h:8080/x",
      OO_Info_a_b_c: "3",
    });
    expect(p.notes).toContain("1 OO-Info line(s) without a key were ignored");
  });

  it("scans a long output in one pass and finds the last line", () => {
    const out = "step 1 loss 0.5\n".repeat(200_000) + "RESULT: 0.125\n";
    expect(parseResults(out, R).values).toEqual({ RESULT: 0.125 });
  });
});

function parsed(out: string, names = R): ParsedResults {
  return parseResults(out, names);
}
const clean = { exitCode: 0, signal: null, fault: null } as const;

describe("classifyOutcome", () => {
  it("completes a trial that printed every result and exited 0, without a reason", () => {
    expect(classifyOutcome({ ...clean, parsed: parsed("RESULT: 1") })).toEqual({
      state: "COMPLETED",
      reason: null,
    });
  });

  it("completes a trial with a result line despite a non-zero exit code, saying so", () => {
    const o = classifyOutcome({ ...clean, exitCode: 3, parsed: parsed("RESULT: 1") });
    expect(o.state).toBe("COMPLETED");
    expect(o.reason).toMatch(/exit code 3/);
  });

  it("lets a time-out beat a printed result", () => {
    const o = classifyOutcome({
      ...clean,
      exitCode: null,
      fault: "TIMEOUT",
      parsed: parsed("RESULT: 1"),
    });
    expect(o).toEqual({
      state: "TIMEOUT",
      reason: "timed out; a result was printed, but the fault beats it",
    });
  });

  it("uses the executor's fault reason when given", () => {
    const o = classifyOutcome({
      ...clean,
      fault: "TIMEOUT",
      faultReason: "worker_timeout 30m reached",
      parsed: parsed(""),
    });
    expect(o).toEqual({ state: "TIMEOUT", reason: "worker_timeout 30m reached" });
  });

  it("lets a deadly signal beat a printed result", () => {
    const o = classifyOutcome({
      exitCode: null,
      signal: "SIGSEGV",
      fault: null,
      parsed: parsed("RESULT: 1"),
    });
    expect(o.state).toBe("FAILED");
    expect(o.reason).toMatch(/^killed by signal SIGSEGV/);
  });

  it("maps cancel to CANCELLED and out of memory to FAILED", () => {
    expect(classifyOutcome({ ...clean, fault: "CANCELLED", parsed: parsed("") }).state).toBe(
      "CANCELLED",
    );
    expect(
      classifyOutcome({ ...clean, fault: "OUT_OF_MEMORY", parsed: parsed("RESULT: 2") }),
    ).toEqual({
      state: "FAILED",
      reason: "out of memory; a result was printed, but the fault beats it",
    });
  });

  it("fails a trial without a result line, naming the objective and the exit code", () => {
    expect(classifyOutcome({ ...clean, exitCode: 2, parsed: parsed("oops") })).toEqual({
      state: "FAILED",
      reason: 'no result line "RESULT: <number>" for objective RESULT (exit code 2)',
    });
  });

  it("fails a trial that printed NaN or an infinity, naming the objective", () => {
    expect(classifyOutcome({ ...clean, parsed: parsed("RESULT: nan") })).toEqual({
      state: "FAILED",
      reason: 'objective RESULT is NaN ("nan")',
    });
    expect(classifyOutcome({ ...clean, parsed: parsed("RESULT: -inf") }).reason).toMatch(
      /RESULT is infinite/,
    );
  });

  it("fails a multi-objective trial when one objective is missing", () => {
    const o = classifyOutcome({ ...clean, parsed: parsed("A: 1", ["A", "B"]) });
    expect(o.state).toBe("FAILED");
    expect(o.reason).toContain("objective B");
  });
});
