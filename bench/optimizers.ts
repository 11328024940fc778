/**
 * Optimizer benchmark: GP, TPE, RANDOMFOREST, Sobol and random search (and Optuna's TPE where
 * Debian's python3-optuna is installed) on standard test functions, 50 sequential evaluations,
 * median simple regret over seeds; then RANDOMFOREST's proposal latency with up to 2,000
 * completed trials and the GP's with 50, 200 and 500 in 6-d. The conditional problem
 * (bench/conditionalProblem.ts) runs on its conditional space and flattened; Optuna's row there
 * is always flattened (optuna_tpe.py ignores active_if). GP, TPE and RANDOMFOREST start with
 * Sobol for max(5, 2d) trials, like the default strategy.
 *
 *   npm run bench:optimizers [-- --quick] [--seeds N] [--functions Branin,Hartmann6]
 *                            [--methods gp,tpe,rf,sobol,random,optuna,gp5] [--no-latency]
 *                            [--no-multi-objective] [--no-constrained] [--no-learning-curve]
 *                            [--gp5-seeds N] [--first-seed S]
 * The q=5 column ("gp5") runs 5 seeds (as BoTorch's reference figures) unless --gp5-seeds says
 * otherwise (at most --seeds). The seeds are S, S+1, ..., S+N-1 (S: --first-seed, default 0), so a
 * second run on a disjoint range checks that a difference is not the luck of the seeds.
 * The two-objective table (bench/multiObjective.ts, also npm run bench:multi-objective), the
 * constrained one (bench/constrained.ts: the Gardner problem) and early stopping on the
 * learning-curve problem (bench/learningCurve.ts, also npm run bench:learning-curve) follow.
 */
import type { Generator, Observation } from "../src/generators/generator.js";
import { createGpGenerator } from "../src/generators/gpGenerator.js";
import { proposeGp } from "../src/generators/gp/gpPropose.js";
import { createRandomForestGenerator } from "../src/generators/randomForestGenerator.js";
import { proposeRandomForest } from "../src/generators/rf/rfPropose.js";
import { createRandomGenerator } from "../src/generators/randomGenerator.js";
import { createRng } from "../src/generators/rng.js";
import { createSobolGenerator } from "../src/generators/sobolGenerator.js";
import { createTpeGenerator } from "../src/generators/tpeGenerator.js";
import { SearchSpace } from "../src/space/searchSpace.js";
import { runAsyncBatch } from "./asyncBatch.js";
import { OPTUNA_PYTHON, OptunaProcess } from "./optunaProcess.js";
import { constrainedTable } from "./constrained.js";
import { multiObjectiveTable } from "./multiObjective.js";
import { learningCurveTable } from "./learningCurve.js";
import type { TestProblem } from "./testFunctions.js";
import { TEST_PROBLEMS } from "./testFunctions.js";
import { CONDITIONAL_PROBLEMS } from "./conditionalProblem.js";
import { BUDGET, baseInput, runSequential } from "./sequentialRun.js";

interface Args {
  seeds: number;
  functions: string[] | null;
  methods: string[];
  latency: boolean;
  multi: boolean;
  constrained: boolean;
  gp5Seeds: number;
  learningCurve: boolean;
  firstSeed: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 20,
    functions: null,
    methods: ["gp", "gp5", "tpe", "rf", "optuna", "sobol", "random"],
    latency: true,
    multi: true,
    constrained: true,
    gp5Seeds: 5,
    learningCurve: true,
    firstSeed: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => argv[++i] ?? "";
    if (k === "--quick") a.seeds = 3;
    else if (k === "--seeds") a.seeds = Number(next());
    else if (k === "--functions") a.functions = next().split(",");
    else if (k === "--methods") a.methods = next().split(",");
    else if (k === "--no-latency") a.latency = false;
    else if (k === "--no-multi-objective") a.multi = false;
    else if (k === "--no-constrained") a.constrained = false;
    else if (k === "--gp5-seeds") a.gp5Seeds = Number(next());
    else if (k === "--no-learning-curve") a.learningCurve = false;
    else if (k === "--first-seed") a.firstSeed = Number(next());
    else throw new Error(`unknown option ${k}`);
  }
  return a;
}

/** One sequential run: `first` for the initial trials, then `model`. Returns the best value. */
async function runGenerators(
  problem: TestProblem,
  seed: number,
  init: number,
  first: Generator,
  model: Generator | null,
): Promise<number> {
  return (await runSequential(problem, seed, init, first, model)).best;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return "-";
  return v === 0 ? "0" : v.toExponential(2);
}

