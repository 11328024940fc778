/**
 * GP at campaign sizes: proposal latency with 500, 2,000 and 10,000 completed trials (6-d,
 * Hartmann6 values at random points, 3 pending points as in a campaign with parallelism 4),
 * in process and through the worker thread, the exact GP on every point alongside where it
 * still fits in memory; then the regret cost of the local model: 500 sequential evaluations on
 * the benchmark functions with the default model (at most 400 points) and with the exact GP on
 * every point, median simple regret over seeds. Both runs share the evaluations made before the
 * model is capped (they are the same proposals), and branch after.
 *
 *   npm run bench:gp-scale [-- --quick] [--seeds N] [--functions Branin,Levy]
 *                          [--budget 500] [--no-latency] [--no-regret]
 */
import type { GeneratorInput, Observation } from "../src/generators/generator.js";
import { createGpGenerator } from "../src/generators/gpGenerator.js";
import type { GpOptions } from "../src/generators/gp/gpPropose.js";
import { proposeGp } from "../src/generators/gp/gpPropose.js";
import { DEFAULT_MAX_MODEL_POINTS } from "../src/generators/gp/modelSubset.js";
import { createRng } from "../src/generators/rng.js";
import { createSobolGenerator } from "../src/generators/sobolGenerator.js";
import type { Point } from "../src/space/parameters.js";
import { SearchSpace } from "../src/space/searchSpace.js";
import type { TestProblem } from "./testFunctions.js";
import { TEST_PROBLEMS } from "./testFunctions.js";
import { baseInput } from "./sequentialRun.js";

interface Args {
  seeds: number;
  budget: number;
  functions: string[] | null;
  latency: boolean;
  regret: boolean;
  sizes: number[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 5,
    budget: 500,
    functions: null,
    latency: true,
    regret: true,
    sizes: [500, 2000, 10000],
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => argv[++i] ?? "";
    if (k === "--quick") a.seeds = 2;
    else if (k === "--seeds") a.seeds = Number(next());
    else if (k === "--budget") a.budget = Number(next());
    else if (k === "--functions") a.functions = next().split(",");
    else if (k === "--sizes") a.sizes = next().split(",").map(Number);
    else if (k === "--no-latency") a.latency = false;
    else if (k === "--no-regret") a.regret = false;
    else throw new Error(`unknown option ${k}`);
  }
  return a;
}

function input(
  space: SearchSpace,
  seed: number,
  completed: Observation[],
  pending: Point[],
): GeneratorInput {
  return baseInput(space, seed, completed, { pending, proposedByNode: completed.length });
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function latency(args: Args): Promise<void> {
  console.log(
    `\nGP proposal latency in 6-d (Hartmann6 values at random points, 3 pending), median of 3\n`,
  );
  console.log(
    "| Completed trials | In process | Through the worker thread | Exact GP, in process |",
  );
  console.log("|---:|---:|---:|---:|");
  const problem = TEST_PROBLEMS.find((p) => p.name.startsWith("Hartmann6"))!;
  const space = new SearchSpace(problem.parameters);
  const worker = createGpGenerator();
  for (const n of args.sizes) {
    const rng = createRng(12345, n);
    const sample = (): Point => space.decode(rng.uniformVector(space.dim));
    const completed: Observation[] = Array.from({ length: n }, () => {
      const point = sample();
      return { point, values: { f: problem.evaluate(point) }, sems: { f: null } };
    });
    const pending = [sample(), sample(), sample()];
    await worker.propose(input(space, 0, completed, pending), 1); // start the worker
    const inProc: number[] = [];
    const viaWorker: number[] = [];
    for (let s = 1; s <= 3; s++) {
      let t0 = performance.now();
      proposeGp(input(space, s, completed, pending), 1);
      inProc.push(performance.now() - t0);
      t0 = performance.now();
      await worker.propose(input(space, s + 10, completed, pending), 1);
      viaWorker.push(performance.now() - t0);
    }
    // The exact GP: one round, and only where its n x n matrices stay small enough.
    let exact = "-";
    if (n <= 2000) {
      const t0 = performance.now();
      proposeGp(input(space, 1, completed, pending), 1, { maxModelPoints: Infinity });
      exact = secs(performance.now() - t0);
    }
    console.log(`| ${n} | ${secs(median(inProc))} | ${secs(median(viaWorker))} | ${exact} |`);
  }
  worker.close();
}

/** Continues a sequential run from `completed` up to the budget with the given GP options. */
function continueRun(
  problem: TestProblem,
  space: SearchSpace,
  seed: number,
  completed: Observation[],
  budget: number,
  opts: GpOptions,
): number {
  while (completed.length < budget) {
    const [p] = proposeGp(input(space, seed, completed, []), 1, opts);
    completed.push({ point: p!, values: { f: problem.evaluate(p!) }, sems: { f: null } });
  }
  return Math.min(...completed.map((o) => o.values.f!));
}

async function regret(args: Args): Promise<void> {
  const cap = DEFAULT_MAX_MODEL_POINTS;
  console.log(
    `\nMedian simple regret after ${args.budget} sequential evaluations, ${args.seeds} seeds: ` +
      `the GP's local model (at most ${cap} points) vs the exact GP on every point\n`,
  );
  console.log(`| Function | local model (default) | exact GP | runs where local <= exact |`);
  console.log(`|---|---:|---:|---:|`);
  const sobol = createSobolGenerator();
  const problems = TEST_PROBLEMS.filter(
    (p) =>
      !args.functions ||
      args.functions.some((f) => p.name.toLowerCase().startsWith(f.toLowerCase())),
  );
  for (const problem of problems) {
    const space = new SearchSpace(problem.parameters);
    const init = Math.max(5, 2 * space.dim);
    const local: number[] = [];
    const exact: number[] = [];
    let wins = 0;
    const t0 = performance.now();
    for (let seed = 0; seed < args.seeds; seed++) {
      const completed: Observation[] = [];
      for (let t = 0; t < init; t++) {
        const [p] = await sobol.propose(
          { ...input(space, seed, completed, []), proposedByNode: t },
          1,
        );
        completed.push({ point: p!, values: { f: problem.evaluate(p!) }, sems: { f: null } });
      }
      // Up to `cap` completed trials both models are the same exact GP.
      continueRun(problem, space, seed, completed, Math.min(cap, args.budget), {});
      const l = continueRun(problem, space, seed, [...completed], args.budget, {});
      const e = continueRun(problem, space, seed, [...completed], args.budget, {
        maxModelPoints: Infinity,
      });
      local.push(Math.max(0, l - problem.optimum));
      exact.push(Math.max(0, e - problem.optimum));
      if (l <= e) wins++;
    }
    const f = (v: number): string => (v === 0 ? "0" : v.toExponential(2));
    console.log(
      `| ${problem.name} | ${f(median(local))} | ${f(median(exact))} | ${wins} of ${args.seeds} |`,
    );
    console.error(`  (${problem.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

const args = parseArgs(process.argv.slice(2));
const started = performance.now();
if (args.latency) await latency(args);
if (args.regret) await regret(args);
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
