/**
 * bench:rf: the random forest (or another model) on one bench:optimizers problem, over a chosen
 * seed range, with RandomForestOptions given as JSON: the loop of bench:optimizers (Sobol for
 * max(5, 2d) trials, then the model, 50 evaluations), so that a change to the forest can be
 * measured on many seeds and on disjoint seed ranges without running the whole table.
 *
 *   npm run bench:rf -- --function Mixed [--seeds 0-39] [--method rf|tpe|gp|optuna]
 *       [--options '{"randomProbability":0.1}'] [--verbose]
 *
 * Prints the median and geometric mean of the simple regret and, for a problem with an
 * unordered choice (Mixed's optimizer, the conditional problem's branch), which choice the
 * best point has, by the choice of the best point of the Sobol phase (the forest rarely leaves
 * that one: docs/benchmarks.md). `--method optuna` runs Optuna's TPE (bench/optuna_tpe.py, the
 * whole budget by Optuna, as bench:optimizers' Optuna column) on the same seeds, so that its
 * per-seed regrets (--verbose) can be paired with the forest's.
 */
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import type { Generator } from "../src/generators/generator.js";
import { createGpGenerator } from "../src/generators/gpGenerator.js";
import { createRandomForestGenerator } from "../src/generators/randomForestGenerator.js";
import type { RandomForestOptions } from "../src/generators/rf/rfPropose.js";
import { createSobolGenerator } from "../src/generators/sobolGenerator.js";
import { createTpeGenerator } from "../src/generators/tpeGenerator.js";
import { CONDITIONAL_PROBLEMS } from "./conditionalProblem.js";
import { OptunaProcess } from "./optunaProcess.js";
import type { SequentialRun } from "./sequentialRun.js";
import { BUDGET, runSequential } from "./sequentialRun.js";
import { TEST_PROBLEMS } from "./testFunctions.js";

const { values: args } = parseArgs({
  options: {
    function: { type: "string", default: "Mixed" },
    seeds: { type: "string", default: "0-19" },
    method: { type: "string", default: "rf" },
    options: { type: "string", default: "{}" },
    verbose: { type: "boolean", default: false },
  },
});

const problem = [...TEST_PROBLEMS, ...CONDITIONAL_PROBLEMS].find((p) =>
  p.name.toLowerCase().startsWith(args.function.toLowerCase()),
);
if (!problem) throw new Error(`no problem named ${args.function}`);
const range = /^(\d+)-(\d+)$/.exec(args.seeds);
const [from, to] = range ? [Number(range[1]), Number(range[2])] : [0, Number(args.seeds) - 1];
const options = JSON.parse(args.options) as RandomForestOptions;
const models: Record<string, () => Generator> = {
  rf: () => createRandomForestGenerator(options),
  tpe: () => createTpeGenerator({ startupTrials: 1 }),
  gp: () => createGpGenerator({ inWorker: false }),
};
const optuna = args.method === "optuna" ? await OptunaProcess.open("optuna_tpe.py") : null;
if (args.method === "optuna" && !optuna) throw new Error("no optuna module for /usr/bin/python3");
const makeModel = models[args.method];
if (!makeModel && !optuna) throw new Error(`unknown method ${args.method} (rf, tpe, gp, optuna)`);
const model = makeModel?.() ?? null;
const sobol = createSobolGenerator();
const d = problem.parameters.filter((p) => p.kind !== "fixed").length;
const init = Math.max(5, 2 * d);
const choiceName = problem.parameters.find((p) => p.kind === "choice" && !p.ordered)?.name;

const started = performance.now();
const regrets: number[] = [];
const split = new Map<string, Map<string, number>>();
for (let seed = from; seed <= to; seed++) {
  const run = model
    ? await runSequential(problem, seed, init, sobol, model)
    : await optunaRun(optuna!, seed);
  const regret = Math.max(0, run.best - problem.optimum);
  regrets.push(regret);
  const end = choiceName === undefined ? "" : String(run.bestPoint[choiceName]);
  const start = choiceName === undefined ? "" : String(run.bestPointOfInit[choiceName]);
  const row = split.get(start) ?? new Map<string, number>();
  row.set(end, (row.get(end) ?? 0) + 1);
  split.set(start, row);
  if (args.verbose)
    console.log(`seed ${seed}: regret ${regret.toExponential(2)} ${start} -> ${end}`);
}
optuna?.close();
const sorted = [...regrets].sort((a, b) => a - b);
const m = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
const geo = Math.exp(
  regrets.reduce((s, r) => s + Math.log(Math.max(r, 1e-12)), 0) / Math.max(1, regrets.length),
);
console.log(
  `${problem.name}, ${args.method} ${args.options}, seeds ${from}-${to}: median regret ${median.toExponential(2)}, geometric mean ${geo.toExponential(2)}`,
);
if (choiceName !== undefined) {
  console.log(`${choiceName} of the best point (rows: of the best Sobol point):`);
  for (const [start, row] of split)
    console.log(`  ${start} -> ${[...row].map(([end, n]) => `${end} ${n}`).join(", ")}`);
}
console.log(
  `(${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadavg()[0]!.toFixed(1)})`,
);

/** Optuna's TPE for the whole budget; its first `init` trials stand for the Sobol phase. */
async function optunaRun(proc: OptunaProcess, seed: number): Promise<SequentialRun> {
  const history: SequentialRun["history"][number][] = [];
  await proc.run(problem!.parameters, seed, BUDGET, {}, (p) => {
    const v = problem!.evaluate(p);
    history.push({ point: p, values: { f: v }, sems: { f: null } });
    return { value: v };
  });
  const bestOf = (n: number): SequentialRun["history"][number] =>
    history.slice(0, n).reduce((a, b) => (b.values.f! < a.values.f! ? b : a));
  const best = bestOf(history.length);
  const first = bestOf(init);
  return {
    best: best.values.f!,
    bestPoint: best.point,
    bestOfInit: first.values.f!,
    bestPointOfInit: first.point,
    history,
  };
}
