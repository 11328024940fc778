import { createRequire } from "node:module";
import type { Model, SolveResult, SolverAPI } from "javascript-lp-solver";
import { InputError } from "../errors/errors.js";
import { linearize, type Expr, type ParsedConstraint } from "./constraintParser.js";
import type { SearchSpace } from "./searchSpace.js";

// Its CommonJS build exports the solver itself, while its declarations describe a default
// export (which an ES import would then have to unwrap differently at run time and in types).
const solver = createRequire(import.meta.url)("javascript-lp-solver") as SolverAPI;

/** One linear row over the parameters: sum(coeffs * x) (<= | >= | ==) rhs. */
interface LinearRow {
  readonly text: string;
  readonly op: "<=" | ">=" | "==";
  readonly coeffs: ReadonlyMap<string, number>;
  readonly rhs: number;
}

/** Integer search gives up after this long (a MIP can branch a lot); then nothing is decided. */
const MIP_TIMEOUT_MS = 5000;

/**
 * Decides before anything is written whether the linear constraints (`<=`, `>=`, and `==` on
 * integer parameters) leave any point inside the parameters' bounds: a linear program over the
 * bounds, integer parameters kept integer (a mixed-integer program), solved by
 * javascript-lp-solver. Infeasible: an InputError naming the constraints and the fix, so the
 * campaign is refused at the start instead of every proposal failing later. Constraints that
 * are not linear (a product of parameters, `!=`) cannot be decided this way and are left to the
 * generators' checks of every point.
 */
export function checkConstraintsFeasible(
  constraints: readonly ParsedConstraint[],
  space: SearchSpace,
): void {
  const rows = constraints.flatMap((c) => linearRow(c, space) ?? []);
  if (rows.length === 0) return;
  const constantFalse = rows.find((r) => r.coeffs.size === 0 && !holds(0, r.op, r.rhs));
  if (constantFalse) throw refused([constantFalse], space, "it is false whatever the parameters");
  const model = lpModel(rows, space);
  if (model === null) return;
  if (!isInfeasible(model)) return;
  throw refused(
    rows.filter((r) => r.coeffs.size > 0),
    space,
    "no point within the parameters' bounds satisfies them all",
  );
}

/** Whether the model has a solution (Solve returns a SolveResult unless asked for the tableau). */
function feasible(model: Model): boolean {
  return (solver.Solve(model) as SolveResult).feasible;
}

/**
 * The relaxation (integers as reals) first: infeasible there is infeasible. With integer
 * parameters the mixed-integer program then decides, unless its branch and bound runs out of
 * time (the solver then reports no solution, which proves nothing: undecided, not refused).
 */
function isInfeasible(model: Model): boolean {
  const { ints, ...relaxation } = model;
  if (!feasible(relaxation)) return true;
  if (ints === undefined) return false;
  const started = Date.now();
  return !feasible(model) && Date.now() - started < MIP_TIMEOUT_MS * 0.9;
}

function holds(lhs: number, op: LinearRow["op"], rhs: number): boolean {
  const tol = 1e-9 * Math.max(1, Math.abs(lhs), Math.abs(rhs));
  if (op === "<=") return lhs <= rhs + tol;
  if (op === ">=") return lhs >= rhs - tol;
  return Math.abs(lhs - rhs) <= tol;
}

/** The constraint as one linear row, fixed parameters folded in; null when not linear. */
function linearRow(c: ParsedConstraint, space: SearchSpace): LinearRow | null {
  if (c.op === "!=") return null;
  const diff: Expr = { type: "bin", op: "-", left: c.left, right: c.right };
  const form = linearize(diff);
  if (!form) return null;
  const coeffs = new Map<string, number>();
  let constant = form.constant;
  for (const [name, k] of form.coeffs) {
    const p = space.parameter(name);
    if (p?.kind === "fixed" && typeof p.value === "number") constant += k * p.value;
    else if (p?.kind === "range") coeffs.set(name, k);
    else return null;
  }
  // "==" on a float parameter is refused elsewhere; here it is only reached for integers.
  return { text: c.text, op: c.op, coeffs, rhs: -constant };
}

/**
 * The rows over shifted variables that the solver keeps non-negative: a float x in [low, high]
 * becomes v in [0, 1] with x = low + v * (high - low) (well scaled); an integer stays integer,
 * x = low + v with v in [0, high - low].
 */
function lpModel(rows: readonly LinearRow[], space: SearchSpace): Model | null {
  const constraints: Model["constraints"] = {};
  const variables: Model["variables"] = {};
  const ints: Record<string, boolean> = {};
  const used = new Set(rows.flatMap((r) => [...r.coeffs.keys()]));
  const shift = new Map<string, { origin: number; width: number }>();
  for (const name of used) {
    const p = space.parameter(name);
    if (p?.kind !== "range") return null;
    const width = p.valueType === "int" ? 1 : p.high - p.low;
    if (!Number.isFinite(width)) return null;
    shift.set(name, { origin: p.low, width });
    variables[name] = { [`bound ${name}`]: 1 };
    constraints[`bound ${name}`] = { max: p.valueType === "int" ? p.high - p.low : 1 };
    if (p.valueType === "int") ints[name] = true;
  }
  rows.forEach((r, i) => {
    if (r.coeffs.size === 0) return;
    let rhs = r.rhs;
    for (const [name, k] of r.coeffs) {
      const s = shift.get(name)!;
      rhs -= k * s.origin;
      variables[name]![`row ${i}`] = k * s.width;
    }
    const slack = 1e-9 * Math.max(1, Math.abs(rhs));
    constraints[`row ${i}`] =
      r.op === "<="
        ? { max: rhs + slack }
        : r.op === ">="
          ? { min: rhs - slack }
          : { min: rhs - slack, max: rhs + slack };
  });
  return {
    optimize: "none",
    opType: "min",
    constraints,
    variables,
    ...(Object.keys(ints).length > 0 ? { ints } : {}),
    options: { timeout: MIP_TIMEOUT_MS },
  };
}

function refused(rows: readonly LinearRow[], space: SearchSpace, why: string): InputError {
  const names = [...new Set(rows.flatMap((r) => [...r.coeffs.keys()]))];
  const bounds = names
    .map((n) => space.parameter(n))
    .flatMap((p) => (p?.kind === "range" ? [`${p.name} in [${p.low}, ${p.high}]`] : []));
  return new InputError(
    "CONSTRAINT_INVALID",
    `constraint${rows.length === 1 ? "" : "s"} ${rows.map((r) => `"${r.text}"`).join(", ")}: ${why}${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}; widen the bounds or loosen the constraints`,
  );
}
