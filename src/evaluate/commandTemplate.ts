/**
 * The run-program template: OmniOpt2's four placeholder forms, rendered so that no parameter
 * value can change the command's structure.
 *
 * Placeholders: `%(x)`, `%x`, `$(x)` and `$x`, matched on WHOLE parameter names. For the bare
 * forms the whole identifier after `%` / `$` must be a parameter: with parameters `x` and `xy`,
 * `%xy` is xy, and `%xz` (no parameter xz) is left alone, where OmniOpt2 would substitute x and
 * leave `z`. Write `%(x)z` for "x followed by z". Placeholders are found everywhere in the text,
 * inside quotes and comments too, as OmniOpt2 does.
 *
 * Values:
 * - plain values (every number, in shortest round-trip form, and non-empty strings of letters,
 *   digits and `._+-:=@/,`) are substituted as text exactly like OmniOpt2, so
 *   `echo "RESULT: %(x)%(y)"` works. Such text cannot start a new word, quote,
 *   substitution or command, wherever the validation lets a placeholder stand.
 * - any other value (spaces, quotes, `;`, `$`, newlines, globs, the empty string...) is never
 *   put into the command. The program gets it through the environment variable
 *   SLURMOPT_P_<name>, referenced to fit the quote context at that position: unquoted
 *   `"$SLURMOPT_P_x"`, in double quotes `$SLURMOPT_P_x` (`${SLURMOPT_P_x}` before a name
 *   character), in single quotes `'"$SLURMOPT_P_x"'` (close, reference, reopen).
 * - one exception keeps plain text inert: an all-digit value right before `<` / `>` outside
 *   quotes is written as `"2"`, so `%x>out` never turns into the redirection `2>out`.
 * - where the context cannot be followed safely (backticks, `$(...)`, `${...}`, `$((...))`,
 *   heredocs, bash's `$'...'`) a parameter that may take a non-plain value is refused when the
 *   spec is validated; a placeholder right after an active `\`, a `$`, an unbraced shell variable
 *   (`$HOME%x`: write `${HOME}%x`) or a word-initial `~` is refused for every value.
 *
 * The environment always holds every parameter as SLURMOPT_P_<name> (its exact text), plus
 * the trial id, trial index and attempt directory when given, plus the caller's extras.
 */
import { InputError } from "../errors/errors.js";
import type { Parameter, ParamValue, Point } from "../space/parameters.js";
import { formatValue } from "../space/parameters.js";
import type { MarkContext } from "./shellContext.js";
import { PLACEHOLDER_MARK, scanShellContexts } from "./shellContext.js";
import { shellReentryBefore } from "./shellReentry.js";

export const PARAMETER_ENV_PREFIX = "SLURMOPT_P_";
export const TRIAL_ID_ENV = "SLURMOPT_TRIAL_ID";
export const TRIAL_INDEX_ENV = "SLURMOPT_TRIAL_INDEX";
export const ATTEMPT_DIR_ENV = "SLURMOPT_ATTEMPT_DIR";

/** Characters a value may consist of to be substituted as text (besides being a number). */
const PLAIN_TEXT = /^[A-Za-z0-9._+\-:=@/,]+$/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function parameterEnvName(name: string): string {
  return `${PARAMETER_ENV_PREFIX}${name}`;
}

/** True when the value goes into the command as text (numbers, and `[A-Za-z0-9._+-:=@/,]+`). */
export function isPlainValue(v: ParamValue): boolean {
  return typeof v === "number" || PLAIN_TEXT.test(v);
}

interface Placeholder {
  readonly name: string;
  /** The placeholder as written, e.g. `%(x)`. */
  readonly text: string;
  /** Offset in the template. */
  readonly at: number;
  readonly context: MarkContext;
}

interface CompiledTemplate {
  /** Literal text around the placeholders: `literals.length === placeholders.length + 1`. */
  readonly literals: readonly string[];
  readonly placeholders: readonly Placeholder[];
  /** Set when the template ends inside a quote or substitution. */
  readonly unterminated: string | null;
  /** `%word` / `%(word)` that look like placeholders but name no parameter. */
  readonly nearMisses: readonly string[];
}

/** Finds the placeholders of `template` for the given parameter names and their contexts. */
function compileTemplate(template: string, names: ReadonlySet<string>): CompiledTemplate {
  const literals: string[] = [];
  const found: { name: string; text: string; at: number }[] = [];
  const nearMisses: string[] = [];
  let literal = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === "%" || c === "$") {
      const hit = matchPlaceholder(template, i, names);
      if (hit !== null) {
        literals.push(literal);
        literal = "";
        found.push({ name: hit.name, text: template.slice(i, hit.end), at: i });
        i = hit.end;
        continue;
      }
      if (c === "%") {
        const miss = /^%(\(\w+\)|\w+)/.exec(template.slice(i, i + 200));
        if (miss !== null && looksLikeParameter(miss[1]!, names)) nearMisses.push(miss[0]);
      }
    }
    literal += c;
    i++;
  }
  literals.push(literal);
  const scan = scanShellContexts(literals.join(PLACEHOLDER_MARK));
  const placeholders = found.map((p, k) => ({ ...p, context: scan.marks[k]! }));
  return { literals, placeholders, unterminated: scan.unterminated, nearMisses };
}

