import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";

export type TextFormat = "JSON" | "YAML" | "TOML";

/**
 * Parses a spec or config file's text. A syntax error is thrown as a SyntaxError whose message
 * is one line: where (line and column, when the parser says) and what, without the parsers'
 * multi-line excerpts of the file (the original error is its cause).
 */
export function parseStructuredText(text: string, format: TextFormat): unknown {
  try {
    return format === "JSON"
      ? JSON.parse(text)
      : format === "TOML"
        ? parseToml(text)
        : parseYaml(text);
  } catch (e) {
    throw new SyntaxError(syntaxProblem(e, text), { cause: e });
  }
}

/** "line L, column C: what" from a JSON, YAML (linePos) or smol-toml (line, column) error. */
export function syntaxProblem(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  // JSON's "Unexpected token 'x', ...<excerpt of the text>... is not valid JSON" spans lines.
  const unquoted = message.replace(/^(Unexpected token .*?), .*is not valid JSON$/s, "$1");
  let what = unquoted.split("\n").find((l) => l.trim() !== "") ?? unquoted;
  let at: { line: number; column: number } | null = null;
  const err = e as { linePos?: { line: number; col: number }[]; line?: unknown; column?: unknown };
  if (err.linePos?.[0]) at = { line: err.linePos[0].line, column: err.linePos[0].col };
  else if (typeof err.line === "number" && typeof err.column === "number")
    at = { line: err.line, column: err.column };
  const position = /\s*(?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(what);
  if (position) {
    at = lineAndColumn(text, Number(position[1]));
    what = what.replace(position[0], "");
  } else if (at === null && unquoted !== message) {
    // Node 20's JSON.parse names the token but not its place (a trailing comma, an unquoted
    // word): found as the shortest start of the text that fails before its end.
    const offset = unexpectedTokenOffset(text);
    if (offset !== null) at = lineAndColumn(text, offset);
  }
  what = what
    .replace(/\s*at line \d+, column \d+:?$/, "") // YAML's position, given apart
    .replace(/^Invalid TOML document: /, "")
    .trim();
  return at ? `line ${at.line}, column ${at.column}: ${what}` : what;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * The offset of the character JSON.parse stops at, when its message gives none: the shortest
 * start of the text whose parse fails before the start's end (a start that is only cut short
 * fails at its end, or parses), by bisection; null when no start fails so.
 */
function unexpectedTokenOffset(text: string): number | null {
  const failsInside = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const message = e instanceof Error ? e.message : "";
      if (/^Unexpected end of JSON input/.test(message)) return false;
      const at = /at position (\d+)/.exec(message);
      return at === null || Number(at[1]) < n;
    }
  };
  if (!failsInside(text.length)) return null;
  let lo = 0; // a start that does not fail inside
  let hi = text.length; // a start that does
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}
