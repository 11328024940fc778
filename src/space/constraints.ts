import { InputError } from "../errors/errors.js";
import type { Expr, ParsedConstraint } from "./constraintParser.js";
import { evaluateExpr, linearize, parseConstraint, variablesOf } from "./constraintParser.js";
import { checkCondition } from "./conditionalStructure.js";
import { evaluateCondition, parseCondition, type Condition } from "./conditionParser.js";
import type { Point } from "./parameters.js";
import type { SearchSpace } from "./searchSpace.js";

/** sum(coeffs[name] * value(name)) <= rhs, in parameter values (not the unit cube). */
export interface LinearConstraint {
  readonly text: string;
  readonly coeffs: ReadonlyMap<string, number>;
  readonly rhs: number;
}

/**
 * A u <= b over the unit cube, for linear constraints on non-log range parameters. The encoding
 * of every valid point that satisfies the constraint satisfies the row; for float parameters the
 * converse holds too (integers are rounded when decoded, so they are checked again after).
 */
export interface UnitCubeConstraint {
  readonly text: string;
  /** One coefficient per unit-cube dimension. */
  readonly a: Float64Array;
  readonly b: number;
}

const TOLERANCE = 1e-9;

/**
 * The campaign's constraints, checked against the search space once. Linear `<=` / `>=`
 * constraints are given to generators; every constraint (linear or not) is checked on every
 * generated point.
 */
export class ConstraintSet {
  readonly all: readonly ParsedConstraint[];
  readonly linear: readonly LinearConstraint[];
  readonly unitCube: readonly UnitCubeConstraint[];
  /** Forbidden clauses (conditions that no proposed point may meet), with their texts. */
  readonly forbidden: readonly { readonly text: string; readonly cond: Condition }[];
  private readonly space: SearchSpace;

  constructor(texts: readonly string[], space: SearchSpace, forbidden: readonly string[] = []) {
    this.space = space;
    const all: ParsedConstraint[] = [];
    const linear: LinearConstraint[] = [];
    for (const text of texts) {
      const c = parseConstraint(text);
      for (const name of new Set([...variablesOf(c.left), ...variablesOf(c.right)])) {
        const p = space.parameter(name);
        if (!p)
          throw new InputError(
            "CONSTRAINT_INVALID",
            `constraint "${text}": unknown parameter "${name}"; known parameters: ${space.parameters.map((q) => q.name).join(", ")}`,
          );
        if (p.kind === "choice")
          throw new InputError(
            "CONSTRAINT_INVALID",
            `constraint "${text}": "${name}" is a choice parameter; constraints may only use range and numeric fixed parameters`,
          );
        if (p.kind === "fixed" && typeof p.value !== "number")
          throw new InputError(
            "CONSTRAINT_INVALID",
            `constraint "${text}": fixed parameter "${name}" is not a number`,
          );
        if (p.activeIf !== undefined)
          throw new InputError(
            "CONSTRAINT_INVALID",
            `constraint "${text}": "${name}" is conditional (active_if "${p.activeIf}"), and a constraint must hold at every point; write a forbidden clause instead (forbidden: ["${name} > 3 and ..."])`,
          );
      }
      refuseContinuousEquality(c, space);
      all.push(c);
      const lin = toLinear(c, space);
      if (lin) linear.push(lin);
    }
    this.all = all;
    this.linear = linear;
    this.unitCube = linear.flatMap((l) => {
      const u = toUnitCube(l, space);
      return u ? [u] : [];
    });
    const byName = new Map(space.parameters.map((p) => [p.name, p]));
    this.forbidden = forbidden.map((text) => {
      const cond = parseCondition(text, "forbidden clause");
      checkCondition(cond, byName, "forbidden clause", text);
      return { text, cond };
    });
  }

  get isEmpty(): boolean {
    return this.all.length === 0 && this.forbidden.length === 0;
  }

  /** The texts of the constraints the point violates (empty when it satisfies all). */
  violations(point: Point): string[] {
    return [
      ...this.all.filter((c) => !satisfies(c, point)).map((c) => c.text),
      ...this.forbidden
        .filter((f) => isForbidden(f.cond, point))
        .map((f) => `forbidden: ${f.text}`),
    ];
  }

  isSatisfied(point: Point): boolean {
    return (
      this.all.every((c) => satisfies(c, point)) &&
      !this.forbidden.some((f) => isForbidden(f.cond, point))
    );
  }

