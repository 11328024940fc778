/**
 * Results from a program's stdout, OmniOpt2's format done right.
 *
 * For every objective NAME a result line is `NAME: value` at the start of a line (after
 * optional spaces or tabs); `MY_RESULT: 9` and `RESULT2: 3` are not RESULT. The value is the
 * first number after the colon, as OmniOpt2 reads it (anything after it is ignored: `0.13,` is
 * 0.13, `1.5.2` is 1.5), but in the full float grammar (`1.5e-3` is 0.0015, not 1.5 as in
 * OmniOpt2; `.5`, `5.`, `+3`, `1E5`, `-inf`, `nan`). Text ignored after the number gives a
 * warning that is stored with the trial.
 * - `SEM-NAME: value` gives the standard error of NAME (a bad or negative one is ignored with
 *   a note; it never fails the trial).
 * - `OO-Info: key: value` becomes the extra column `OO_Info_key` (runs of characters other
 *   than letters, digits and `_` in the key become `_`).
 * - Metrics (outcome-constraint and tracking metrics) are read like objectives, with their SEMs;
 *   a missing or unusable metric never fails the trial (a note says so for an unusable one).
 * - Any other `NAME: value` line (NAME of letters, digits and `_`) is kept as text in the extra
 *   column `printed_NAME`, so nothing printed is lost (at most 50 such names per trial).
 * - When a line is printed several times, the LAST one counts (programs often print progress
 *   values before the final one); `notes` says so.
 * - Lines end at `\n`, `\r\n` or a lone `\r` (progress bars); ANSI colour codes are removed.
 * - One linear pass over the text, whatever its size.
 */
import type { EndInfo, Outcome } from "./outcome.js";
import { exitCodeNote, faultOutcome } from "./outcome.js";
import { leadingNumber, stripAnsi, unusableNumber } from "./outputText.js";

export interface InvalidResult {
  readonly name: string;
  /** The text after `NAME:` on the line that counted. */
  readonly text: string;
  /** "is NaN", "is infinite" or "is not a number". */
  readonly problem: string;
}

export interface ParsedResults {
  /** Finite values of the objectives found. */
  readonly values: Record<string, number>;
  /** Standard errors given by `SEM-NAME:` lines. */
  readonly sems: Record<string, number>;
  /** Extra columns (`OO_Info_key` from `OO-Info: key: value`). */
  readonly extras: Record<string, string>;
  /** Objectives without any result line. */
  readonly missing: string[];
  /** Objectives whose counted line holds NaN, an infinity or no number. */
  readonly invalid: InvalidResult[];
  /** Remarks worth keeping (repeated lines, ignored SEM or OO-Info lines). */
  readonly notes: string[];
  /**
   * Text ignored after an objective's number (`RESULT: 0.13,`): stored with the trial (its
   * reason), since it may mean the number was misread (`1,5` is read as 1).
   */
  readonly warnings: string[];
}

const patterns = new Map<string, RegExp>();

function patternFor(objectiveNames: readonly string[]): RegExp {
  const key = objectiveNames.join("\u0000");
  let re = patterns.get(key);
  if (re === undefined) {
    const alternatives = [...objectiveNames]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|");
    const names = alternatives === "" ? "(?!)" : alternatives;
    re = new RegExp(
      `^[ \\t]*(?:(SEM-)?(${names})[ \\t]*|OO-Info:([^:\\r\\n]*)|([A-Za-z_][A-Za-z0-9_]*)[ \\t]*):[ \\t]*(.*)$`,
      "gm",
    );
    if (patterns.size >= 32) patterns.clear();
    patterns.set(key, re);
  }
  return re;
}

/** Longest ignored text quoted in a warning. */
const MAX_QUOTED = 60;

function ignoredText(name: string, read: { text: string; rest: string }): string {
  const rest =
    read.rest.length > MAX_QUOTED ? `${read.rest.slice(0, MAX_QUOTED)}...[truncated]` : read.rest;
  return `${name}: text after the number ${read.text} ignored (${JSON.stringify(rest)})`;
}

/** Most undeclared `NAME: value` lines kept per trial (as printed_NAME extras). */
const MAX_PRINTED = 50;