function matchPlaceholder(
  t: string,
  i: number,
  names: ReadonlySet<string>,
): { name: string; end: number } | null {
  if (t[i + 1] === "(") {
    const close = t.indexOf(")", i + 2);
    if (close < 0) return null;
    const name = t.slice(i + 2, close);
    return names.has(name) ? { name, end: close + 1 } : null;
  }
  let j = i + 1;
  while (j < t.length && NAME_CHAR.test(t[j]!)) j++;
  const name = t.slice(i + 1, j);
  return names.has(name) ? { name, end: j } : null;
}

/** `%(word)` always looks like a placeholder; `%word` does when it starts with a parameter name. */
function looksLikeParameter(word: string, names: ReadonlySet<string>): boolean {
  if (word.startsWith("(")) return true;
  for (const n of names) if (word.startsWith(n)) return true;
  return false;
}

const cache = new Map<string, CompiledTemplate>();

function compiled(template: string, names: readonly string[]): CompiledTemplate {
  const key = `${names.join(",")}\u0000${template}`;
  let c = cache.get(key);
  if (c === undefined) {
    if (template.includes(PLACEHOLDER_MARK))
      throw new InputError("SPEC_INVALID", "run_program: contains a NUL character; remove it");
    if (cache.size >= 64) cache.clear();
    c = compileTemplate(template, new Set(names));
    cache.set(key, c);
  }
  return c;
}

function possibleValues(p: Parameter): readonly ParamValue[] {
  // A conditional parameter, when inactive, puts its inactive_value (default "") in its place.
  const inactive = p.activeIf === undefined ? [] : [inactiveText(p)];
  if (p.kind === "choice") return [...p.values, ...inactive];
  if (p.kind === "fixed") return [p.value, ...inactive];
  return inactive; // ranges only take numbers, which are always plain
}

/** What stands for a parameter in the program while it is inactive: inactive_value, or "". */
export function inactiveText(p: Parameter): ParamValue {
  return p.inactiveValue ?? "";
}

/**
 * The point as the program template sees it: every inactive parameter (absent from the point)
 * with its inactive_value, or the empty string.
 */
export function withInactiveValues(point: Point, parameters: readonly Parameter[]): Point {
  if (parameters.every((p) => p.activeIf === undefined || point[p.name] !== undefined))
    return point;
  const out: Record<string, ParamValue> = { ...point };
  for (const p of parameters) if (out[p.name] === undefined) out[p.name] = inactiveText(p);
  return out;
}

function describeContext(ctx: MarkContext): string {
  return ctx.kind === "unsafe" || ctx.kind === "attached" ? ctx.where : ctx.kind;
}

/**
 * Checks a run-program template against the search space once, when the spec is validated:
 * every value a parameter can take must be insertable wherever its placeholders stand.
 * Throws InputError (SPEC_INVALID) naming the parameter, the place and the fix. Returns
 * warnings for `%word` / `%(word)` that name no parameter (left as they are).
 */
export function validateCommandTemplate(
  template: string,
  parameters: readonly Parameter[],
  field = "run_program",
): { warnings: string[] } {
  const fail = (msg: string): never => {
    throw new InputError("SPEC_INVALID", `${field}: ${msg}`);
  };
  if (template.trim() === "") fail("the command is empty; give the program to run");
  if (template.includes(PLACEHOLDER_MARK)) fail("contains a NUL character; remove it");
  for (const p of parameters) {
    for (const v of possibleValues(p)) {
      if (typeof v === "string" && v.includes(PLACEHOLDER_MARK))
        fail(
          `parameter "${p.name}" has a value with a NUL character, which no program can receive; remove it`,
        );
    }
  }
  const c = compiled(
    template,
    parameters.map((p) => p.name),
  );
  if (c.unterminated !== null)
    fail(
      `the command ends inside ${c.unterminated}; close it (the shell would refuse the command)`,
    );
  const byName = new Map(parameters.map((p) => [p.name, p]));
  for (const ph of c.placeholders) {
    const p = byName.get(ph.name)!;
    if (ph.context.kind === "attached") {
      fail(
        `placeholder "${ph.text}" at offset ${ph.at} stands ${ph.context.where}, so its value would ` +
          `merge with it; remove that character or write the placeholder elsewhere`,
      );
    }
    const reentry =
      ph.context.kind === "unquoted" || ph.context.kind === "double" || ph.context.kind === "single"
        ? shellReentryBefore(template, ph.at)
        : null;
    if (ph.context.kind !== "unsafe" && reentry === null) continue;
    const bad = possibleValues(p).find((v) => !isPlainValue(v));
    if (bad === undefined) continue;
    if (ph.context.kind !== "unsafe") {
      fail(
        `parameter "${p.name}" can take the value ${JSON.stringify(bad)}, which is not only letters, ` +
          `digits and ._+-:=@/, and its placeholder "${ph.text}" at offset ${ph.at} comes after ` +
          `"${reentry}", which runs its argument as shell code again: the value would be executed ` +
          `there. Fix: read "$${parameterEnvName(p.name)}" in the inner command instead ` +
          `(sh -c 'prog "$${parameterEnvName(p.name)}"': the inner shell expands it as data), or restrict the values of "${p.name}" to letters, digits and ._+-:=@/`,
      );
      continue;
    }
    if (bad === "" && p.activeIf !== undefined && p.inactiveValue === undefined)
      fail(
        `parameter "${p.name}" is conditional (active_if "${p.activeIf}") and stands for the empty ` +
          `string while inactive, but its placeholder "${ph.text}" at offset ${ph.at} stands ` +
          `${ph.context.where}, where slurmopt cannot insert that safely. Fix: give it an ` +
          `"inactive_value" (such as 0 or none), move the placeholder out of it, or read ` +
          `"$${parameterEnvName(p.name)}" in the program`,
      );
    fail(
      `parameter "${p.name}" can take the value ${JSON.stringify(bad)}, which is not only letters, ` +
        `digits and ._+-:=@/, and its placeholder "${ph.text}" at offset ${ph.at} stands ` +
        `${ph.context.where}, where slurmopt cannot insert it safely. Fix: move the placeholder ` +
        `out of it, restrict the values of "${p.name}" to letters, digits and ._+-:=@/, or read ` +
        `"$${parameterEnvName(p.name)}" (always set) in the program instead`,
    );
  }
  const warnings = c.nearMisses.map(
    (m) =>
      `${field}: "${m}" names no parameter and is left as it is (names are matched whole; ` +
      `write %(name) to put a parameter right before other letters)`,
  );
  return { warnings };
}

