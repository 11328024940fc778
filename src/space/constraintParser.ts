import { InputError } from "../errors/errors.js";

/**
 * A safe parser for OmniOpt2-style constraints: `x >= y`, `x + 2*y <= 10`, `2*a - b >= 3.5`,
 * `a * b != 4`. Grammar (nothing is ever evaluated as code):
 *   constraint := expr op expr        op := <= | >= | == | !=
 *   expr := term (("+" | "-") term)*  term := unary (("*" | "/") unary)*
 *   unary := ("+" | "-") unary | number | name | "(" expr ")"
 */

export type Expr =
  | { readonly type: "num"; readonly value: number }
  | { readonly type: "var"; readonly name: string }
  | { readonly type: "neg"; readonly arg: Expr }
  | {
      readonly type: "bin";
      readonly op: "+" | "-" | "*" | "/";
      readonly left: Expr;
      readonly right: Expr;
    };

export type ComparisonOp = "<=" | ">=" | "==" | "!=";

export interface ParsedConstraint {
  readonly text: string;
  readonly left: Expr;
  readonly op: ComparisonOp;
  readonly right: Expr;
}

type Token =
  | { kind: "num"; value: number; pos: number }
  | { kind: "name"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number };

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const COMPARISONS: readonly string[] = ["<=", ">=", "==", "!="];

