import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/errors.js";
import type { EndInfo } from "../../../src/evaluate/outcome.js";
import {
  buildSmacArgv,
  classifySmacOutcome,
  parseSmacOutput,
  splitProgram,
  validateSmacParameters,
} from "../../../src/evaluate/smacTarget.js";

const ONE = ["cost"];
const clean = { exitCode: 0, signal: null, fault: null } as const;
const outcome = (stdout: string, names = ONE, end: Partial<EndInfo> = {}) =>
  classifySmacOutcome({ ...clean, ...end, smac: parseSmacOutput(stdout, names) });

describe("buildSmacArgv", () => {
  it("passes the seed, then each parameter as --name=value, without a shell", () => {
    expect(
      buildSmacArgv("python3  target.py", { x: 0.1, n: 3, opt: "two words" }, { seed: 7 }),
    ).toEqual(["python3", "target.py", "--seed=7", "--x=0.1", "--n=3", "--opt=two words"]);
  });

  it("passes the instance with its features, and the budget, when given", () => {
    expect(
      buildSmacArgv(
        ["./t"],
        { x: 1e-7 },
        { seed: 0, instance: "inst/a.cnf", instanceFeatures: [1, 0.5], budget: 2.5 },
      ),
    ).toEqual([
      "./t",
      "--seed=0",
      "--instance=inst/a.cnf",
      "--instance_features=1,0.5",
      "--budget=2.5",
      "--x=1e-7",
    ]);
    expect(buildSmacArgv(["./t"], {}, { seed: 1, instance: "i" })).toEqual([
      "./t",
      "--seed=1",
      "--instance=i",
      "--instance_features=",
    ]);
  });

  it("refuses parameters named like the arguments slurmopt passes itself", () => {
    expect(() => buildSmacArgv("./t", { seed: 1 }, { seed: 0 })).toThrow(InputError);
    expect(() => {
      validateSmacParameters(["x", "budget"]);
    }).toThrow(/parameter "budget" collides with the --budget=/);
    expect(() => {
      validateSmacParameters(["x", "seeds"]);
    }).not.toThrow();
  });

  it("refuses an empty program and a non-integer seed", () => {
    expect(() => splitProgram("   ")).toThrow(/program is empty/);
    expect(() => buildSmacArgv("./t", {}, { seed: 1.5 })).toThrow(/seed: must be an integer/);
  });
});

describe("parseSmacOutput", () => {
  it("reads cost, runtime, status and additional_info, whitespace removed", () => {
    const s = parseSmacOutput(
      "log line\n cost = 0.5 ; runtime=0.01;status = success; additional_info= a test \n",
      ONE,
    );
    expect(s.found).toBe(true);
    expect(s.status).toBe("SUCCESS");
    expect(s.runtime).toBe(0.01);
    expect(s.parsed.values).toEqual({ cost: 0.5 });
    expect(s.parsed.extras).toEqual({
      SMAC_runtime: "0.01",
      SMAC_status: "SUCCESS",
      SMAC_additional_info: "a test",
    });
  });

  it("reads the pairs in any order", () => {
    expect(parseSmacOutput("status=SUCCESS;cost=1.5e-3", ONE).parsed.values).toEqual({
      cost: 0.0015,
    });
  });

  it("maps several costs to the objectives in order, with or without brackets", () => {
    expect(parseSmacOutput("cost=0.5, 0.4; status=SUCCESS", ["a", "b"]).parsed.values).toEqual({
      a: 0.5,
      b: 0.4,
    });
    expect(parseSmacOutput("cost=[0.5, 0.4]", ["a", "b"]).parsed.values).toEqual({
      a: 0.5,
      b: 0.4,
    });
  });

  it("lets the LAST result line count", () => {
    const s = parseSmacOutput("cost=9; status=SUCCESS\ncost=3; status=SUCCESS\nbye\n", ONE);
    expect(s.parsed.values).toEqual({ cost: 3 });
  });

  it("ignores lines that are not made of key=value pairs with a cost or status", () => {
    const s = parseSmacOutput("cost=2\nINFO: cost=5\nlr=0.1\nx=1; y\n", ONE);
    expect(s.parsed.values).toEqual({ cost: 2 });
  });

  it("accepts the 'Result of this algorithm run:' prefix with either format", () => {
    expect(
      parseSmacOutput("Result of this algorithm run: cost=0.7; status=SUCCESS", ONE).parsed.values,
    ).toEqual({
      cost: 0.7,
    });
    const old = parseSmacOutput("Result for SMAC: SAT, 1.25, 0, 0.3, 42, some info", ONE);
    expect(old.status).toBe("SAT");
    expect(old.runtime).toBe(1.25);
    expect(old.parsed.values).toEqual({ cost: 0.3 });
    expect(old.parsed.extras.SMAC_additional_info).toBe("some info");
  });

  it("reports no line found when none qualifies", () => {
    const s = parseSmacOutput("RESULT: 1\n", ONE);
    expect(s.found).toBe(false);
    expect(s.parsed.missing).toEqual(["cost"]);
  });

  it("reads a line ended by CRLF and wrapped in colour codes", () => {
    expect(
      parseSmacOutput("\x1b[32mcost=0.25;status=SUCCESS\x1b[0m\r\n", ONE).parsed.values,
    ).toEqual({ cost: 0.25 });
  });

  it("flags a STOP status as a request to stop the campaign", () => {
    expect(parseSmacOutput("cost=1; status=STOP", ONE).stopRequested).toBe(true);
  });
});

