import { resolve } from "node:path";
import { InputError } from "../errors/errors.js";
import { loadSpecFile } from "./loadSpecFile.js";
import type { Warnings } from "./buildParameters.js";

/**
 * Reads a ConfigSpace JSON serialization (ConfigurationSpace.to_json, format 0.4, and the older
 * json_format_version 0.2 with "default") into the spec's `parameters` (with `active_if`) and
 * `forbidden` lists. What slurmopt cannot represent is refused, naming the element.
 */

type Json = Record<string, unknown>;

export interface ImportedSpace {
  readonly parameters: Json[];
  readonly forbidden: string[];
}

export function importConfigSpace(path: string, cwd: string, warnings: Warnings): ImportedSpace {
  const file = resolve(cwd, path);
  const doc = loadSpecFile(file);
  const where = `ConfigSpace file ${path}`;
  const fail = (element: string, why: string): never => {
    throw new InputError("SPEC_INVALID", `${where}: ${element}: ${why}`);
  };
  const hps = doc.hyperparameters;
  if (!Array.isArray(hps) || hps.length === 0)
    fail("hyperparameters", "missing or empty; is this a ConfigurationSpace.to_json file?");
  const parameters: Json[] = [];
  const kinds = new Map<string, string>();
  for (const [i, raw] of (hps as unknown[]).entries()) {
    if (!isJson(raw)) return fail(`hyperparameters[${i}]`, "is not an object");
    const name = raw.name;
    if (typeof name !== "string") return fail(`hyperparameters[${i}]`, "has no name");
    const element = `hyperparameter "${name}" (${String(raw.type)})`;
    kinds.set(name, String(raw.type));
    parameters.push(convertHyperparameter(raw, name, element, fail, warnings));
  }
  const byName = new Map(parameters.map((p) => [p.name as string, p]));
  const conditions = Array.isArray(doc.conditions) ? (doc.conditions as unknown[]) : [];
  for (const [i, raw] of conditions.entries()) {
    if (!isJson(raw)) return fail(`conditions[${i}]`, "is not an object");
    const child = typeof raw.child === "string" ? raw.child : childOf(raw);
    const element = `condition ${i + 1} (${String(raw.type)} on "${child ?? "?"}")`;
    if (child === null || !byName.has(child))
      return fail(element, `names no hyperparameter of the file as its child`);
    const p = byName.get(child)!;
    const text = conditionText(raw, element, fail);
    p.active_if = typeof p.active_if === "string" ? `(${p.active_if}) and (${text})` : text;
  }
  const forbiddens = Array.isArray(doc.forbiddens) ? (doc.forbiddens as unknown[]) : [];
  const forbidden = forbiddens.map((raw, i) => {
    const element = `forbidden clause ${i + 1} (${isJson(raw) ? String(raw.type) : "?"})`;
    if (!isJson(raw)) return fail(element, "is not an object");
    return forbiddenText(raw, element, fail);
  });
  return { parameters, forbidden };
}

type Fail = (element: string, why: string) => never;

function convertHyperparameter(
  raw: Json,
  name: string,
  element: string,
  fail: Fail,
  warnings: Warnings,
): Json {
  const type = raw.type;
  const log = raw.log === true;
  const bounds = (): [number, number] => {
    if (typeof raw.lower !== "number" || typeof raw.upper !== "number")
      return fail(element, "needs numeric lower and upper bounds");
    return [raw.lower, raw.upper];
  };
  if (raw.q !== undefined && raw.q !== null)
    warnings.warn(`${element}: the quantization q=${JSON.stringify(raw.q)} is ignored`);
  switch (type) {
    case "uniform_float":
    case "uniform_int":
      return {
        name,
        type: "range",
        bounds: bounds(),
        value_type: intOrFloat(type),
        log_scale: log,
      };
    case "normal_float":
    case "normal_int":
    case "beta_float":
    case "beta_int":
      if (raw.lower === undefined || raw.upper === undefined)
        return fail(
          element,
          "has no lower and upper bounds; slurmopt searches bounded ranges only: give the hyperparameter bounds",
        );
      {
        const [low, high] = bounds();
        warnings.warn(
          `${element}: searched uniformly over [${low}, ${high}]; its ${type.split("_")[0]!} prior is not used`,
        );
        return {
          name,
          type: "range",
          bounds: [low, high],
          value_type: intOrFloat(type),
          log_scale: log,
        };
      }
    case "categorical": {
      if (!Array.isArray(raw.choices) || raw.choices.length === 0)
        return fail(element, "has no choices");
      if (Array.isArray(raw.weights))
        warnings.warn(`${element}: the choice weights are ignored (every choice is searched)`);
      return { name, type: "choice", values: scalars(raw.choices, element, fail) };
    }
    case "ordinal":
      if (!Array.isArray(raw.sequence) || raw.sequence.length === 0)
        return fail(element, "has no sequence");
      return {
        name,
        type: "choice",
        values: scalars(raw.sequence, element, fail),
        is_ordered: true,
      };
    case "constant":
      return { name, type: "fixed", value: scalar(raw.value, element, fail) };
    default:
      return fail(
        element,
        `the type is not one slurmopt reads (uniform_float, uniform_int, normal_float, normal_int, beta_float, beta_int, categorical, ordinal, constant)`,
      );
  }
}

