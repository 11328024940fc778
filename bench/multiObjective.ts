/**
 * Multi-objective part of bench:optimizers: hypervolume after 50 sequential evaluations on
 * BraninCurrin (2-d) and ZDT2 (4-d), both objectives minimized, with BoTorch's reference points
 * ([18, 6] and [11, 11]) and shown as the log10 gap to the best possible hypervolume (lower is
 * better; BoTorch's test problems' max_hv). GP with EHVI (the default for 2 or 3 objectives),
 * GP with ParEGO (a random Chebyshev scalarization per proposal, the former default), TPE and
 * Sobol; GP and TPE start with Sobol for max(5, 2d) trials.
 *
 *   npm run bench:multi-objective [-- --seeds N] [--methods ehvi,parego,tpe,sobol]
 */
import type {
  Generator,
  GeneratorInput,
  Objective,
  Observation,
} from "../src/generators/generator.js";
import { createGpGenerator } from "../src/generators/gpGenerator.js";
import { createSobolGenerator } from "../src/generators/sobolGenerator.js";
import { createTpeGenerator } from "../src/generators/tpeGenerator.js";
import { hypervolume } from "../src/report/hypervolume.js";
import { ConstraintSet } from "../src/space/constraints.js";
import type { Parameter, Point } from "../src/space/parameters.js";
import { SearchSpace } from "../src/space/searchSpace.js";
import { OPTUNA_PYTHON, OptunaProcess } from "./optunaProcess.js";

const BUDGET = 50;
const OBJECTIVES: Objective[] = [
  { name: "f1", goal: "min" },
  { name: "f2", goal: "min" },
];

interface MoProblem {
  readonly name: string;
  readonly parameters: Parameter[];
  readonly evaluate: (p: Point) => [number, number];
  readonly reference: [number, number];
  readonly maxHv: number;
}

const unit = (name: string): Parameter => ({
  kind: "range",
  name,
  valueType: "float",
  low: 0,
  high: 1,
  log: false,
});
const num = (p: Point, n: string): number => p[n] as number;

function branin01(x0: number, x1: number): number {
  const a = 15 * x0 - 5;
  const b = 15 * x1;
  const t = b - (5.1 / (4 * Math.PI * Math.PI)) * a * a + (5 / Math.PI) * a - 6;
  return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(a) + 10;
}

function currin(x0: number, x1: number): number {
  const factor = x1 === 0 ? 1 : 1 - Math.exp(-1 / (2 * x1));
  const numer = 2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60;
  const denom = 100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20;
  return (factor * numer) / denom;
}

export const MO_PROBLEMS: readonly MoProblem[] = [
  {
    name: "BraninCurrin (2-d)",
    parameters: [unit("x0"), unit("x1")],
    evaluate: (p) => [branin01(num(p, "x0"), num(p, "x1")), currin(num(p, "x0"), num(p, "x1"))],
    reference: [18, 6],
    maxHv: 59.36011874867746,
  },
  {
    name: "ZDT2 (4-d)",
    parameters: [unit("x0"), unit("x1"), unit("x2"), unit("x3")],
    evaluate: (p) => {
      const x = [0, 1, 2, 3].map((i) => num(p, `x${i}`));
      const g = 1 + (9 / 3) * (x[1]! + x[2]! + x[3]!);
      const f0 = x[0]!;
      return [f0, g * (1 - (f0 / g) ** 2)];
    },
    reference: [11, 11],
    maxHv: 120 + 2 / 3,
  },
];

