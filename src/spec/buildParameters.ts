import { checkNotShadowing } from "./shadowedNames.js";
import { InputError } from "../errors/errors.js";
import type { ParamValue, Parameter } from "../space/parameters.js";
import { PARAMETER_NAME, formatNumber, valueTypeOf } from "../space/parameters.js";
import type { RawParameter } from "./specSchema.js";
import { parameterSchema } from "./specSchema.js";
import { formatZodIssues } from "./zodMessages.js";

export interface Warnings {
  warn(message: string): void;
}

/** Accepts the list form or the map form `{x: {type: range, bounds: [0, 1]}}`. */
export function normalizeParameterList(
  raw: readonly RawParameter[] | Record<string, unknown>,
): RawParameter[] {
  if (Array.isArray(raw)) return raw as RawParameter[];
  return Object.entries(raw).map(([name, body], i) => {
    const candidate = { name, ...(typeof body === "object" && body !== null ? body : {}) };
    const parsed = parameterSchema.safeParse(candidate);
    if (!parsed.success)
      throw new InputError(
        "SPEC_INVALID",
        formatZodIssues(parsed.error.issues, `parameters.${name}`) ||
          `parameters.${name} (entry ${i + 1}) is not a valid parameter`,
      );
    return parsed.data;
  });
}

export function buildParameters(raw: readonly RawParameter[], warnings: Warnings): Parameter[] {
  const seen = new Set<string>();
  return raw.map((p, i) => {
    const where = `parameters[${i}] "${p.name}"`;
    if (!PARAMETER_NAME.test(p.name))
      throw new InputError(
        "SPEC_INVALID",
        `${where}: parameter names use letters, digits and _ and start with a letter or _; rename it`,
      );
    checkNotShadowing(p.name, where);
    if (seen.has(p.name))
      throw new InputError("SPEC_INVALID", `${where}: the name is used twice; rename one of them`);
    seen.add(p.name);
    const conditional = {
      ...(p.active_if !== undefined ? { activeIf: p.active_if } : {}),
      ...(p.inactive_value !== undefined ? { inactiveValue: p.inactive_value } : {}),
    };
    if (p.inactive_value !== undefined && p.active_if === undefined)
      throw new InputError(
        "SPEC_INVALID",
        `${where}: "inactive_value" is used only when the parameter is inactive; give it an "active_if" condition or remove inactive_value`,
      );
    if (p.type === "range") return { ...buildRange(p, where, warnings), ...conditional };
    if (p.type === "choice") {
      const values = choiceValues(p.values, p.value_type, where);
      if (new Set(values.map(String)).size !== values.length)
        throw new InputError(
          "SPEC_INVALID",
          `${where}: choice values repeat; list each value once`,
        );
      return {
        kind: "choice",
        name: p.name,
        values,
        ordered: p.is_ordered ?? false,
        valueType:
          p.value_type === "float" ? "float" : p.value_type === "int" ? "int" : valueTypeOf(values),
        ...conditional,
      };
    }
    const value = typeof p.value === "boolean" ? String(p.value) : p.value;
    return {
      kind: "fixed",
      name: p.name,
      value,
      valueType: valueTypeOf([value]),
      ...conditional,
    };
  });
}

/**
 * A choice's values as the program gets them, read as Ax's value_type: "bool" (booleans, or
 * the words true / false) and booleans without a value_type become the strings "true" and
 * "false"; "str" turns numbers into their text; "int" and "float" need numbers (and "int"
 * whole ones).
 */
function choiceValues(
  raw: readonly (string | number | boolean)[],
  valueType: "int" | "float" | "str" | "bool" | undefined,
  where: string,
): ParamValue[] {
  const refuse = (v: string | number | boolean, want: string): never => {
    throw new InputError(
      "SPEC_INVALID",
      `${where}: value ${JSON.stringify(v)} is not ${want} (value_type ${valueType}); fix the value or the value_type`,
    );
  };
  return raw.map((v): ParamValue => {
    switch (valueType) {
      case "bool":
        if (typeof v === "boolean") return String(v);
        if (v === "true" || v === "false") return v;
        return refuse(v, "true or false");
      case "str":
        return typeof v === "number" ? formatNumber(v) : String(v);
      case "int":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) return refuse(v, "a whole number");
        return v;
      case "float":
        if (typeof v !== "number") return refuse(v, "a number");
        return v;
      case undefined:
        if (typeof v === "boolean") return String(v);
        return v;
    }
  });
}

function buildRange(
  p: Extract<RawParameter, { type: "range" }>,
  where: string,
  warnings: Warnings,
): Parameter {
  let [low, high] = p.bounds;
  const valueType = p.value_type ?? "float";
  const log = p.log_scale ?? false;
  if (!Number.isFinite(low) || !Number.isFinite(high))
    throw new InputError("SPEC_INVALID", `${where}: bounds must be finite numbers`);
  if (!Number.isFinite(high - low))
    throw new InputError(
      "SPEC_INVALID",
      `${where}: bounds ${low}..${high} are so far apart that their width overflows a 64-bit float; give a narrower range (or a log scale)`,
    );
  if (
    valueType === "int" &&
    (!Number.isSafeInteger(Math.ceil(Math.min(low, high))) ||
      !Number.isSafeInteger(Math.floor(Math.max(low, high))))
  )
    throw new InputError(
      "SPEC_INVALID",
      `${where}: int bounds ${low}..${high} go beyond ±2^53 (${Number.MAX_SAFE_INTEGER}), where not every integer is exactly representable; give smaller bounds or a float range`,
    );
  if (low > high) {
    warnings.warn(
      `${where}: lower bound ${low} > upper bound ${high}; swapped them (as OmniOpt2 does)`,
    );
    [low, high] = [high, low];
  }
  if (low === high)
    throw new InputError(
      "SPEC_INVALID",
      `${where}: lower and upper bound are both ${low}; use a fixed parameter for a constant, or widen the range`,
    );
  if (valueType === "int") {
    if (!Number.isInteger(low) || !Number.isInteger(high))
      throw new InputError(
        "SPEC_INVALID",
        `${where}: an int range needs whole-number bounds, got ${low}..${high}; round them or use value_type float`,
      );
  }
  if (log && low <= 0)
    throw new InputError(
      "SPEC_INVALID",
      `${where}: log scale needs bounds > 0, got ${low}..${high}; use a lower bound such as ${valueType === "int" ? 1 : 1e-6}`,
    );
  return { kind: "range", name: p.name, valueType, low, high, log };
}