describe("classifySmacOutcome", () => {
  it("completes SUCCESS with a cost, and a line without status (SUCCESS by default)", () => {
    expect(outcome("cost=0.5; status=SUCCESS")).toEqual({ state: "COMPLETED", reason: null });
    expect(outcome("cost=0.5")).toEqual({ state: "COMPLETED", reason: null });
  });

  it("treats a missing cost as CRASHED, whatever the status", () => {
    expect(outcome("status=SUCCESS; runtime=1")).toEqual({
      state: "FAILED",
      reason: "no cost in the SMAC result line: counts as CRASHED",
    });
    expect(outcome("status=TIMEOUT").reason).toBe(
      "no cost in the SMAC result line: counts as CRASHED; status TIMEOUT was printed",
    );
  });

  it("fails without any SMAC line, with the exit code", () => {
    expect(outcome("Traceback ...", ONE, { exitCode: 1 })).toEqual({
      state: "FAILED",
      reason:
        'no SMAC result line ("cost=<number>; status=SUCCESS") in the output: counts as CRASHED (exit code 1)',
    });
  });

  it.each([
    ["CRASHED", "FAILED"],
    ["ABORT", "FAILED"],
    ["ABORTED", "FAILED"],
    ["MEMORYOUT", "FAILED"],
    ["MEMOUT", "FAILED"],
    ["RUNNING", "FAILED"],
    ["STOP", "FAILED"],
    ["TIMEOUT", "TIMEOUT"],
    ["CAPPED", "TIMEOUT"],
    ["SAT", "COMPLETED"],
    ["UNSAT", "COMPLETED"],
    ["DONOTADVANCE", "COMPLETED"],
    ["BOGUS", "FAILED"],
  ])("maps status %s to %s with a reason", (status, state) => {
    const o = outcome(`cost=1; status=${status}`);
    expect(o.state).toBe(state);
    if (status !== "SAT" && status !== "UNSAT") expect(o.reason).toContain(status);
  });

  it("fails when the number of costs does not match the objectives", () => {
    expect(outcome("cost=0.5", ["a", "b"]).reason).toBe(
      'the SMAC line gives 1 cost(s) ("0.5") for 2 objective(s) (a, b); give one cost per objective',
    );
  });

  it("fails on a NaN or infinite cost, naming the objective", () => {
    expect(outcome("cost=nan; status=SUCCESS").reason).toBe('objective cost is NaN ("nan")');
    expect(outcome("cost=1, inf", ["a", "b"]).reason).toBe('objective b is infinite ("inf")');
  });

  it("lets a fault beat a SUCCESS line, and a SUCCESS line beat a non-zero exit code", () => {
    expect(outcome("cost=1; status=SUCCESS", ONE, { fault: "TIMEOUT" }).state).toBe("TIMEOUT");
    const o = outcome("cost=1; status=SUCCESS", ONE, { exitCode: 2 });
    expect(o.state).toBe("COMPLETED");
    expect(o.reason).toMatch(/exit code 2/);
  });
});
