/**
 * Constrained part of bench:optimizers: the Gardner problem (Gardner et al. 2014, used for
 * constrained BO): minimize sin(x1) + x2 subject to sin(x1) sin(x2) <= -0.95 on [0, 6]^2, where
 * the feasible region is a few small islands. 50 sequential evaluations; the table shows the
 * median over seeds of the best FEASIBLE value found (Infinity when none was) and how many
 * seeds found a feasible point. GP with the outcome constraint (constrained log EI), the same GP
 * ignoring it, and Sobol; GPs start with Sobol for 5 trials.
 *
 *   node --import tsx bench/constrained.ts [--seeds N]   (bench:optimizers runs it too)
 */
import type { Generator, GeneratorInput, Observation } from "../src/generators/generator.js";
import { createGpGenerator } from "../src/generators/gpGenerator.js";
import { createSobolGenerator } from "../src/generators/sobolGenerator.js";
import type { OutcomeConstraint } from "../src/evaluate/outcomeConstraints.js";
import { ConstraintSet } from "../src/space/constraints.js";
import type { Parameter, Point } from "../src/space/parameters.js";
import { SearchSpace } from "../src/space/searchSpace.js";

const BUDGET = 50;
const INIT = 5;
const BOUND: OutcomeConstraint = { metric: "c", op: "<=", bound: -0.95, text: "c <= -0.95" };
const PARAMS: Parameter[] = ["x1", "x2"].map((name) => ({
  kind: "range",
  name,
  valueType: "float",
  low: 0,
  high: 6,
  log: false,
}));

function gardner(p: Point): { f: number; c: number } {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  return { f: Math.sin(x1) + x2, c: Math.sin(x1) * Math.sin(x2) };
}

async function run(seed: number, model: Generator | null, constrained: boolean): Promise<number> {
  const space = new SearchSpace(PARAMS);
  const sobol = createSobolGenerator();
  const completed: Observation[] = [];
  let best = Infinity;
  for (let t = 0; t < BUDGET; t++) {
    const useFirst = model === null || t < INIT;
    const input: GeneratorInput = {
      space,
      constraints: new ConstraintSet([], space),
      objectives: [{ name: "f", goal: "min" }],
      outcomeConstraints: constrained ? [BOUND] : [],
      completed,
      failed: [],
      pending: [],
      seed,
      proposedByNode: useFirst ? t : t - INIT,
      campaignDir: "",
    };
    const [p] = await (useFirst ? sobol : model).propose(input, 1);
    const v = gardner(p!);
    if (v.c <= BOUND.bound) best = Math.min(best, v.f);
    completed.push({ point: p!, values: v, sems: { f: null } });
  }
  return best;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function constrainedTable(seeds: number): Promise<void> {
  console.log(
    `\nGardner problem (min sin(x1) + x2 s.t. sin(x1) sin(x2) <= -0.95 on [0, 6]^2): median best feasible value after ${BUDGET} evaluations, ${seeds} seeds (lower is better; seeds that found a feasible point)\n`,
  );
  console.log("| GP with the constraint | GP ignoring it | Sobol |");
  console.log("|---:|---:|---:|");
  const gp = createGpGenerator({ inWorker: false });
  const cells: string[] = [];
  for (const [model, constrained] of [
    [gp, true],
    [gp, false],
    [null, false],
  ] as const) {
    const bests: number[] = [];
    for (let seed = 0; seed < seeds; seed++) bests.push(await run(seed, model, constrained));
    const found = bests.filter((b) => Number.isFinite(b)).length;
    const m = median(bests);
    cells.push(`${Number.isFinite(m) ? m.toFixed(3) : "none"} (${found}/${seeds})`);
  }
  console.log(`| ${cells.join(" | ")} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const seeds = argv[0] === "--seeds" ? Number(argv[1]) : 10;
  await constrainedTable(seeds);
}