export interface RenderOptions {
  readonly trialId?: number | string;
  readonly trialIndex?: number;
  readonly attemptDir?: string;
  /** More environment for the program; SLURMOPT_P_* always come from the point. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RenderedCommand {
  /** The command for `/bin/sh -c`. */
  readonly command: string;
  /** Environment to add to the program's: SLURMOPT_P_<name> for every parameter, and more. */
  readonly env: Record<string, string>;
}

/**
 * Renders the template for one point (every parameter of the space, fixed ones included).
 * Throws InputError when a value cannot be inserted safely; validateCommandTemplate() finds
 * every such case at spec time, so a validated campaign never gets this error.
 */
export function renderCommand(
  template: string,
  point: Point,
  options: RenderOptions = {},
): RenderedCommand {
  const names = Object.keys(point);
  const c = compiled(template, names);
  const env: Record<string, string> = { ...options.env };
  if (options.trialId !== undefined) env[TRIAL_ID_ENV] = String(options.trialId);
  if (options.trialIndex !== undefined) env[TRIAL_INDEX_ENV] = String(options.trialIndex);
  if (options.attemptDir !== undefined) env[ATTEMPT_DIR_ENV] = options.attemptDir;
  for (const name of names) {
    const text = formatValue(point[name]!);
    if (text.includes(PLACEHOLDER_MARK))
      throw new InputError(
        "SPEC_INVALID",
        `parameter "${name}": its value contains a NUL character`,
      );
    env[parameterEnvName(name)] = text;
  }
  let command = c.literals[0]!;
  c.placeholders.forEach((ph, k) => {
    const after = c.literals[k + 1]!;
    const nextIsNameChar = after === "" ? k + 1 < c.placeholders.length : NAME_CHAR.test(after[0]!);
    command += insertion(ph, point[ph.name]!, nextIsNameChar, REDIRECT_AFTER.test(after)) + after;
  });
  return { command, env };
}

/** Digits then `<` / `>`: an all-digit word there would become a file descriptor (`2>out`). */
const REDIRECT_AFTER = /^\d*[<>]/;

function insertion(
  ph: Placeholder,
  value: ParamValue,
  nextIsNameChar: boolean,
  redirectAfter: boolean,
): string {
  const ctx = ph.context;
  if (ctx.kind === "attached")
    throw new InputError(
      "SPEC_INVALID",
      `run_program: placeholder "${ph.text}" stands ${ctx.where}; remove that character`,
    );
  if (isPlainValue(value)) {
    const text = formatValue(value);
    // `%x>out` with x=2 would redirect file descriptor 2; quoted, it stays the word "2".
    return ctx.kind === "unquoted" && redirectAfter && /^\d+$/.test(text) ? `"${text}"` : text;
  }
  const v = parameterEnvName(ph.name);
  switch (ctx.kind) {
    case "unquoted":
    case "comment":
      return `"$${v}"`;
    case "double":
      return nextIsNameChar ? `\${${v}}` : `$${v}`;
    case "single":
      return `'"$${v}"'`;
    case "unsafe":
      throw new InputError(
        "SPEC_INVALID",
        `run_program: parameter "${ph.name}" has the value ${JSON.stringify(value)}, which cannot be ` +
          `inserted safely ${describeContext(ctx)}; move the placeholder "${ph.text}" out of it, ` +
          `restrict the values to letters, digits and ._+-:=@/, or read "$${v}" in the program`,
      );
  }
}
