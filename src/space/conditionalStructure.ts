import { InputError } from "../errors/errors.js";
import {
  conditionAtoms,
  conditionNames,
  evaluateCondition,
  literalEquals,
  parseCondition,
  type Condition,
} from "./conditionParser.js";
import type { Parameter, ParamValue } from "./parameters.js";
import { formatValue } from "./parameters.js";

/**
 * The tree of a conditional search space: which parameter is active when (`active_if`), checked
 * once against the parameters (unknown names, self references, cycles, values a parent can
 * never take), with an order in which every parameter comes after the parameters its
 * condition reads. A parameter is active when every parameter its condition reads is active
 * and the condition holds (ConfigSpace's rule).
 */
export class ConditionalStructure {
  /** Parameters in an order where parents come before their children. */
  readonly order: readonly Parameter[];
  private readonly conditions: ReadonlyMap<string, { cond: Condition; parents: string[] }>;

  constructor(parameters: readonly Parameter[]) {
    const byName = new Map(parameters.map((p) => [p.name, p]));
    const conditions = new Map<string, { cond: Condition; parents: string[] }>();
    for (const p of parameters) {
      if (p.activeIf === undefined) continue;
      const where = `parameter "${p.name}" active_if`;
      const cond = parseCondition(p.activeIf, where);
      checkCondition(cond, byName, where, p.activeIf);
      const parents = [...conditionNames(cond)];
      if (parents.includes(p.name))
        throw new InputError(
          "SPEC_INVALID",
          `${where} "${p.activeIf}": a parameter cannot depend on itself; name another parameter`,
        );
      conditions.set(p.name, { cond, parents });
    }
    this.conditions = conditions;
    this.order = topologicalOrder(parameters, conditions);
  }

  get isEmpty(): boolean {
    return this.conditions.size === 0;
  }

  /** The names of the parameters some condition reads (the parents), in no particular order. */
  get parentNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.conditions.values()) for (const q of c.parents) names.add(q);
    return names;
  }

  /**
   * The names of the parameters active at `values` (values of inactive parameters, if given,
   * are ignored: activity follows from the parents alone).
   */
  activeNames(values: Readonly<Record<string, ParamValue>>): Set<string> {
    const active = new Set<string>();
    for (const p of this.order) {
      const c = this.conditions.get(p.name);
      if (
        !c ||
        (c.parents.every((q) => active.has(q)) &&
          evaluateCondition(c.cond, (n) => (active.has(n) ? values[n] : undefined)))
      )
        active.add(p.name);
    }
    return active;
  }
}

/** Checks the names and values of a condition or forbidden clause against the parameters. */
export function checkCondition(
  cond: Condition,
  byName: ReadonlyMap<string, Parameter>,
  where: string,
  text: string,
): void {
  const fail = (why: string): never => {
    throw new InputError("SPEC_INVALID", `${where} "${text}": ${why}`);
  };
  for (const atom of conditionAtoms(cond)) {
    const p = byName.get(atom.name);
    if (!p)
      fail(`unknown parameter "${atom.name}"; known parameters: ${[...byName.keys()].join(", ")}`);
    const values = atom.type === "in" ? atom.values : [atom.value];
    const ordering = atom.type === "cmp" && !["==", "!="].includes(atom.op);
    if (p!.kind === "choice") {
      const choice = p!;
      for (const v of values) {
        if (ordering) {
          if (typeof v !== "number" || choice.values.some((c) => typeof c !== "number"))
            fail(
              `"${atom.name}" is a choice of texts; compare it with == != or in [...], not ${atom.type === "cmp" ? atom.op : "in"}`,
            );
        } else if (!choice.values.some((c) => literalEquals(v, c)))
          fail(
            `"${atom.name}" never takes the value ${JSON.stringify(v)}; its values are ${choice.values.map(formatValue).join(", ")}`,
          );
      }
    } else if (p!.kind === "range") {
      for (const v of values)
        if (typeof v !== "number")
          fail(
            `"${atom.name}" is a number range; compare it with a number, not ${JSON.stringify(v)}`,
          );
    }
  }
}

function topologicalOrder(
  parameters: readonly Parameter[],
  conditions: ReadonlyMap<string, { cond: Condition; parents: string[] }>,
): Parameter[] {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const state = new Map<string, "visiting" | "done">();
  const out: Parameter[] = [];
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new InputError(
        "SPEC_INVALID",
        `the active_if conditions form a cycle: ${cycle.join(" -> ")}; a parameter's condition may only read parameters that do not depend on it`,
      );
    }
    state.set(name, "visiting");
    for (const parent of conditions.get(name)?.parents ?? []) visit(parent, [...path, name]);
    state.set(name, "done");
    out.push(byName.get(name)!);
  };
  for (const p of parameters) visit(p.name, []);
  return out;
}
