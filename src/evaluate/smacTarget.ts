/**
 * SMAC-style target programs (SMAC3's TargetFunctionScriptRunner protocol).
 *
 * Call: `program --seed=S [--instance=I --instance_features=f1,f2] [--budget=B] --name=value ...`
 * as an argv array (no shell; values as their exact text, numbers in shortest round-trip form;
 * unlike SMAC, spaces in values are kept). A string program is split on whitespace.
 *
 * Output: the LAST line of stdout of the form `cost=0.5; runtime=0.01; status=SUCCESS;
 * additional_info=text` counts. Pairs are separated by `;`, in any order; whitespace is removed
 * (additional_info is only trimmed); `cost=0.5, 0.4` (or `[0.5, 0.4]`) gives one cost per
 * objective, in objective order. A line counts when every part is `key=value` and one key is
 * `cost` or `status`. A line may start with `Result of this algorithm run:` (or `Result for
 * SMAC:` / `Result for ParamILS:`); after such a prefix the old comma format `status, runtime,
 * runlength, quality, seed[, additional info]` is read too (quality is the cost).
 *
 * States (a fault such as the worker time-out still beats everything):
 * - no result line, or no cost: FAILED, "counts as CRASHED" (SMAC's rule), whatever the status;
 * - SUCCESS (default when no status is printed), SAT, UNSAT: COMPLETED;
 * - DONOTADVANCE: COMPLETED, the reason says so;
 * - CRASHED, ABORT/ABORTED, MEMORYOUT/MEMOUT, RUNNING (the program had ended), unknown: FAILED;
 * - TIMEOUT, CAPPED: TIMEOUT;
 * - STOP: FAILED, and `stopRequested` asks the controller to stop the campaign.
 * Status names are read case-insensitively. Extras: SMAC_status, SMAC_runtime,
 * SMAC_additional_info and SMAC_<key> for any other key.
 */
import { InputError } from "../errors/errors.js";
import type { Point } from "../space/parameters.js";
import { formatNumber, formatValue } from "../space/parameters.js";
import type { EndInfo, Outcome } from "./outcome.js";
import { exitCodeNote, faultOutcome } from "./outcome.js";
import { parseNumberText, stripAnsi, unusableNumber } from "./outputText.js";
import type { InvalidResult, ParsedResults } from "./parseResults.js";
import { resultProblems } from "./parseResults.js";

/** Argument names slurmopt passes itself; no parameter may use them. */
export const SMAC_RESERVED_NAMES: readonly string[] = [
  "seed",
  "instance",
  "instance_features",
  "budget",
];

export interface SmacCallOptions {
  readonly seed: number;
  readonly instance?: string;
  /** Passed as `--instance_features=f1,f2` (empty when none) whenever an instance is given. */
  readonly instanceFeatures?: readonly number[];
  readonly budget?: number;
}

/** Throws InputError when a parameter name collides with an argument slurmopt passes itself. */
export function validateSmacParameters(names: readonly string[], field = "parameters"): void {
  for (const n of names) {
    if (SMAC_RESERVED_NAMES.includes(n))
      throw new InputError(
        "SPEC_INVALID",
        `${field}: parameter "${n}" collides with the --${n}= argument a SMAC-style program gets; rename it`,
      );
  }
}

/** Splits a program given as one string on whitespace (no quoting); arrays are used as they are. */
export function splitProgram(program: string | readonly string[], field = "program"): string[] {
  const argv =
    typeof program === "string" ? program.trim().split(/\s+/).filter(Boolean) : [...program];
  if (argv.length === 0 || argv[0] === "")
    throw new InputError(
      "SPEC_INVALID",
      `${field}: the program is empty; give the program to call`,
    );
  return argv;
}