async function regretTable(args: Args): Promise<void> {
  const optuna = args.methods.includes("optuna") ? await OptunaProcess.open("optuna_tpe.py") : null;
  const methods = args.methods.filter((m) => m !== "optuna" || optuna);
  if (args.methods.includes("optuna") && !optuna)
    console.log(`(Optuna row skipped: ${OPTUNA_PYTHON} has no optuna module)`);
  const names: Record<string, string> = {
    gp: "GP",
    tpe: "TPE",
    rf: "RF",
    optuna: "Optuna TPE",
    sobol: "Sobol",
    random: "Random",
    gp5: "GP q=5 async",
  };
  console.log(
    `\nMedian simple regret after ${BUDGET} evaluations, ${args.seeds} seeds from ${args.firstSeed} (GP q=5 async: ${Math.min(args.gp5Seeds, args.seeds)} seeds; 5 trials at once, refilled as each finishes)\n`,
  );
  console.log(`| Function | ${methods.map((m) => names[m]).join(" | ")} |`);
  console.log(`|---|${methods.map(() => "---:").join("|")}|`);
  const problems = [...TEST_PROBLEMS, ...CONDITIONAL_PROBLEMS].filter(
    (p) =>
      !args.functions ||
      args.functions.some((f) => p.name.toLowerCase().startsWith(f.toLowerCase())),
  );
  const gp = createGpGenerator({ inWorker: false });
  const tpe = createTpeGenerator({ startupTrials: 1 });
  const rf = createRandomForestGenerator();
  const sobol = createSobolGenerator();
  const random = createRandomGenerator();
  for (const problem of problems) {
    const d = problem.parameters.filter((p) => p.kind !== "fixed").length;
    const init = Math.max(5, 2 * d);
    const cells: string[] = [];
    const seconds: string[] = [];
    for (const m of methods) {
      const t0 = performance.now();
      const regrets: number[] = [];
      for (let seed = args.firstSeed; seed < args.firstSeed + args.seeds; seed++) {
        let best: number;
        if (m === "gp") best = await runGenerators(problem, seed, init, sobol, gp);
        else if (m === "tpe") best = await runGenerators(problem, seed, init, sobol, tpe);
        else if (m === "rf") best = await runGenerators(problem, seed, init, sobol, rf);
        else if (m === "sobol") best = await runGenerators(problem, seed, 0, sobol, null);
        else if (m === "random") best = await runGenerators(problem, seed, 0, random, null);
        else if (m === "gp5") {
          // 5 seeds for the parallel column by default (as BoTorch's reference figures)
          if (seed >= args.firstSeed + args.gp5Seeds) continue;
          best = await runAsyncBatch(problem, seed, init, BUDGET, sobol, gp);
        } else {
          best = Infinity;
          await optuna!.run(problem.parameters, seed, BUDGET, {}, (p) => {
            const v = problem.evaluate(p);
            best = Math.min(best, v);
            return { value: v };
          });
        }
        regrets.push(Math.max(0, best - problem.optimum));
      }
      cells.push(fmt(median(regrets)));
      seconds.push(`${names[m]} ${((performance.now() - t0) / 1000).toFixed(0)}s`);
    }
    console.log(`| ${problem.name} | ${cells.join(" | ")} |`);
    console.error(`  (${problem.name}: ${seconds.join(", ")})`);
  }
  optuna?.close();
}

async function latency(): Promise<void> {
  console.log("\nGP proposal latency in 6-d (Hartmann6 data at random points), median of 3\n");
  console.log("| Completed trials | In process | Through the worker thread |");
  console.log("|---:|---:|---:|");
  const problem = TEST_PROBLEMS.find((p) => p.name.startsWith("Hartmann6"))!;
  const space = new SearchSpace(problem.parameters);
  const worker = createGpGenerator();
  for (const n of [50, 200, 500]) {
    const rng = createRng(12345, n);
    const completed: Observation[] = Array.from({ length: n }, () => {
      const point = space.decode(rng.uniformVector(space.dim));
      return { point, values: { f: problem.evaluate(point) }, sems: { f: null } };
    });
    const inProc: number[] = [];
    const viaWorker: number[] = [];
    await worker.propose(baseInput(space, 0, completed), 1); // start the worker
    for (let s = 1; s <= 3; s++) {
      let t0 = performance.now();
      proposeGp(baseInput(space, s, completed), 1);
      inProc.push(performance.now() - t0);
      t0 = performance.now();
      await worker.propose(baseInput(space, s + 10, completed), 1);
      viaWorker.push(performance.now() - t0);
    }
    console.log(
      `| ${n} | ${(median(inProc) / 1000).toFixed(2)} s | ${(median(viaWorker) / 1000).toFixed(2)} s |`,
    );
  }
  worker.close();
}

/**
 * RANDOMFOREST's proposal latency with many trials: wall-clock and this thread's CPU time (the
 * CPU time is what the proposal costs; the wall clock includes waiting for a core on a shared
 * machine). Random data on the Categorical and Hartmann6 problems; median of 3.
 */
function rfLatency(): void {
  console.log("\nRANDOMFOREST proposal latency (data at random points), median of 3\n");
  console.log("| Problem | Completed trials | Wall clock | CPU time |");
  console.log("|---|---:|---:|---:|");
  for (const name of ["Categorical", "Hartmann6"]) {
    const problem = TEST_PROBLEMS.find((p) => p.name.startsWith(name))!;
    const space = new SearchSpace(problem.parameters);
    for (const n of [200, 1000, 2000]) {
      const rng = createRng(54321, n);
      const completed: Observation[] = Array.from({ length: n }, () => {
        const point = space.decode(rng.uniformVector(space.dim));
        return { point, values: { f: problem.evaluate(point) }, sems: { f: null } };
      });
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let s = 1; s <= 3; s++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        // randomProbability 0: time a model-based proposal, not a random one.
        proposeRandomForest(baseInput(space, s, completed), 1, { randomProbability: 0 });
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      console.log(
        `| ${problem.name} | ${n} | ${(median(wall) / 1000).toFixed(2)} s | ${(median(cpu) / 1000).toFixed(2)} s |`,
      );
    }
  }
}

const args = parseArgs(process.argv.slice(2));
const started = performance.now();
await regretTable(args);
if (args.multi)
  await multiObjectiveTable(Math.min(args.seeds, 10), ["ehvi", "parego", "tpe", "optuna", "sobol"]);
if (args.constrained) await constrainedTable(Math.min(args.seeds, 10));
// Early stopping on the learning-curve problem (also npm run bench:learning-curve).
if (args.learningCurve)
  await learningCurveTable(Math.max(args.seeds, 30), {
    trials: 60,
    strategy: "SOBOL",
    minProgression: 0,
    minTrials: 5,
    percentile: 50,
  });
if (args.latency) {
  rfLatency();
  await latency();
}
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
