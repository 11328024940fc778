/**
 * A small POSIX sh scanner that tells, for marked positions in a command text, which quoting
 * context the shell will be in there. The run-program template is scanned with each
 * placeholder replaced by PLACEHOLDER_MARK, so the renderer knows how a value may be inserted
 * without changing the command's structure.
 *
 * It follows single quotes, double quotes, backslash escapes, comments, `${...}`, `$(...)`,
 * `$((...))` and backticks. Where it cannot follow the shell with certainty (heredocs,
 * bash's `$'...'` and `$"..."`, `case` inside `$(...)`, quotes inside `${...}` or `$((...))`)
 * it stops following: every later mark is reported "unsafe". It never guesses.
 */

/** Stands for one placeholder in the scanned text. Templates containing NUL are refused. */
export const PLACEHOLDER_MARK = "\u0000";

export type MarkContext =
  /** Outside any quotes, at command level: a value goes in as `"$VAR"`. */
  | { readonly kind: "unquoted" }
  /** Inside "...": a value goes in as `$VAR` / `${VAR}`. */
  | { readonly kind: "double" }
  /** Inside '...': a value goes in as `'"$VAR"'`. */
  | { readonly kind: "single" }
  /** Inside a `#` comment: ignored by the shell up to the line end. */
  | { readonly kind: "comment" }
  /** Nested in something slurmopt does not follow: only plain text may go there. */
  | { readonly kind: "unsafe"; readonly where: string }
  /** Right after an active `\` or `$`: nothing may go there, the value would merge with it. */
  | { readonly kind: "attached"; readonly where: string };

export interface ScanResult {
  /** One context per PLACEHOLDER_MARK, in order. */
  readonly marks: readonly MarkContext[];
  /** Set when the text ends inside a quote or substitution (a shell syntax error). */
  readonly unterminated: string | null;
}

type Frame =
  | { kind: "top"; sub: boolean; parens: number; wordStart: boolean }
  | { kind: "single" }
  | { kind: "double" }
  | { kind: "backtick" }
  | { kind: "brace" }
  | { kind: "arith"; parens: number }
  | { kind: "comment" };

const FRAME_NAMES: Record<Frame["kind"], string> = {
  top: "a $(...) command substitution",
  single: "a single-quoted string",
  double: "a double-quoted string",
  backtick: "a `...` command substitution",
  brace: "a ${...} parameter expansion",
  arith: "a $((...)) arithmetic expansion",
  comment: "a comment",
};