/** The argv of one SMAC-style call for `point`. */
export function buildSmacArgv(
  program: string | readonly string[],
  point: Point,
  options: SmacCallOptions,
): string[] {
  if (!Number.isInteger(options.seed))
    throw new InputError("SPEC_INVALID", `seed: must be an integer, got ${options.seed}`);
  const names = Object.keys(point);
  validateSmacParameters(names);
  const argv = splitProgram(program);
  argv.push(`--seed=${formatNumber(options.seed)}`);
  if (options.instance !== undefined) {
    argv.push(`--instance=${options.instance}`);
    argv.push(
      `--instance_features=${(options.instanceFeatures ?? []).map(formatNumber).join(",")}`,
    );
  }
  if (options.budget !== undefined) argv.push(`--budget=${formatNumber(options.budget)}`);
  for (const n of names) argv.push(`--${n}=${formatValue(point[n]!)}`);
  return argv;
}

export interface SmacParsed {
  /** A SMAC result line was found. */
  readonly found: boolean;
  /** The status printed (upper-case), or null when none was. */
  readonly status: string | null;
  /** Costs as objective values (objective order), extras SMAC_*; sems stay empty. */
  readonly parsed: ParsedResults;
  /** `runtime=` as a number, when printed and valid. */
  readonly runtime: number | null;
  /** The program printed status STOP: it asks to stop the whole campaign. */
  readonly stopRequested: boolean;
  /** Set when the number of costs differs from the number of objectives. */
  readonly costMismatch: string | null;
}

const PREFIX = /^Result (?:of this algorithm run|for SMAC|for ParamILS|for GPS)\s*:/i;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Yields the lines of `text` from the last to the first (line ends \n, \r\n or \r). */
function* linesFromEnd(text: string): Generator<string> {
  let end = text.length;
  while (end >= 0) {
    let i = end - 1;
    while (i >= 0 && text[i] !== "\n" && text[i] !== "\r") i--;
    yield text.slice(i + 1, end);
    end = i;
  }
}

/** Reads one line; returns its key/value pairs, or null when it is no SMAC result line. */
function readLine(line: string): Map<string, string> | null {
  let rest = line.trim();
  const prefix = PREFIX.exec(rest);
  if (prefix !== null) {
    rest = rest.slice(prefix[0].length).trim();
    if (!rest.includes("=")) return readLegacy(rest);
  }
  if (!rest.includes("=")) return null;
  const pairs = new Map<string, string>();
  for (const part of rest.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) return null;
    const key = part.slice(0, eq).replace(/\s+/g, "");
    if (!KEY.test(key)) return null;
    const raw = part.slice(eq + 1);
    pairs.set(key, key === "additional_info" ? raw.trim() : raw.replace(/\s+/g, ""));
  }
  return pairs.has("cost") || pairs.has("status") ? pairs : null;
}

/** The old format: `status, runtime, runlength, quality, seed[, additional info]`. */
function readLegacy(rest: string): Map<string, string> | null {
  const parts = rest.split(",").map((p) => p.trim());
  if (parts.length < 4 || parts[0] === "") return null;
  const pairs = new Map<string, string>([
    ["status", parts[0]!],
    ["runtime", parts[1]!],
    ["cost", parts[3]!],
  ]);
  if (parts.length > 5) pairs.set("additional_info", parts.slice(5).join(",").trim());
  return pairs;
}

