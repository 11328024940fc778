import { ConditionalStructure } from "./conditionalStructure.js";
import type { Parameter, ParamValue, Point } from "./parameters.js";
import { formatValue } from "./parameters.js";

/**
 * How a free (non-fixed) parameter looks in the unit cube. Generators see only these
 * dimensions; integers, log scales and choices are encoded and decoded here and nowhere else.
 * - continuous: u in [0, 1] maps linearly (or in log space) to [low, high].
 * - integer: `levels` equal-width bins of u, one per value (log-spaced bins for log scale).
 * - categorical: `levels` equal-width bins of u, one per choice; `ordered` says whether the
 *   order of the bins means anything.
 * In a conditional space (parameters with `active_if`) a point leaves its inactive parameters
 * out; their coordinates encode as NaN (no value observed), which the model-based generators
 * treat explicitly (docs/conditional-spaces.md).
 */
export type DimensionKind =
  | { readonly type: "continuous" }
  | { readonly type: "integer"; readonly levels: number }
  | { readonly type: "categorical"; readonly levels: number; readonly ordered: boolean };

export interface Dimension {
  readonly name: string;
  readonly parameter: Exclude<Parameter, { kind: "fixed" }>;
  readonly kind: DimensionKind;
  /** The parameter has an active_if condition (its coordinate may be NaN: inactive). */
  readonly conditional: boolean;
}

export class SearchSpace {
  readonly parameters: readonly Parameter[];
  readonly dimensions: readonly Dimension[];
  /** The active_if tree; null when every parameter is always active. */
  readonly structure: ConditionalStructure | null;
  private readonly byName: ReadonlyMap<string, Parameter>;
  private readonly keys = new WeakMap<Point, string>();

  constructor(parameters: readonly Parameter[]) {
    this.parameters = parameters;
    this.byName = new Map(parameters.map((p) => [p.name, p]));
    const structure = new ConditionalStructure(parameters);
    this.structure = structure.isEmpty ? null : structure;
    const dims: Dimension[] = [];
    for (const p of parameters) {
      if (p.kind === "fixed") continue;
      if (p.kind === "range") {
        const kind: DimensionKind =
          p.valueType === "int"
            ? { type: "integer", levels: p.high - p.low + 1 }
            : { type: "continuous" };
        dims.push({ name: p.name, parameter: p, kind, conditional: p.activeIf !== undefined });
      } else {
        dims.push({
          name: p.name,
          parameter: p,
          kind: { type: "categorical", levels: p.values.length, ordered: p.ordered },
          conditional: p.activeIf !== undefined,
        });
      }
    }
    this.dimensions = dims;
  }

  /** Number of unit-cube dimensions (free parameters). */
  get dim(): number {
    return this.dimensions.length;
  }

  parameter(name: string): Parameter | undefined {
    return this.byName.get(name);
  }

  /** Whether some parameter has an active_if condition. */
  get conditional(): boolean {
    return this.structure !== null;
  }

  /** The names of the parameters active at a point (all of them in a flat space). */
  activeNames(point: Point): Set<string> {
    return this.structure
      ? this.structure.activeNames(point)
      : new Set(this.parameters.map((p) => p.name));
  }

  /** The point without the values of parameters inactive at it. */
  dropInactive(point: Point): Point {
    if (!this.structure) return point;
    const active = this.structure.activeNames(point);
    const out: Record<string, ParamValue> = {};
    for (const p of this.parameters) {
      const v = point[p.name];
      if (active.has(p.name) && v !== undefined) out[p.name] = v;
    }
    return out;
  }

  /** Decodes a unit-cube vector into a valid point (rounded, clamped, fixed values added). */
  decode(u: ArrayLike<number>): Point {
    const out: Record<string, ParamValue> = {};
    let i = 0;
    for (const p of this.parameters) {
      if (p.kind === "fixed") {
        out[p.name] = p.value;
        continue;
      }
      const raw = u[i++] ?? 0.5;
      const x = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0.5;
      if (p.kind === "choice") {
        out[p.name] = p.values[binIndex(x, p.values.length)]!;
      } else if (p.valueType === "int") {
        out[p.name] = decodeInt(x, p.low, p.high, p.log);
      } else {
        out[p.name] = decodeFloat(x, p.low, p.high, p.log);
      }
    }
    return this.dropInactive(out);
  }

