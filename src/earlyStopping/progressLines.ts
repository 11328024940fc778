/**
 * Progress lines: a running program reports an intermediate value of an objective or metric
 * NAME at a step (epoch, iteration, budget used) with a line `NAME@STEP: value`, e.g.
 * `RESULT@3: 0.42`, at the start of a line (after optional spaces or tabs). STEP is a
 * non-negative number; the value is the first word after the colon, in the float grammar of
 * result lines; a value that is not finite, a step that is not a number and names that are not
 * objectives or metrics are ignored. The final `NAME: value` line stays the trial's result.
 * The output is read piece by piece while the program runs: a line counts once it is ended by
 * `\n` or `\r`; the part after the last line end waits for the next piece.
 */
import { parseNumberText, stripAnsi, unusableNumber } from "../evaluate/outputText.js";
import type { ProgressValue } from "../store/progressRows.js";

const LINE = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)@([^:\s]+)[ \t]*:[ \t]*(\S*)/;
/** A line longer than this without an end is dropped (a progress bar gone wild). */
const MAX_PENDING = 64 * 1024;

/** Parses the progress lines of output that arrives piece by piece. */
export class ProgressLineParser {
  private pending = "";

  constructor(private readonly names: ReadonlySet<string>) {}

  /** The progress values in the complete lines of `piece` (with what was left of the last piece). */
  feed(piece: string): ProgressValue[] {
    const text = this.pending + piece;
    const end = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r"));
    if (end < 0) {
      this.pending = text.length > MAX_PENDING ? "" : text;
      return [];
    }
    this.pending = text.length - end - 1 > MAX_PENDING ? "" : text.slice(end + 1);
    const out: ProgressValue[] = [];
    for (const line of stripAnsi(text.slice(0, end)).split(/\r\n|\r|\n/)) {
      const v = parseProgressLine(line, this.names);
      if (v !== null) out.push(v);
    }
    return out;
  }
}

/** The progress value of one line, or null when it is not a usable progress line. */
export function parseProgressLine(line: string, names: ReadonlySet<string>): ProgressValue | null {
  const m = LINE.exec(line);
  if (m === null || !names.has(m[1]!)) return null;
  const step = parseNumberText(m[2]!);
  const value = parseNumberText(m[3]!);
  if (unusableNumber(step) !== null || step! < 0 || unusableNumber(value) !== null) return null;
  return { metric: m[1]!, step: step!, value: value! };
}