/** Parses the last SMAC result line of `stdout` for the given objectives. */
export function parseSmacOutput(stdout: string, objectiveNames: readonly string[]): SmacParsed {
  const text = stripAnsi(stdout);
  let pairs: Map<string, string> | null = null;
  for (const line of linesFromEnd(text)) {
    if (!line.includes("=") && !/^\s*Result/i.test(line)) continue;
    pairs = readLine(line);
    if (pairs !== null) break;
  }
  const values: Record<string, number> = {};
  const extras: Record<string, string> = {};
  const invalid: InvalidResult[] = [];
  const notes: string[] = [];
  if (pairs === null) {
    const parsed = {
      values,
      sems: {},
      extras,
      missing: [...objectiveNames],
      invalid,
      notes,
      warnings: [],
    };
    return {
      found: false,
      status: null,
      parsed,
      runtime: null,
      stopRequested: false,
      costMismatch: null,
    };
  }
  const status = pairs.get("status")?.toUpperCase() ?? null;
  for (const [k, v] of pairs)
    if (k !== "cost") extras[`SMAC_${k}`] = k === "status" ? v.toUpperCase() : v;
  const cost = pairs.get("cost");
  let missing: string[] = [];
  let costMismatch: string | null = null;
  if (cost === undefined || cost === "") missing = [...objectiveNames];
  else {
    const texts = cost.replace(/^\[|\]$/g, "").split(",");
    if (texts.length !== objectiveNames.length) {
      costMismatch =
        `the SMAC line gives ${texts.length} cost(s) (${JSON.stringify(cost)}) for ` +
        `${objectiveNames.length} objective(s) (${objectiveNames.join(", ")}); give one cost per objective`;
      for (const name of objectiveNames)
        invalid.push({ name, text: cost, problem: "has no matching cost" });
    } else {
      objectiveNames.forEach((name, k) => {
        const t = texts[k]!;
        const v = parseNumberText(t);
        const problem = unusableNumber(v);
        if (problem === null) values[name] = v!;
        else invalid.push({ name, text: t, problem });
      });
    }
  }
  const rt = parseNumberText(pairs.get("runtime") ?? "");
  const runtime = rt !== null && Number.isFinite(rt) ? rt : null;
  const parsed = { values, sems: {}, extras, missing, invalid, notes, warnings: [] };
  return { found: true, status, parsed, runtime, stopRequested: status === "STOP", costMismatch };
}

const FAILING: Record<string, { state: Outcome["state"]; text: string }> = {
  CRASHED: { state: "FAILED", text: "the program reported status CRASHED" },
  ABORT: { state: "FAILED", text: "the program reported status ABORT" },
  ABORTED: { state: "FAILED", text: "the program reported status ABORTED" },
  MEMORYOUT: { state: "FAILED", text: "the program reported status MEMORYOUT (out of memory)" },
  MEMOUT: { state: "FAILED", text: "the program reported status MEMOUT (out of memory)" },
  RUNNING: { state: "FAILED", text: "the program reported status RUNNING, but it had ended" },
  STOP: { state: "FAILED", text: "the program reported status STOP: it asks to stop the campaign" },
  TIMEOUT: { state: "TIMEOUT", text: "the program reported status TIMEOUT" },
  CAPPED: { state: "TIMEOUT", text: "the program reported status CAPPED" },
};
const SUCCEEDING = new Set(["SUCCESS", "SAT", "UNSAT", "DONOTADVANCE"]);

export interface SmacClassifyInput extends EndInfo {
  readonly smac: SmacParsed;
}

/** Decides the final state of a SMAC-style attempt (see the module comment). */
export function classifySmacOutcome(input: SmacClassifyInput): Outcome {
  const { smac } = input;
  const p = smac.parsed;
  const fault = faultOutcome(input, smac.found);
  if (fault !== null) return fault;
  const exit = exitCodeNote(input.exitCode);
  if (!smac.found)
    return {
      state: "FAILED",
      reason: `no SMAC result line ("cost=<number>; status=SUCCESS") in the output: counts as CRASHED${exit}`,
    };
  const status = smac.status ?? "SUCCESS";
  const printedStatus =
    smac.status !== null && status !== "SUCCESS" ? `; status ${status} was printed` : "";
  if (p.missing.length > 0)
    return {
      state: "FAILED",
      reason: `no cost in the SMAC result line: counts as CRASHED${printedStatus}${exit}`,
    };
  const failing = FAILING[status];
  if (failing !== undefined) return { state: failing.state, reason: failing.text + exit };
  if (!SUCCEEDING.has(status))
    return { state: "FAILED", reason: `unknown SMAC status ${JSON.stringify(status)}${exit}` };
  if (smac.costMismatch !== null) return { state: "FAILED", reason: smac.costMismatch + exit };
  const problems = resultProblems(p);
  if (problems !== null) return { state: "FAILED", reason: problems + exit };
  const notes: string[] = [];
  if (status === "DONOTADVANCE") notes.push("status DONOTADVANCE: the result is kept");
  if (exit !== "")
    notes.push(`exit code ${input.exitCode}, but a cost was printed: counted as completed`);
  return { state: "COMPLETED", reason: notes.length > 0 ? notes.join("; ") : null };
}
