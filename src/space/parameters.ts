/** Parameter definitions of a search space, after validation. */

export type ParamValue = string | number;
export type Point = Readonly<Record<string, ParamValue>>;

/** What every parameter may have: a condition under which it is active (conditional spaces). */
interface ParameterBase {
  /**
   * The parameter is active only when this condition on other parameters holds (the spec's
   * `active_if`, parsed by conditionParser.ts); absent: always active. An inactive parameter
   * is absent from a point.
   */
  readonly activeIf?: string;
  /** Text put in place of the parameter's placeholder in the program when it is inactive. */
  readonly inactiveValue?: ParamValue;
}

export interface RangeParameter extends ParameterBase {
  readonly kind: "range";
  readonly name: string;
  readonly valueType: "int" | "float";
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
}

export interface ChoiceParameter extends ParameterBase {
  readonly kind: "choice";
  readonly name: string;
  /** "string" when any value is a string; "int" when all are integers; else "float". */
  readonly valueType: "string" | "int" | "float";
  readonly values: readonly ParamValue[];
  /** Ordered choices are treated like an integer ladder by model-based generators. */
  readonly ordered: boolean;
}

export interface FixedParameter extends ParameterBase {
  readonly kind: "fixed";
  readonly name: string;
  readonly valueType: "string" | "int" | "float";
  readonly value: ParamValue;
}

export type Parameter = RangeParameter | ChoiceParameter | FixedParameter;

export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function valueTypeOf(values: readonly ParamValue[]): "string" | "int" | "float" {
  if (values.some((v) => typeof v === "string")) return "string";
  if (values.every((v) => Number.isInteger(v))) return "int";
  return "float";
}

/** Shortest round-trip text of a number (0.1, not 0.10000000000000000555); ints without ".0". */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return "0";
  return String(v);
}

export function formatValue(v: ParamValue): string {
  return typeof v === "number" ? formatNumber(v) : v;
}