async function run(
  problem: MoProblem,
  seed: number,
  init: number,
  first: Generator,
  model: Generator | null,
): Promise<number> {
  const space = new SearchSpace(problem.parameters);
  const completed: Observation[] = [];
  for (let t = 0; t < BUDGET; t++) {
    const useFirst = model === null || t < init;
    const input: GeneratorInput = {
      space,
      constraints: new ConstraintSet([], space),
      objectives: OBJECTIVES,
      completed,
      failed: [],
      pending: [],
      seed,
      proposedByNode: useFirst ? t : t - init,
      campaignDir: "",
    };
    const [p] = await (useFirst ? first : model).propose(input, 1);
    const [a, b] = problem.evaluate(p!);
    completed.push({ point: p!, values: { f1: a, f2: b }, sems: { f1: null, f2: null } });
  }
  const rows = completed.map((o) => Float64Array.of(o.values.f1!, o.values.f2!));
  return hypervolume(rows, Float64Array.from(problem.reference)) ?? 0;
}

/** The same run with Optuna's default multi-objective sampler choosing all 50 points. */
async function runOptuna(problem: MoProblem, seed: number, optuna: OptunaProcess): Promise<number> {
  const rows: Float64Array[] = [];
  const directions = OBJECTIVES.map(() => "minimize");
  await optuna.run(problem.parameters, seed, BUDGET, { directions }, (p) => {
    const values = problem.evaluate(p);
    rows.push(Float64Array.from(values));
    return { values };
  });
  return hypervolume(rows, Float64Array.from(problem.reference)) ?? 0;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Prints the table: median log10(max_hv - hv) per method (lower is better). */
export async function multiObjectiveTable(seeds: number, wanted: readonly string[]): Promise<void> {
  let methods = [...wanted];
  const names: Record<string, string> = {
    ehvi: "GP EHVI",
    parego: "GP ParEGO",
    tpe: "TPE",
    optuna: "Optuna NSGA-II",
    sobol: "Sobol",
  };
  const optuna = methods.includes("optuna")
    ? await OptunaProcess.open("optuna_multi_objective.py")
    : null;
  if (methods.includes("optuna") && !optuna) {
    console.log(`(Optuna column skipped: ${OPTUNA_PYTHON} has no optuna module)`);
    methods = methods.filter((m) => m !== "optuna");
  }
  console.log(
    `\nTwo objectives: median log10(best hypervolume - hypervolume) after ${BUDGET} evaluations, ${seeds} seeds (lower is better)\n`,
  );
  console.log(`| Problem | ${methods.map((m) => names[m]).join(" | ")} |`);
  console.log(`|---|${methods.map(() => "---:").join("|")}|`);
  const ehvi = createGpGenerator({ inWorker: false });
  const parego = createGpGenerator({ inWorker: false, multiObjective: "parego" });
  const tpe = createTpeGenerator({ startupTrials: 1 });
  const sobol = createSobolGenerator();
  for (const problem of MO_PROBLEMS) {
    const init = Math.max(5, 2 * problem.parameters.length);
    const cells: string[] = [];
    const secs: string[] = [];
    for (const m of methods) {
      const t0 = performance.now();
      const gaps: number[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const model = m === "ehvi" ? ehvi : m === "parego" ? parego : m === "tpe" ? tpe : null;
        const hv =
          m === "optuna"
            ? await runOptuna(problem, seed, optuna!)
            : await run(problem, seed, model ? init : 0, sobol, model);
        gaps.push(Math.log10(Math.max(1e-12, problem.maxHv - hv)));
      }
      cells.push(median(gaps).toFixed(2));
      secs.push(`${names[m]} ${((performance.now() - t0) / 1000).toFixed(0)}s`);
    }
    console.log(`| ${problem.name} | ${cells.join(" | ")} |`);
    console.error(`  (${problem.name}: ${secs.join(", ")})`);
  }
  optuna?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  let seeds = 10;
  let methods = ["ehvi", "parego", "tpe", "optuna", "sobol"];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--seeds") seeds = Number(argv[++i]);
    else if (argv[i] === "--methods") methods = (argv[++i] ?? "").split(",");
    else throw new Error(`unknown option ${argv[i]}`);
  }
  await multiObjectiveTable(seeds, methods);
}