function intOrFloat(type: string): "int" | "float" {
  return type.endsWith("_int") ? "int" : "float";
}

function scalars(values: unknown[], element: string, fail: Fail): (string | number)[] {
  return values.map((v) => scalar(v, element, fail));
}

function scalar(v: unknown, element: string, fail: Fail): string | number {
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return String(v);
  return fail(element, `the value ${JSON.stringify(v)} is not a number or a text`);
}

/** A literal in the condition grammar ('text' or a number). */
function literal(v: unknown, element: string, fail: Fail): string {
  if (typeof v === "number") return String(v);
  const text = typeof v === "boolean" ? String(v) : typeof v === "string" ? v : null;
  if (text === null)
    return fail(element, `the value ${JSON.stringify(v)} is not a number or a text`);
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return fail(element, `the value ${JSON.stringify(text)} holds both quote characters`);
}

function childOf(raw: Json): string | null {
  if (!Array.isArray(raw.conditions)) return null;
  for (const c of raw.conditions as unknown[])
    if (isJson(c) && typeof c.child === "string") return c.child;
  return null;
}

function conditionText(raw: Json, element: string, fail: Fail): string {
  const parent = raw.parent;
  const needParent = (): string =>
    typeof parent === "string" ? parent : fail(element, "has no parent");
  switch (raw.type) {
    case "EQ":
      return `${needParent()} == ${literal(raw.value, element, fail)}`;
    case "NEQ":
      return `${needParent()} != ${literal(raw.value, element, fail)}`;
    case "LT":
      return `${needParent()} < ${literal(raw.value, element, fail)}`;
    case "GT":
      return `${needParent()} > ${literal(raw.value, element, fail)}`;
    case "IN": {
      if (!Array.isArray(raw.values)) return fail(element, "has no values");
      const values = (raw.values as unknown[]).map((v) => literal(v, element, fail));
      return `${needParent()} in [${values.join(", ")}]`;
    }
    case "AND":
    case "OR": {
      if (!Array.isArray(raw.conditions) || raw.conditions.length === 0)
        return fail(element, "has no conditions");
      const parts = (raw.conditions as unknown[]).map((c) =>
        isJson(c) ? `(${conditionText(c, element, fail)})` : fail(element, "holds a non-object"),
      );
      return parts.join(raw.type === "AND" ? " and " : " or ");
    }
    default:
      return fail(element, "the condition type is not one of EQ, NEQ, LT, GT, IN, AND, OR");
  }
}

function forbiddenText(raw: Json, element: string, fail: Fail): string {
  const name = (): string =>
    typeof raw.name === "string" ? raw.name : fail(element, "names no hyperparameter");
  switch (raw.type) {
    case "EQUALS":
      return `${name()} == ${literal(raw.value, element, fail)}`;
    case "IN": {
      if (!Array.isArray(raw.values)) return fail(element, "has no values");
      return `${name()} in [${(raw.values as unknown[]).map((v) => literal(v, element, fail)).join(", ")}]`;
    }
    case "AND": {
      if (!Array.isArray(raw.clauses) || raw.clauses.length === 0)
        return fail(element, "has no clauses");
      return (raw.clauses as unknown[])
        .map((c) =>
          isJson(c) ? `(${forbiddenText(c, element, fail)})` : fail(element, "holds a non-object"),
        )
        .join(" and ");
    }
    case "RELATION":
    case "RELATION_LT":
    case "RELATION_EQ":
    case "RELATION_GT":
      return fail(
        element,
        `compares two hyperparameters (${String(raw.left)}, ${String(raw.right)}); slurmopt's forbidden clauses compare a parameter with a value. Write it as a constraint (constraints: ["${String(raw.left)} <= ${String(raw.right)}"]) if both are numeric ranges`,
      );
    default:
      return fail(element, "the forbidden type is not one of EQUALS, IN, AND");
  }
}

function isJson(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
