/**
 * JSON text in which every number keeps its declared type when Python's json module reads it:
 * a float is written with a decimal point or an exponent (`1234.0`, `1e+21`), an int never is.
 * JSON.stringify writes the float 1234 as `1234`, which Python reads as an int.
 */

/** A number that must be written as a float. */
export class FloatNumber {
  constructor(readonly value: number) {}
}

export type PyJson =
  | null
  | boolean
  | number
  | string
  | FloatNumber
  | readonly PyJson[]
  | { readonly [key: string]: PyJson };

/** The float's text: JSON's number grammar, always with "." or an exponent; null when not finite. */
export function floatText(v: number): string {
  if (!Number.isFinite(v)) return "null";
  const s = Object.is(v, -0) ? "-0" : String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Writes `value` as JSON indented by `indent` spaces (as Python's json.dump(indent=4) does). */
export function toPythonJson(value: PyJson, indent = 4): string {
  return write(value, 0, indent);
}

function write(value: PyJson, depth: number, indent: number): string {
  if (value === null) return "null";
  if (value instanceof FloatNumber) return floatText(value.value);
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // A plain number is an int when integral; anything else is written as a float.
      return Number.isInteger(value) ? String(value) : floatText(value);
    case "string":
      return JSON.stringify(value);
  }
  const pad = " ".repeat(indent * (depth + 1));
  const end = " ".repeat(indent * depth);
  if (isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + write(v, depth + 1, indent)).join(",\n")}\n${end}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${write(value[k]!, depth + 1, indent)}`).join(",\n")}\n${end}}`;
}

function isArray(v: PyJson): v is readonly PyJson[] {
  return Array.isArray(v);
}
