/** Reading numbers and lines out of a program's captured output. */

/** CSI sequences (colours, cursor moves), OSC sequences (titles, links) and 2-byte escapes. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

/** Removes ANSI escape sequences (terminal colours and the like). */
export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI, "") : text;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Parses one number in the full float grammar: `1.5e-3`, `.5`, `5.`, `+3`, `1E5`, `-inf`,
 * `inf`, `Infinity`, `nan` (any case, optional sign). Returns null for anything else
 * (`1,5`, `0x10`, `1_000`, `5 apples`, empty text). NaN and infinities are returned as such;
 * callers decide whether they are acceptable.
 */
export function parseNumberText(text: string): number | null {
  if (DECIMAL.test(text)) return Number(text);
  const m = SPECIAL.exec(text);
  if (m === null) return null;
  if (m[2]!.toLowerCase() === "nan") return NaN;
  return m[1] === "-" ? -Infinity : Infinity;
}

const LEADING_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const LEADING_SPECIAL = /^[+-]?(?:infinity|inf|nan)(?![A-Za-z0-9_])/i;

export interface LeadingNumber {
  /** The number (NaN and infinities as such), or null when the text does not start with one. */
  readonly value: number | null;
  /** The characters that made the number ("" when there is none). */
  readonly text: string;
  /** What followed the number, trimmed ("" when nothing did). */
  readonly rest: string;
}

/**
 * The first number at the start of `text` (after spaces), in the full float grammar of
 * parseNumberText, and what follows it: OmniOpt2 takes the first number after `NAME:` and
 * ignores the rest (`0.13,` is 0.13; `1.5.2` is 1.5), but reads `1.5e-3` as 1.5; here the
 * exponent belongs to the number. `inf` and `nan` count only as whole words (`infinite` is
 * no number).
 */
export function leadingNumber(text: string): LeadingNumber {
  const t = text.trimStart();
  const m = LEADING_DECIMAL.exec(t) ?? LEADING_SPECIAL.exec(t);
  if (m === null) return { value: null, text: "", rest: t.trimEnd() };
  return { value: parseNumberText(m[0]), text: m[0], rest: t.slice(m[0].length).trim() };
}

/** Describes why a parsed value is not a usable result, or null when it is finite. */
export function unusableNumber(value: number | null): string | null {
  if (value === null) return "is not a number";
  if (Number.isNaN(value)) return "is NaN";
  if (!Number.isFinite(value)) return "is infinite";
  return null;
}
