/**
 * slurmopt as a library: a campaign created from a spec object, optimized in this process by
 * `optimize()` (ask, evaluate, tell), on the Branin function. The campaign folder it writes
 * (runs/branin/<N>/campaign.db) is the same one `slurmopt status` shows and `slurmopt resume`
 * continues.
 *
 *   npm install && npm run build && npm start [runs-folder]
 */
import { createCampaign, optimize, type Parameters } from "slurmopt";

/** Branin's global minimum (at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475)). */
const BRANIN_MIN = 0.397887;

function branin(p: Parameters): number {
  const { x, y } = p;
  if (typeof x !== "number" || typeof y !== "number")
    throw new Error(`x and y must be numbers, got ${JSON.stringify(p)}`);
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

const session = await createCampaign({
  name: "branin",
  run_dir: process.argv[2] ?? "runs",
  parameters: [
    { name: "x", type: "range", bounds: [-5, 10] },
    { name: "y", type: "range", bounds: [0, 15] },
  ],
  objectives: { RESULT: "min" },
  // Trials are evaluated here; `slurmopt run`/`resume` would run this command instead.
  program: "unused",
  max_eval: 40,
  parallelism: 2,
  seed: 1,
});
try {
  // An async function: each evaluation could be a remote job, a simulation, a training run.
  const best = await optimize(session, async (p) => branin(p), { budget: 40 });
  if (best === null) throw new Error("no trial completed");
  const value = best.trial.values.RESULT ?? NaN;
  const summary = {
    dir: session.dir,
    evaluations: session.trials().length,
    best: { parameters: best.trial.parameters, RESULT: value },
    regret: value - BRANIN_MIN,
  };
  console.log(JSON.stringify(summary));
} finally {
  await session.close();
}