  /** Encodes a valid point into the unit cube (integers and choices at their bin centres). */
  encode(point: Point): Float64Array {
    const u = new Float64Array(this.dim);
    this.dimensions.forEach((d, i) => {
      const v = point[d.name];
      const p = d.parameter;
      if (v === undefined && d.conditional) {
        u[i] = NaN;
      } else if (p.kind === "choice") {
        const idx = p.values.findIndex((c) => sameValue(c, v));
        u[i] = (Math.max(0, idx) + 0.5) / p.values.length;
      } else if (typeof v !== "number") {
        u[i] = 0.5;
      } else if (p.valueType === "int") {
        u[i] = encodeInt(v, p.low, p.high, p.log);
      } else {
        u[i] = encodeFloat(v, p.low, p.high, p.log);
      }
    });
    return u;
  }

  /** The nearest valid point's encoding: encode(decode(u)). */
  snap(u: ArrayLike<number>): Float64Array {
    return this.encode(this.decode(u));
  }

  /** Describes why a point is not valid for this space, or returns null when it is. */
  check(point: Point): string | null {
    const active = this.structure?.activeNames(point);
    for (const p of this.parameters) {
      const v = point[p.name];
      if (active && !active.has(p.name)) {
        if (v !== undefined)
          return `parameter "${p.name}" is inactive at this point (active_if "${p.activeIf}" does not hold) and must be left out`;
        continue;
      }
      if (v === undefined) return `parameter "${p.name}" is missing`;
      if (p.kind === "fixed") {
        if (!sameValue(p.value, v)) return `parameter "${p.name}" must be ${formatValue(p.value)}`;
      } else if (p.kind === "choice") {
        if (!p.values.some((c) => sameValue(c, v)))
          return `parameter "${p.name}" must be one of ${p.values.map(formatValue).join(", ")}, got ${formatValue(v)}`;
      } else {
        if (typeof v !== "number" || !Number.isFinite(v))
          return `parameter "${p.name}" must be a number, got ${JSON.stringify(v)}`;
        if (p.valueType === "int" && !Number.isInteger(v))
          return `parameter "${p.name}" must be an integer, got ${v}`;
        if (v < p.low || v > p.high)
          return `parameter "${p.name}" must lie in [${p.low}, ${p.high}], got ${v}`;
      }
    }
    for (const k of Object.keys(point)) {
      if (!this.byName.has(k)) return `unknown parameter "${k}"`;
    }
    return null;
  }

  /**
   * A canonical text of a point, equal for equal points (deduplication). Points are never
   * modified once made, so each point's key is computed once (every proposal keys the whole
   * history).
   */
  key(point: Point): string {
    let k = this.keys.get(point);
    if (k === undefined) {
      k = this.parameters.map((p) => `${p.name}=${keyValue(point[p.name])}`).join("\u0001");
      this.keys.set(point, k);
    }
    return k;
  }
}

function keyValue(v: ParamValue | undefined): string {
  if (v === undefined) return "";
  return typeof v === "number" ? `n:${v}` : `s:${v}`;
}

/** Choice values compare as text when one side is a string ("5" equals 5). */
export function sameValue(a: ParamValue, b: ParamValue | undefined): boolean {
  if (b === undefined) return false;
  if (typeof a === typeof b) return a === b;
  return String(a) === String(b);
}

function binIndex(x: number, n: number): number {
  return Math.min(n - 1, Math.floor(x * n));
}

function decodeFloat(x: number, low: number, high: number, log: boolean): number {
  if (log) {
    const v = Math.exp(Math.log(low) + x * (Math.log(high) - Math.log(low)));
    return Math.min(high, Math.max(low, v));
  }
  return Math.min(high, Math.max(low, low + x * (high - low)));
}

function encodeFloat(v: number, low: number, high: number, log: boolean): number {
  const r = log
    ? (Math.log(v) - Math.log(low)) / (Math.log(high) - Math.log(low))
    : (v - low) / (high - low);
  return Math.min(1, Math.max(0, r));
}

function decodeInt(x: number, low: number, high: number, log: boolean): number {
  if (log) {
    // Log-spaced bins over [low - 0.5, high + 0.5] (shifted so that low >= 1 stays positive).
    const a = Math.log(low - 0.5 + 1);
    const b = Math.log(high + 0.5 + 1);
    const v = Math.round(Math.exp(a + x * (b - a)) - 1);
    return Math.min(high, Math.max(low, v));
  }
  return low + binIndex(x, high - low + 1);
}

function encodeInt(v: number, low: number, high: number, log: boolean): number {
  if (log) {
    const a = Math.log(low - 0.5 + 1);
    const b = Math.log(high + 0.5 + 1);
    return Math.min(1, Math.max(0, (Math.log(v + 1) - a) / (b - a)));
  }
  return (v - low + 0.5) / (high - low + 1);
}
