/**
 * Strict reading of results.json, `{"parameters": {"x": 1234, "y": "a", ...}}`:
 * - the text is JSON (Python writes NaN or Infinity for non-finite floats: not JSON, refused);
 * - "parameters" is an object naming every parameter of the space (fixed ones too) and no other;
 * - RANGE INT: an integer (a number, or a string holding one, as OmniOpt2's documented example
 *   writes "5431"); RANGE FLOAT: a finite number or numeric string; both inside the bounds;
 * - CHOICE / FIXED: one of the values; choices may be given as strings or numbers ("64" is 64);
 * - the point satisfies every constraint.
 * Every problem is reported, each naming its field. Other top-level keys are ignored.
 */
import type { ConstraintSet } from "../../space/constraints.js";
import type { ParamValue, Parameter, Point } from "../../space/parameters.js";
import { formatValue } from "../../space/parameters.js";
import type { SearchSpace } from "../../space/searchSpace.js";

export type ReadResult = { ok: true; point: Point } | { ok: false; problems: string[] };

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads results.json's text (null: the file was not written). */
export function readResultsJson(
  text: string | null,
  space: SearchSpace,
  constraints: ConstraintSet,
): ReadResult {
  if (text === null)
    return fail(
      `results.json was not written; the program must write {"parameters": {...}} into the folder given as its last argument`,
    );
  if (text.trim() === "") return fail("results.json is empty");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const hint = /\b(?:NaN|-?Infinity)\b/.test(text)
      ? " (it holds NaN or Infinity, which Python writes for non-finite floats: give finite values)"
      : "";
    return fail(`results.json is not valid JSON: ${(e as Error).message}${hint}`);
  }
  if (!isRecord(data))
    return fail(`results.json must hold an object {"parameters": {...}}, got ${describe(data)}`);
  const given = data.parameters;
  if (!isRecord(given))
    return fail(
      given === undefined
        ? `results.json has no "parameters" key; write {"parameters": {"name": value, ...}}`
        : `results.json: "parameters" must be an object of name: value, got ${describe(given)}`,
    );
  const problems: string[] = [];
  const read: Record<string, ParamValue> = {};
  const readProblems = new Map<string, string>();
  for (const p of space.parameters) {
    if (!(p.name in given) || (given[p.name] === null && p.activeIf !== undefined)) {
      readProblems.set(p.name, `parameters.${p.name}: missing (${expected(p)})`);
      continue;
    }
    const r = readValue(p, given[p.name]);
    if (typeof r === "string") readProblems.set(p.name, `parameters.${p.name}: ${r}`);
    else read[p.name] = r.value;
  }
  // Conditional spaces: only the parameters active at the answer count; a value given for an
  // inactive one (a generator that knows no conditions) is left out of the point.
  const active = space.activeNames(read);
  const point: Record<string, ParamValue> = {};
  for (const p of space.parameters) {
    if (!active.has(p.name)) continue;
    const problem = readProblems.get(p.name);
    if (problem !== undefined) problems.push(problem);
    else point[p.name] = read[p.name]!;
  }
  for (const k of Object.keys(given))
    if (space.parameter(k) === undefined)
      problems.push(
        `parameters.${k}: unknown parameter; the parameters are ${space.parameters.map((p) => p.name).join(", ")}`,
      );
  if (problems.length > 0) return { ok: false, problems };
  for (const c of constraints.violations(point))
    problems.push(`the point ${describePoint(point)} violates the constraint "${c}"`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, point };
}

/** The value in its canonical form, or why it is not valid. */
function readValue(p: Parameter, v: unknown): { value: ParamValue } | string {
  if (p.kind === "range") {
    const n = numberOf(v);
    if (n === null) return `must be ${expected(p)}, got ${describe(v)}`;
    if (p.valueType === "int" && !Number.isInteger(n))
      return `must be an integer (the parameter is INT), got ${describe(v)}`;
    if (n < p.low || n > p.high)
      return `${formatValue(n)} is outside the range [${formatValue(p.low)}, ${formatValue(p.high)}]`;
    return { value: Object.is(n, -0) ? 0 : n };
  }
  const allowed = p.kind === "choice" ? p.values : [p.value];
  if (typeof v !== "string" && typeof v !== "number")
    return `must be ${expected(p)}, got ${describe(v)}`;
  const match = allowed.find((a) => sameChoice(a, v));
  if (match === undefined) return `${describe(v)} is not ${expected(p)}`;
  return { value: match };
}

/** A number, or a string holding one in decimal notation; null for anything else. */
function numberOf(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && NUMERIC_TEXT.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Choice values match as text ("64" is 64) or as equal numbers ("0.50" is 0.5). */
function sameChoice(a: ParamValue, v: string | number): boolean {
  if (String(a) === String(v)) return true;
  const x = numberOf(a);
  const y = numberOf(v);
  return x !== null && y !== null && x === y;
}

function expected(p: Parameter): string {
  if (p.kind === "range")
    return `${p.valueType === "int" ? "an integer" : "a number"} in [${formatValue(p.low)}, ${formatValue(p.high)}]`;
  if (p.kind === "fixed") return `the fixed value ${JSON.stringify(p.value)}`;
  return `one of ${p.values.map((v) => JSON.stringify(v)).join(", ")}`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "boolean") return `the boolean ${v}`;
  return JSON.stringify(v);
}

function describePoint(point: Point): string {
  return `{${Object.entries(point)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(", ")}}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(problem: string): ReadResult {
  return { ok: false, problems: [problem] };
}
