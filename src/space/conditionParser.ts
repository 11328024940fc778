import { InputError } from "../errors/errors.js";

/**
 * A safe parser for the conditions of a conditional search space (`active_if`) and for
 * forbidden clauses. Nothing is ever evaluated as code. Grammar:
 *   cond := and ("or" and)*          and := not ("and" not)*
 *   not := "not" not | "(" cond ")" | atom
 *   atom := name op literal | name ["not"] "in" list
 *   op := == | != | < | > | <= | >=  list := "[" literal ("," literal)* "]" (or with "(" ")")
 *   literal := number | 'text' | "text" | true | false
 * Parenthesized nesting is limited to MAX_DEPTH levels.
 */

export type Literal = string | number | boolean;
export type CompareOp = "==" | "!=" | "<" | ">" | "<=" | ">=";

export type Condition =
  | { readonly type: "cmp"; readonly name: string; readonly op: CompareOp; readonly value: Literal }
  | {
      readonly type: "in";
      readonly name: string;
      readonly values: readonly Literal[];
      readonly negated: boolean;
    }
  | { readonly type: "and" | "or"; readonly args: readonly Condition[] }
  | { readonly type: "not"; readonly arg: Condition };

export const MAX_DEPTH = 64;

type Token =
  | { kind: "num"; value: number; pos: number }
  | { kind: "str"; value: string; pos: number }
  | { kind: "word"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPS = ["==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ","];

function tokenize(text: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = rest[0]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) fail(`the text starting at position ${i + 1} has no closing ${ch}`);
      tokens.push({ kind: "str", value: text.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    // A sign belongs to a number only where a literal is expected (after an operator).
    const prev = tokens[tokens.length - 1];
    const num = NUMBER.exec(rest);
    if (num && (!"+-".includes(ch) || prev?.kind === "op")) {
      tokens.push({ kind: "num", value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ kind: "word", value: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: "op", value: op, pos: i });
      i += op.length;
      continue;
    }
    if (ch === "=") fail(`a single "=" at position ${i + 1}; use "==" for equality`);
    if (ch === "&" || ch === "|")
      fail(`"${ch}" at position ${i + 1}; write "and" / "or" to combine comparisons`);
    fail(
      `unexpected character "${ch}" at position ${i + 1}; conditions compare a parameter with a number, a quoted text, true or false (== != < > <= >= or in [...]), combined with and, or, not`,
    );
  }
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fail: (why: string) => never,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.value === w;
  }

  private isOp(o: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.value === o;
  }

  parseAll(): Condition {
    const c = this.or();
    const t = this.peek();
    if (t) this.fail(`unexpected "${String(t.value)}" at position ${t.pos + 1}`);
    return c;
  }

  private or(): Condition {
    const args = [this.and()];
    while (this.isWord("or")) {
      this.i++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0]! : { type: "or", args };
  }

  private and(): Condition {
    const args = [this.not()];
    while (this.isWord("and")) {
      this.i++;
      args.push(this.not());
    }
    return args.length === 1 ? args[0]! : { type: "and", args };
  }

  private not(): Condition {
    if (this.isWord("not")) {
      this.i++;
      return { type: "not", arg: this.nested(() => this.not()) };
    }
    if (this.isOp("(")) {
      this.i++;
      const c = this.nested(() => this.or());
      if (!this.isOp(")")) this.fail("has an unclosed parenthesis");
      this.i++;
      return c;
    }
    return this.atom();
  }

  private nested(f: () => Condition): Condition {
    if (++this.depth > MAX_DEPTH)
      this.fail(`is nested more than ${MAX_DEPTH} levels deep; write it flatter`);
    const c = f();
    this.depth--;
    return c;
  }

  private atom(): Condition {
    const t = this.peek();
    if (!t) this.fail("ends too early; a comparison such as x == 'a' is missing");
    if (t.kind !== "word" || ["and", "or", "not", "in", "true", "false"].includes(t.value))
      this.fail(`expected a parameter name at position ${t.pos + 1}, got "${String(t.value)}"`);
    this.i++;
    const name = t.value;
    let negated = false;
    if (this.isWord("not")) {
      this.i++;
      negated = true;
      if (!this.isWord("in")) this.fail(`"${name} not" must be followed by "in [...]"`);
    }
    if (this.isWord("in")) {
      this.i++;
      return { type: "in", name, values: this.list(), negated };
    }
    const op = this.peek();
    if (!op || op.kind !== "op" || !["==", "!=", "<", ">", "<=", ">="].includes(op.value))
      this.fail(
        `"${name}" must be followed by a comparison (== != < > <= >=) or "in [...]"${op ? ` at position ${op.pos + 1}` : ""}`,
      );
    this.i++;
    return { type: "cmp", name, op: op.value as CompareOp, value: this.literal() };
  }

  private list(): Literal[] {
    const open = this.peek();
    if (!open || open.kind !== "op" || (open.value !== "[" && open.value !== "("))
      this.fail(`"in" needs a list such as ['a', 'b']`);
    const close = open.value === "[" ? "]" : ")";
    this.i++;
    const out: Literal[] = [];
    if (this.isOp(close)) this.fail(`"in" needs at least one value in its list`);
    for (;;) {
      out.push(this.literal());
      if (this.isOp(",")) {
        this.i++;
        continue;
      }
      if (this.isOp(close)) {
        this.i++;
        return out;
      }
      this.fail(`the list after "in" needs "," between values and "${close}" at its end`);
    }
  }

  private literal(): Literal {
    const t = this.peek();
    if (!t) this.fail("ends too early; a value is missing");
    this.i++;
    if (t.kind === "num" || t.kind === "str") return t.value;
    if (t.kind === "word" && t.value === "true") return true;
    if (t.kind === "word" && t.value === "false") return false;
    if (t.kind === "word")
      this.fail(
        `"${t.value}" at position ${t.pos + 1} is not a value; quote texts ('${t.value}'); a condition compares a parameter with a value, not with another parameter`,
      );
    this.fail(`expected a value at position ${t.pos + 1}, got "${t.value}"`);
  }
}

/** Parses a condition; `where` names the input for messages (e.g. `parameter "momentum" active_if`). */
export function parseCondition(text: string, where: string): Condition {
  const fail = (why: string): never => {
    throw new InputError("SPEC_INVALID", `${where} "${text}": ${why}`);
  };
  const trimmed = text.trim();
  if (trimmed === "") fail("is empty");
  return new Parser(tokenize(trimmed, fail), fail).parseAll();
}

/** Every parameter name a condition reads. */
export function conditionNames(c: Condition, out = new Set<string>()): Set<string> {
  if (c.type === "cmp" || c.type === "in") out.add(c.name);
  else if (c.type === "not") conditionNames(c.arg, out);
  else for (const a of c.args) conditionNames(a, out);
  return out;
}

/** Every comparison of a condition (for type checks against the parameters). */
export function conditionAtoms(
  c: Condition,
  out: Extract<Condition, { type: "cmp" | "in" }>[] = [],
): Extract<Condition, { type: "cmp" | "in" }>[] {
  if (c.type === "cmp" || c.type === "in") out.push(c);
  else if (c.type === "not") conditionAtoms(c.arg, out);
  else for (const a of c.args) conditionAtoms(a, out);
  return out;
}

/** Values compare as text when one side is text ("5" equals 5, "true" equals true). */
export function literalEquals(a: Literal, b: unknown): boolean {
  if (typeof a === typeof b) return a === b;
  return String(a) === String(b);
}

/**
 * Evaluates a condition on a point. A comparison that reads a parameter absent from the point
 * (an inactive one) is false.
 */
export function evaluateCondition(c: Condition, value: (name: string) => unknown): boolean {
  switch (c.type) {
    case "and":
      return c.args.every((a) => evaluateCondition(a, value));
    case "or":
      return c.args.some((a) => evaluateCondition(a, value));
    case "not":
      return !evaluateCondition(c.arg, value);
    case "in": {
      const v = value(c.name);
      if (v === undefined) return false;
      return c.values.some((x) => literalEquals(x, v)) !== c.negated;
    }
    case "cmp": {
      const v = value(c.name);
      if (v === undefined) return false;
      if (c.op === "==") return literalEquals(c.value, v);
      if (c.op === "!=") return !literalEquals(c.value, v);
      const a = typeof v === "number" ? v : Number(v);
      const b = typeof c.value === "number" ? c.value : Number(c.value);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      if (c.op === "<") return a < b;
      if (c.op === ">") return a > b;
      if (c.op === "<=") return a <= b;
      return a >= b;
    }
  }
}
