/**
 * input.json of OmniOpt2's external-generator protocol, built from a GeneratorInput:
 *
 * {
 *   "parameters": {"x": {"parameter_type": "RANGE", "type": "INT", "range": [1, 10]},
 *                  "y": {"parameter_type": "CHOICE", "type": "STRING", "values": ["a", "b"]},
 *                  "z": {"parameter_type": "FIXED", "type": "INT", "value": 3}},
 *   "constraints": ["x + y <= 10"],          (the texts as written: valid Python expressions)
 *   "seed": 1234,
 *   "trials": [[{"x": 3, ...}, ...], [{"RESULT": 1.5}, ...]],   (two parallel arrays)
 *   "objectives": {"RESULT": "min"},
 *   "pending": [{"x": 7, ...}],             (slurmopt: proposed or running, no result yet)
 *   "failed": [{"x": 9, ...}]               (slurmopt: failed or timed out)
 *   "conditions": {"momentum": "optimizer == 'sgd'"},   (slurmopt, conditional spaces only)
 *   "forbidden": ["optimizer == 'adam' and lr > 0.01"]   (slurmopt, when the spec has any)
 * }
 * In a conditional space a point (in trials, pending, failed) leaves its inactive parameters
 * out; an answer may give them (they are ignored) or leave them out.
 *
 * Every value is written in its parameter's declared type: INT as an int, FLOAT as a float
 * (`1234.0`), STRING as a string; results are floats. RANGE entries get `"log_scale": true` on a
 * log scale and CHOICE entries `"is_ordered": true` when ordered (keys OmniOpt2 does not write).
 */
import type { Parameter, ParamValue, Point } from "../../space/parameters.js";
import type { GeneratorInput } from "../generator.js";
import { FloatNumber, type PyJson } from "./pythonJson.js";

type DeclaredType = "INT" | "FLOAT" | "STRING";

export interface InputDocumentOptions {
  /** The seed of this call (campaign seed + call number). */
  readonly seed: number;
  /** Points accepted earlier in the same proposal: listed as pending too. */
  readonly alsoPending: readonly Point[];
}

export function buildInputDocument(input: GeneratorInput, options: InputDocumentOptions): PyJson {
  const params = input.space.parameters;
  const parameters: Record<string, PyJson> = {};
  for (const p of params) parameters[p.name] = describeParameter(p);
  const objectives: Record<string, PyJson> = {};
  for (const o of input.objectives) objectives[o.name] = o.goal;
  return {
    parameters,
    constraints: input.constraints.all.map((c) => c.text),
    seed: options.seed,
    trials: [
      input.completed.map((o) => typedPoint(params, o.point)),
      input.completed.map((o) => {
        const r: Record<string, PyJson> = {};
        for (const [k, v] of Object.entries(o.values)) r[k] = new FloatNumber(v);
        return r;
      }),
    ],
    objectives,
    pending: [...input.pending, ...options.alsoPending].map((p) => typedPoint(params, p)),
    failed: input.failed.map((p) => typedPoint(params, p)),
    ...conditionKeys(input),
  };
}

/** The documented extra keys of a conditional space (absent for a flat one, as OmniOpt2 writes). */
function conditionKeys(input: GeneratorInput): Record<string, PyJson> {
  const out: Record<string, PyJson> = {};
  const conditions: Record<string, PyJson> = {};
  for (const p of input.space.parameters)
    if (p.activeIf !== undefined) conditions[p.name] = p.activeIf;
  if (Object.keys(conditions).length > 0) out.conditions = conditions;
  if (input.constraints.forbidden.length > 0)
    out.forbidden = input.constraints.forbidden.map((f) => f.text);
  return out;
}

function declaredType(p: Parameter): DeclaredType {
  if (p.valueType === "int") return "INT";
  if (p.valueType === "float") return "FLOAT";
  return "STRING";
}

function describeParameter(p: Parameter): PyJson {
  const type = declaredType(p);
  switch (p.kind) {
    case "range": {
      const entry: Record<string, PyJson> = {
        parameter_type: "RANGE",
        type,
        range: [typed(type, p.low), typed(type, p.high)],
      };
      if (p.log) entry.log_scale = true;
      return entry;
    }
    case "choice": {
      const entry: Record<string, PyJson> = {
        parameter_type: "CHOICE",
        type,
        values: p.values.map((v) => typed(type, v)),
      };
      if (p.ordered) entry.is_ordered = true;
      return entry;
    }
    case "fixed":
      return { parameter_type: "FIXED", type, value: typed(type, p.value) };
  }
}

/** The point with every value in its parameter's declared type, in parameter order. */
export function typedPoint(params: readonly Parameter[], point: Point): PyJson {
  const out: Record<string, PyJson> = {};
  for (const p of params) {
    const v = point[p.name];
    if (v !== undefined) out[p.name] = typed(declaredType(p), v);
  }
  return out;
}

function typed(type: DeclaredType, v: ParamValue): PyJson {
  if (type === "STRING") return String(v);
  const n = typeof v === "number" ? v : Number(v);
  return type === "FLOAT" ? new FloatNumber(n) : n;
}
