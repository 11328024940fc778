import { InputError } from "../errors/errors.js";
import { formatNumber } from "../space/parameters.js";

/** Ax's outcome constraint on a metric the program prints: `MEM_GB <= 40`. */
export interface OutcomeConstraint {
  readonly metric: string;
  readonly op: "<=" | ">=";
  readonly bound: number;
  /** As written, for messages. */
  readonly text: string;
}

const FORM = /^\s*([A-Za-z0-9_]+)\s*(<=|>=)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/** Parses "LOSS <= 0.3" (a metric, <= or >=, a number); anything else is refused with the form. */
export function parseOutcomeConstraint(text: string, where: string): OutcomeConstraint {
  const m = FORM.exec(text);
  if (!m)
    throw new InputError(
      "SPEC_INVALID",
      `${where}: cannot read the outcome constraint "${text}"; write METRIC <= NUMBER or METRIC >= NUMBER, e.g. "MEM_GB <= 40" (relative bounds are not supported)`,
    );
  return { metric: m[1]!, op: m[2] as "<=" | ">=", bound: Number(m[3]), text: text.trim() };
}

/** The constraints a trial's values break (a missing metric breaks its constraint). */
export function violatedConstraints(
  values: Readonly<Record<string, number>>,
  constraints: readonly OutcomeConstraint[],
): string[] {
  const out: string[] = [];
  for (const c of constraints) {
    const v = values[c.metric];
    if (v === undefined || !Number.isFinite(v)) out.push(`${c.metric} not printed (${c.text})`);
    else if (c.op === "<=" ? v > c.bound : v < c.bound)
      out.push(`${c.metric}=${formatNumber(v)} breaks ${c.text}`);
  }
  return out;
}

/** Whether a completed trial satisfies every outcome constraint. */
export function isFeasible(
  values: Readonly<Record<string, number>>,
  constraints: readonly OutcomeConstraint[],
): boolean {
  return violatedConstraints(values, constraints).length === 0;
}
