/**
 * bench:learning-curve: early stopping on a synthetic learning-curve problem, through the real
 * code path (the library's ask / report / shouldStop / tell on a real campaign folder, the same
 * rule functions and SQLite queries a run's progress follower uses).
 *
 * The problem (fixed before any measurement, not tuned to the rules): a configuration x in
 * [0, 1]^3 trains for T = 50 steps; its loss at step t is
 *
 *   y(x, t) = g(x) + b(x) * (t^-a(x) - T^-a(x)) + noise,   noise ~ N(0, 0.1^2) per step,
 *
 * a power-law decay that reaches g(x) at t = T, where g is Hartmann-3 (minimum -3.86278), the
 * starting excess b(x) = 2 + sin(2 pi (x1 + x2 + x3)) in [1, 3] and the rate
 * a(x) = 0.3 + 0.9 x1 in [0.3, 1.2]: curves cross (a slow learner can end best). The objective
 * is the value reported at step T (noisy); the simple regret of a campaign is g at its best
 * COMPLETED trial (slurmopt's best, as a user would pick it) minus g's minimum.
 *
 * Each seed runs the same campaign three times (Sobol points: the same points in the same
 * order in each arm, and the same noise per trial and step): full runs, the percentile rule and
 * the median rule; 4 trials run side by side (each tick every running trial does one step).
 * Printed: the median final simple regret over the seeds and the total steps used, with the
 * ratios to the full runs. Target (issue 13): within 10 % of the full runs' median regret with
 * at most 60 % of their steps.
 *
 *   npm run bench:learning-curve [-- --seeds 100] [--trials 60] [--strategy SOBOL]
 *       [--min-progression 0] [--min-trials 5] [--percentile 50]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createCampaign, type CampaignSpec } from "../src/index.js";
import { createRng } from "../src/generators/rng.js";

const T = 50;
const NOISE = 0.1;
const PARALLEL = 4;
const HARTMANN3_MIN = -3.86278214782076;

const A = [
  [3, 10, 30],
  [0.1, 10, 35],
  [3, 10, 30],
  [0.1, 10, 35],
] as const;
const P = [
  [0.3689, 0.117, 0.2673],
  [0.4699, 0.4387, 0.747],
  [0.1091, 0.8732, 0.5547],
  [0.03815, 0.5743, 0.8828],
] as const;
const C = [1, 1.2, 3, 3.2] as const;

/** Hartmann-3 on [0, 1]^3. */
export function hartmann3(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 3; j++) inner += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
    s -= C[i]! * Math.exp(-inner);
  }
  return s;
}

/** The noise-free loss of configuration x at step t (1..T). */
export function curve(x: readonly number[], t: number): number {
  const b = 2 + Math.sin(2 * Math.PI * (x[0]! + x[1]! + x[2]!));
  const a = 0.3 + 0.9 * x[0]!;
  return hartmann3(x) + b * (t ** -a - T ** -a);
}

type Arm = "full" | "percentile" | "median";

interface ArmResult {
  regret: number;
  steps: number;
  stopped: number;
  /** The trials' points, to check that the arms evaluated the same ones. */
  points: string[];
}

export interface Options {
  /** Trials per campaign. */
  trials: number;
  /** The campaign's strategy (SOBOL: the same points in every arm). */
  strategy: string;
  minProgression: number;
  minTrials: number;
  percentile: number;
}