  /** Whether a unit-cube vector satisfies the linear unit-cube constraints (before rounding). */
  unitCubeFeasible(u: ArrayLike<number>, slack = 0): boolean {
    return this.unitCube.every((c) => {
      let s = 0;
      // Zero coefficients are skipped: an inactive coordinate is NaN (constraints never read one).
      for (let i = 0; i < c.a.length; i++) if (c.a[i] !== 0) s += c.a[i]! * (u[i] ?? 0);
      return s <= c.b + slack;
    });
  }

  /** Number of parameters the space has (for messages). */
  get spaceSize(): number {
    return this.space.parameters.length;
  }
}

/**
 * `==` on a float range parameter holds on a set of measure zero: no sampler or optimizer
 * lands on it, and the campaign would fail later with "looks infeasible". Refused up front
 * with the substitution that does work (Ax refuses equality constraints too). `==` on integer
 * parameters only stays allowed (it can be met).
 */
function refuseContinuousEquality(c: ParsedConstraint, space: SearchSpace): void {
  if (c.op !== "==") return;
  const floats = [...new Set([...variablesOf(c.left), ...variablesOf(c.right)])].filter((n) => {
    const p = space.parameter(n);
    return p?.kind === "range" && p.valueType === "float";
  });
  if (floats.length === 0) return;
  const last = floats[floats.length - 1]!;
  throw new InputError(
    "CONSTRAINT_INVALID",
    `constraint "${c.text}": "==" on the continuous parameter${floats.length > 1 ? "s" : ""} ${floats.map((f) => `"${f}"`).join(", ")} holds only on a set no sampler can hit; substitute a variable instead: remove "${last}" from the parameters and compute it in the program from the others (solve "${c.text}" for ${last}), or make it a fixed parameter`,
  );
}

/** A forbidden clause applies where it holds; comparisons of inactive (absent) parameters are false. */
function isForbidden(cond: Condition, point: Point): boolean {
  return evaluateCondition(cond, (n) => point[n]);
}

function satisfies(c: ParsedConstraint, point: Point): boolean {
  const value = (name: string): number => {
    const v = point[name];
    return typeof v === "number" ? v : Number(v);
  };
  const l = evaluateExpr(c.left, value);
  const r = evaluateExpr(c.right, value);
  // A side that is not a finite number (a division by zero, an overflow) makes the tolerance
  // below Infinity or NaN, which would satisfy `<=` / `>=`; such a point is infeasible.
  if (!Number.isFinite(l) || !Number.isFinite(r)) return false;
  const tol = TOLERANCE * Math.max(1, Math.abs(l), Math.abs(r));
  switch (c.op) {
    case "<=":
      return l <= r + tol;
    case ">=":
      return l >= r - tol;
    case "==":
      return Math.abs(l - r) <= tol;
    case "!=":
      return Math.abs(l - r) > tol;
  }
}

function toLinear(c: ParsedConstraint, space: SearchSpace): LinearConstraint | null {
  if (c.op !== "<=" && c.op !== ">=") return null;
  const diff: Expr = { type: "bin", op: "-", left: c.left, right: c.right };
  const form = linearize(diff);
  if (!form) return null;
  // left - right <= 0  (or >= 0, flipped)
  const sign = c.op === "<=" ? 1 : -1;
  const coeffs = new Map<string, number>();
  let constant = form.constant;
  for (const [name, k] of form.coeffs) {
    const p = space.parameter(name);
    if (p?.kind === "fixed" && typeof p.value === "number") constant += k * p.value;
    else coeffs.set(name, sign * k);
  }
  if (coeffs.size === 0) {
    return null;
  }
  return { text: c.text, coeffs, rhs: -sign * constant };
}

function toUnitCube(l: LinearConstraint, space: SearchSpace): UnitCubeConstraint | null {
  const a = new Float64Array(space.dim);
  let b = l.rhs;
  for (const [name, k] of l.coeffs) {
    const idx = space.dimensions.findIndex((d) => d.name === name);
    const d = space.dimensions[idx];
    if (!d || d.parameter.kind !== "range" || d.parameter.log) return null;
    const { low, high } = d.parameter;
    // Floats: x = low + u * (high - low). Integers: the relaxation that matches their bins,
    // x = (low - 0.5) + u * (high - low + 1), so a bin centre (an encoded integer) is the integer
    // itself and decoding rounds the relaxed value to the nearest integer.
    const [origin, width] =
      d.parameter.valueType === "int" ? [low - 0.5, high - low + 1] : [low, high - low];
    a[idx] = k * width;
    b -= k * origin;
  }
  return { text: l.text, a, b };
}