/** Parses the result, SEM, OO-Info and other `NAME: value` lines of `stdout`. */
export function parseResults(
  stdout: string,
  objectiveNames: readonly string[],
  metricNames: readonly string[] = [],
): ParsedResults {
  const text = stripAnsi(stdout);
  const last = new Map<string, { text: string; count: number }>();
  const lastSem = new Map<string, { text: string; count: number }>();
  const extras: Record<string, string> = {};
  const notes: string[] = [];
  let keylessInfo = 0;

  let printedDropped = 0;
  for (const m of text.matchAll(patternFor([...objectiveNames, ...metricNames]))) {
    const value = m[5]!;
    const name = m[2];
    const other = m[4];
    if (other !== undefined) {
      const key = `printed_${other}`;
      if (key in extras || Object.keys(extras).length < MAX_PRINTED) extras[key] = value.trim();
      else printedDropped++;
      continue;
    }
    if (name !== undefined) {
      const into = m[1] !== undefined ? lastSem : last;
      const seen = into.get(name);
      into.set(name, { text: value, count: (seen?.count ?? 0) + 1 });
      continue;
    }
    const key = m[3]!
      .trim()
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "");
    if (key === "") keylessInfo++;
    else extras[`OO_Info_${key}`] = value.trim();
  }
  if (keylessInfo > 0) notes.push(`${keylessInfo} OO-Info line(s) without a key were ignored`);
  if (printedDropped > 0)
    notes.push(
      `${printedDropped} NAME: value line(s) past the first ${MAX_PRINTED} names were not kept`,
    );

  const values: Record<string, number> = {};
  const sems: Record<string, number> = {};
  const missing: string[] = [];
  const invalid: InvalidResult[] = [];
  const warnings: string[] = [];
  for (const name of objectiveNames) {
    const seen = last.get(name);
    if (seen === undefined) {
      missing.push(name);
    } else {
      const read = leadingNumber(seen.text);
      const problem = unusableNumber(read.value);
      if (problem === null) {
        values[name] = read.value!;
        if (read.rest !== "") warnings.push(ignoredText(name, read));
      } else invalid.push({ name, text: seen.text.trim(), problem });
      if (seen.count > 1)
        notes.push(
          `${name} was printed ${seen.count} times; the last line counts (${read.text || seen.text.trim()})`,
        );
    }
    const sem = lastSem.get(name);
    if (sem !== undefined) {
      const s = leadingNumber(sem.text).value;
      const problem = unusableNumber(s) ?? (s! < 0 ? "is negative" : null);
      if (problem === null) sems[name] = s!;
      else notes.push(`SEM-${name} ${JSON.stringify(sem.text.trim())} ${problem}; ignored`);
      if (sem.count > 1)
        notes.push(`SEM-${name} was printed ${sem.count} times; the last line counts`);
    }
  }
  for (const name of metricNames) {
    const seen = last.get(name);
    if (seen !== undefined) {
      const v = leadingNumber(seen.text).value;
      const problem = unusableNumber(v);
      if (problem === null) values[name] = v!;
      else notes.push(`metric ${name} ${JSON.stringify(seen.text.trim())} ${problem}; not stored`);
    }
    const sem = lastSem.get(name);
    const s = sem === undefined ? undefined : leadingNumber(sem.text).value;
    if (s !== undefined && unusableNumber(s) === null && s! >= 0) sems[name] = s!;
  }
  return { values, sems, extras, missing, invalid, notes, warnings };
}

/** Why the objectives are not all usable, or null when they are. */
export function resultProblems(parsed: ParsedResults): string | null {
  const parts = [
    ...parsed.missing.map((n) => `no result line "${n}: <number>" for objective ${n}`),
    ...parsed.invalid.map((r) => `objective ${r.name} ${r.problem} (${JSON.stringify(r.text)})`),
  ];
  return parts.length === 0 ? null : parts.join("; ");
}

export interface ClassifyInput extends EndInfo {
  readonly parsed: ParsedResults;
}

/**
 * Decides the final state of an attempt:
 * 1. a fault (time-out, cancel, out of memory, node failure...) or a deadly signal beats any
 *    result line: TIMEOUT / CANCELLED / FAILED with the fault as reason;
 * 2. otherwise, when every objective has a finite value the trial is COMPLETED, even with a
 *    non-zero exit code (as in OmniOpt2; the exit code is kept, the reason says so, and names
 *    any text ignored after a number);
 * 3. otherwise FAILED, the reason naming each missing or unusable objective and the exit code.
 */
export function classifyOutcome(input: ClassifyInput): Outcome {
  const { parsed } = input;
  const printed = Object.keys(parsed.values).length > 0 || parsed.invalid.length > 0;
  const fault = faultOutcome(input, printed);
  if (fault !== null) return fault;
  const problems = resultProblems(parsed);
  if (problems !== null)
    return { state: "FAILED", reason: problems + exitCodeNote(input.exitCode) };
  const remarks = [...parsed.warnings];
  if (input.exitCode !== null && input.exitCode !== 0)
    remarks.unshift(
      `exit code ${input.exitCode}, but every result was printed: counted as completed (as OmniOpt2 does)`,
    );
  return { state: "COMPLETED", reason: remarks.length > 0 ? remarks.join("; ") : null };
}