async function runArm(seed: number, arm: Arm, o: Options, root: string): Promise<ArmResult> {
  const spec: CampaignSpec = {
    name: `lc-${arm}-${seed}`,
    run_dir: root,
    parameters: ["x1", "x2", "x3"].map((name) => ({
      name,
      type: "range" as const,
      bounds: [0, 1] as [number, number],
    })),
    program: "unused",
    max_eval: o.trials,
    parallelism: PARALLEL,
    seed,
    strategy: o.strategy,
    ...(arm === "full"
      ? {}
      : {
          early_stopping: {
            strategy: arm,
            ...(arm === "percentile" ? { percentile: o.percentile } : {}),
            min_progression: o.minProgression,
            min_trials: o.minTrials,
          },
        }),
  };
  const session = await createCampaign(spec, { cwd: root });
  let steps = 0;
  let stopped = 0;
  const points: string[] = [];
  try {
    const running: { index: number; x: number[]; step: number }[] = [];
    let asked = 0;
    for (;;) {
      if (running.length < PARALLEL && asked < o.trials) {
        for (const t of await session.ask(PARALLEL - running.length)) {
          const p = t.parameters as Record<string, number>;
          running.push({ index: t.index, x: [p.x1!, p.x2!, p.x3!], step: 0 });
          points[t.index] = JSON.stringify(p);
          asked++;
        }
      }
      if (running.length === 0) break;
      // One tick: every running trial does one step, in trial order.
      for (const r of [...running]) {
        r.step++;
        steps++;
        const noise = createRng(seed, r.index, r.step).normal() * NOISE;
        const y = curve(r.x, r.step) + noise;
        let done = false;
        if (r.step === T) {
          session.tell(r.index, { values: { RESULT: y } });
          done = true;
        } else if (arm !== "full") {
          session.report(r.index, r.step, { RESULT: y });
          if (session.shouldStop(r.index)) {
            stopped++;
            done = true;
          }
        }
        if (done) running.splice(running.indexOf(r), 1);
      }
    }
    const best = session.best();
    if (best === null) throw new Error(`seed ${seed} ${arm}: no completed trial`);
    const p = best.trial.parameters as Record<string, number>;
    return {
      regret: hartmann3([p.x1!, p.x2!, p.x3!]) - HARTMANN3_MIN,
      steps,
      stopped,
      points,
    };
  } finally {
    await session.close();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs the three arms over `seeds` seeds and prints the table (also part of bench:optimizers). */
export async function learningCurveTable(seeds: number, o: Options): Promise<void> {
  const root = mkdtempSync(join("/dev/shm", "slurmopt-bench-lc-"));
  const arms: Arm[] = ["full", "percentile", "median"];
  const results = new Map<Arm, ArmResult[]>(arms.map((a) => [a, []]));
  const started = performance.now();
  try {
    for (let seed = 1; seed <= seeds; seed++)
      for (const arm of arms) results.get(arm)!.push(await runArm(seed, arm, o, root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const full = results.get("full")!;
  let samePoints = 0;
  for (const [i, f] of full.entries())
    if (arms.every((a) => results.get(a)![i]!.points.join() === f.points.join())) samePoints++;
  const fullRegret = median(full.map((r) => r.regret));
  const fullSteps = full.reduce((s, r) => s + r.steps, 0);
  console.log(
    `\nlearning-curve problem: Hartmann-3 asymptotes, power-law curves, T = ${T} steps, noise sd ${NOISE}; ` +
      `${o.trials} trials per campaign (${o.strategy}), ${PARALLEL} side by side, ${seeds} seeds; ` +
      `rules: min_progression ${o.minProgression}, min_trials ${o.minTrials}, percentile ${o.percentile}`,
  );
  console.log(
    "| arm | median final regret | regret / full | mean regret | seeds worse than full | total steps | steps / full | trials stopped | target met |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const arm of arms) {
    const rs = results.get(arm)!;
    const regret = median(rs.map((r) => r.regret));
    const steps = rs.reduce((s, r) => s + r.steps, 0);
    const stopped = rs.reduce((s, r) => s + r.stopped, 0);
    const regretRatio = regret / fullRegret;
    const stepRatio = steps / fullSteps;
    const met = arm === "full" ? "" : regretRatio <= 1.1 && stepRatio <= 0.6 ? "yes" : "no";
    const mean = rs.reduce((s, r) => s + r.regret, 0) / rs.length;
    // Paired by seed: how often this arm ended with a worse regret than the full runs.
    const worse = rs.filter((r, i) => r.regret > full[i]!.regret + 1e-12).length;
    console.log(
      `| ${arm} | ${regret.toFixed(4)} | ${regretRatio.toFixed(2)} | ${mean.toFixed(4)} | ` +
        `${arm === "full" ? "" : `${worse} of ${rs.length}`} | ${steps} | ${stepRatio.toFixed(2)} | ` +
        `${stopped} of ${rs.length * o.trials} | ${met} |`,
    );
  }
  console.log(`seeds whose three arms evaluated the same points: ${samePoints} of ${seeds}`);
  console.log(
    `${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      seeds: { type: "string", default: "100" },
      trials: { type: "string", default: "60" },
      strategy: { type: "string", default: "SOBOL" },
      "min-progression": { type: "string", default: "0" },
      "min-trials": { type: "string", default: "5" },
      percentile: { type: "string", default: "50" },
    },
  });
  await learningCurveTable(Number(values.seeds), {
    trials: Number(values.trials),
    strategy: values.strategy,
    minProgression: Number(values["min-progression"]),
    minTrials: Number(values["min-trials"]),
    percentile: Number(values.percentile),
  });
}