const WORD_BREAK = /[\s;&|()<>]/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAM = /[0-9@*#?$!-]/;

/** Scans `text` as POSIX sh and reports the context of every PLACEHOLDER_MARK in it. */
export function scanShellContexts(text: string): ScanResult {
  const marks: MarkContext[] = [];
  const stack: Frame[] = [{ kind: "top", sub: false, parens: 0, wordStart: true }];
  const follow: { lost: string | null } = { lost: null }; // why the scanner stopped following
  let i = 0;

  const top = (): Frame => stack[stack.length - 1]!;
  const unsafeAncestor = (): string | null => {
    for (const f of stack) {
      if (
        (f.kind === "top" && f.sub) ||
        f.kind === "backtick" ||
        f.kind === "brace" ||
        f.kind === "arith"
      )
        return FRAME_NAMES[f.kind];
    }
    return null;
  };
  const markHere = (): void => {
    const f = top();
    if (f.kind === "top") f.wordStart = false;
    const unsafe = unsafeAncestor();
    if (unsafe !== null) {
      marks.push({ kind: "unsafe", where: `inside ${unsafe}` });
      return;
    }
    switch (f.kind) {
      case "top":
        marks.push({ kind: "unquoted" });
        return;
      case "double":
      case "single":
      case "comment":
        marks.push({ kind: f.kind });
        return;
      default:
        marks.push({ kind: "unsafe", where: `inside ${FRAME_NAMES[f.kind]}` });
    }
  };
  const attached = (where: string): void => {
    marks.push({ kind: "attached", where });
  };
  const stopFollowing = (why: string): void => {
    follow.lost = why;
  };

  /** Handles `$` at i (in top, double, brace or arith context); returns the next index. */
  const dollar = (inDouble: boolean): number => {
    const n = text[i + 1];
    if (n === PLACEHOLDER_MARK) {
      attached("right after a `$`");
      return i + 2;
    }
    if (n === "(" && text[i + 2] === "(") {
      stack.push({ kind: "arith", parens: 0 });
      return i + 3;
    }
    if (n === "(") {
      stack.push({ kind: "top", sub: true, parens: 0, wordStart: true });
      return i + 2;
    }
    if (n === "{") {
      stack.push({ kind: "brace" });
      return i + 2;
    }
    if (!inDouble && (n === "'" || n === '"')) {
      stopFollowing(`\`$${n}\` (bash-only quoting)`);
      return i + 2;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
      if (text[j] === PLACEHOLDER_MARK) {
        const name = text.slice(i + 1, j);
        attached(`right after the shell variable $${name} (write \${${name}} to end its name)`);
        return j + 1;
      }
      return j;
    }
    if (n !== undefined && SPECIAL_PARAM.test(n)) return i + 2;
    return i + 1;
  };

  while (i < text.length && follow.lost === null) {
    const c = text[i]!;
    const n = text[i + 1];
    const f = top();
    if (c === PLACEHOLDER_MARK) {
      markHere();
      i++;
      continue;
    }
    switch (f.kind) {
      case "single":
        if (c === "'") stack.pop();
        i++;
        break;
      case "comment":
        if (c === "\n") stack.pop();
        i++;
        break;
      case "double":
        if (c === '"') {
          stack.pop();
          i++;
        } else if (c === "\\") {
          if (n === PLACEHOLDER_MARK) {
            attached("right after a `\\`");
            i += 2;
          } else i += n !== undefined && /[$`"\\\n]/.test(n) ? 2 : 1;
        } else if (c === "$") i = dollar(true);
        else if (c === "`") {
          stack.push({ kind: "backtick" });
          i++;
        } else i++;
        break;
      case "backtick":
        if (c === "\\") {
          if (n === PLACEHOLDER_MARK) attached("right after a `\\`");
          i += 2;
        } else {
          if (c === "`") stack.pop();
          i++;
        }
        break;
      case "brace":
        if (c === "}") {
          stack.pop();
          i++;
        } else if (c === "\\") {
          if (n === PLACEHOLDER_MARK) attached("right after a `\\`");
          i += 2;
        } else if (c === '"') {
          stack.push({ kind: "double" });
          i++;
        } else if (c === "`") {
          stack.push({ kind: "backtick" });
          i++;
        } else if (c === "$") i = dollar(false);
        else if (c === "'") stopFollowing("a single quote inside ${...}");
        else i++;
        break;
      case "arith":
        if (c === "(") {
          f.parens++;
          i++;
        } else if (c === ")") {
          if (f.parens > 0) {
            f.parens--;
            i++;
          } else if (n === ")") {
            stack.pop();
            i += 2;
          } else stopFollowing("a `)` that ends $((...)) ambiguously");
        } else if (c === "$") i = dollar(false);
        else if (c === "'" || c === '"' || c === "`" || c === "\\")
          stopFollowing("quotes or escapes inside $((...))");
        else i++;
        break;
      case "top":
        i = scanTopChar(f, c, n);
        break;
    }
  }

  function scanTopChar(f: Frame & { kind: "top" }, c: string, n: string | undefined): number {
    const wasWordStart = f.wordStart;
    f.wordStart = WORD_BREAK.test(c);
    switch (c) {
      case "\\":
        if (n === PLACEHOLDER_MARK) {
          attached("right after a `\\`");
        }
        return i + 2;
      case "'":
        stack.push({ kind: "single" });
        return i + 1;
      case '"':
        stack.push({ kind: "double" });
        return i + 1;
      case "`":
        stack.push({ kind: "backtick" });
        return i + 1;
      case "$":
        return dollar(false);
      case "#":
        if (wasWordStart) stack.push({ kind: "comment" });
        return i + 1;
      case "(":
        if (f.sub) f.parens++;
        return i + 1;
      case ")":
        if (f.sub) {
          if (f.parens === 0) stack.pop();
          else f.parens--;
        }
        return i + 1;
      case "<":
        if (n === "<") stopFollowing("a here-document (<<)");
        return i + 1;
      case "~":
        if (wasWordStart && n === PLACEHOLDER_MARK) {
          attached("right after a `~` (the value would become a user name, as in ~root)");
          return i + 2;
        }
        return i + 1;
      default:
        if (
          f.sub &&
          wasWordStart &&
          text.startsWith("case", i) &&
          !NAME_CHAR.test(text[i + 4] ?? " ")
        )
          stopFollowing("`case` inside $(...)");
        return i + 1;
    }
  }

  const why = follow.lost;
  if (why !== null) {
    for (; i < text.length; i++) {
      if (text[i] === PLACEHOLDER_MARK) marks.push({ kind: "unsafe", where: `after ${why}` });
    }
    return { marks, unterminated: null };
  }
  if (top().kind === "comment") stack.pop(); // a comment may end with the text
  const unterminated = stack.length > 1 ? FRAME_NAMES[top().kind] : null;
  return { marks, unterminated };
}