function fail(text: string, why: string): never {
  const shown = text.length > 120 ? `${text.slice(0, 100)}...` : text;
  throw new InputError("CONSTRAINT_INVALID", `constraint "${shown}": ${why}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = rest[0]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: "num", value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: "name", value: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const two = rest.slice(0, 2);
    if (two === "<=" || two === ">=" || two === "==" || two === "!=") {
      tokens.push({ kind: "op", value: two, pos: i });
      i += 2;
      continue;
    }
    if (ch === "<" || ch === ">") {
      fail(
        text,
        `strict "${ch}" is not supported (a continuous optimizer cannot honour it); use "${ch}=" instead`,
      );
    }
    if ("+-*/()".includes(ch)) {
      tokens.push({ kind: "op", value: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "=")
      fail(text, `a single "=" at position ${i + 1}; use "==" for equality or "<=" / ">="`);
    fail(
      text,
      `unexpected character "${ch}" at position ${i + 1}; constraints use numbers, parameter names, + - * / ( ) and one of <= >= == !=`,
    );
  }
  return tokens;
}

/** Deeper nesting is refused (the parser and the evaluators recurse). */
const MAX_NESTING = 64;
/** Longer constraints are refused: a sum of thousands of terms is a deep tree too. */
const MAX_CONSTRAINT_LENGTH = 4096;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.value === value;
  }

  parseConstraint(): ParsedConstraint {
    const left = this.expr();
    const t = this.peek();
    if (!t) fail(this.text, "needs exactly one comparison: <=, >=, == or !=");
    if (t.kind !== "op" || !COMPARISONS.includes(t.value)) this.unexpected(t);
    this.i++;
    const right = this.expr();
    const extra = this.peek();
    if (extra) {
      if (extra.kind === "op" && COMPARISONS.includes(extra.value))
        fail(this.text, "has more than one comparison; write one constraint per comparison");
      this.unexpected(extra);
    }
    return { text: this.text, left, op: t.value as ComparisonOp, right };
  }

  /** A token where an operator or a comparison was expected: say what it looks like. */
  private unexpected(t: Token): never {
    const prev = this.tokens[this.i - 1];
    const at = `at position ${t.pos + 1}`;
    if (t.kind === "op" && t.value === "(" && prev?.kind === "name")
      fail(
        this.text,
        `calls "${prev.value}(...)" ${at}; function calls are not allowed, only numbers, parameter names, + - * / and parentheses`,
      );
    if (t.kind === "op" && t.value === ")")
      fail(this.text, `has a ")" without a matching "(" ${at}`);
    fail(
      this.text,
      `unexpected "${String(t.value)}" ${at}; an operator (+ - * /) or a comparison (<= >= == !=) is missing before it`,
    );
  }

  private expr(): Expr {
    let left = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.tokens[this.i++] as { value: "+" | "-" }).value;
      left = { type: "bin", op, left, right: this.term() };
    }
    return left;
  }

  private term(): Expr {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/")) {
      const op = (this.tokens[this.i++] as { value: "*" | "/" }).value;
      left = { type: "bin", op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (!t) fail(this.text, "ends too early; an operand is missing");
    this.i++;
    if (t.kind === "num") return { type: "num", value: t.value };
    if (t.kind === "name") return { type: "var", name: t.value };
    if (t.value === "-" || t.value === "+" || t.value === "(") {
      if (++this.depth > MAX_NESTING)
        fail(
          this.text,
          `nests parentheses or signs more than ${MAX_NESTING} deep; write it flatter`,
        );
      try {
        if (t.value === "-") return { type: "neg", arg: this.unary() };
        if (t.value === "+") return this.unary();
        const e = this.expr();
        if (!this.isOp(")")) fail(this.text, "has an unclosed parenthesis");
        this.i++;
        return e;
      } finally {
        this.depth--;
      }
    }
    fail(
      this.text,
      `expected a number or a parameter name at position ${t.pos + 1}, got "${t.value}"`,
    );
  }
}

export function parseConstraint(text: string): ParsedConstraint {
  const trimmed = text.trim();
  if (trimmed === "") fail(text, "is empty");
  if (trimmed.length > MAX_CONSTRAINT_LENGTH)
    fail(
      trimmed,
      `is ${trimmed.length} characters long; at most ${MAX_CONSTRAINT_LENGTH} are read`,
    );
  return new Parser(trimmed, tokenize(trimmed)).parseConstraint();
}

export function variablesOf(e: Expr, out = new Set<string>()): Set<string> {
  if (e.type === "var") out.add(e.name);
  else if (e.type === "neg") variablesOf(e.arg, out);
  else if (e.type === "bin") {
    variablesOf(e.left, out);
    variablesOf(e.right, out);
  }
  return out;
}

export function evaluateExpr(e: Expr, values: (name: string) => number): number {
  switch (e.type) {
    case "num":
      return e.value;
    case "var":
      return values(e.name);
    case "neg":
      return -evaluateExpr(e.arg, values);
    case "bin": {
      const a = evaluateExpr(e.left, values);
      const b = evaluateExpr(e.right, values);
      if (e.op === "+") return a + b;
      if (e.op === "-") return a - b;
      if (e.op === "*") return a * b;
      return a / b;
    }
  }
}

/** A linear form sum(coeffs[name] * name) + constant, or null when the expression is not linear. */
export interface LinearForm {
  coeffs: Map<string, number>;
  constant: number;
}

export function linearize(e: Expr): LinearForm | null {
  switch (e.type) {
    case "num":
      return { coeffs: new Map(), constant: e.value };
    case "var":
      return { coeffs: new Map([[e.name, 1]]), constant: 0 };
    case "neg": {
      const a = linearize(e.arg);
      return a && scale(a, -1);
    }
    case "bin": {
      const a = linearize(e.left);
      const b = linearize(e.right);
      if (!a || !b) return null;
      if (e.op === "+") return add(a, b, 1);
      if (e.op === "-") return add(a, b, -1);
      if (e.op === "*") {
        if (a.coeffs.size === 0) return scale(b, a.constant);
        if (b.coeffs.size === 0) return scale(a, b.constant);
        return null;
      }
      if (b.coeffs.size === 0 && b.constant !== 0) return scale(a, 1 / b.constant);
      return null;
    }
  }
}

function scale(a: LinearForm, k: number): LinearForm {
  const coeffs = new Map<string, number>();
  for (const [n, c] of a.coeffs) if (c * k !== 0) coeffs.set(n, c * k);
  return { coeffs, constant: a.constant * k };
}

function add(a: LinearForm, b: LinearForm, sign: 1 | -1): LinearForm {
  const coeffs = new Map(a.coeffs);
  for (const [n, c] of b.coeffs) {
    const v = (coeffs.get(n) ?? 0) + sign * c;
    if (v === 0) coeffs.delete(n);
    else coeffs.set(n, v);
  }
  return { coeffs, constant: a.constant + sign * b.constant };
}
