/**
 * npm run bench:overhead — controller overhead against a plain spawn loop, measured in one run.
 * 300 trials of /bin/sh -c 'echo RESULT: <x>' with parallelism 2 through the whole controller
 * (SQLite store, generator, local executor, result parsing, results.csv), and the same 300
 * commands through a bare child_process.spawn loop with the same parallelism.
 * Target: ratio at most 1.3x. Usage: npm run bench:overhead [-- --trials 300 --repeat 3]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCampaignRecord } from "../src/engine/campaignRecord.js";
import { driveCampaign } from "../src/engine/driveCampaign.js";
import { LocalExecutor } from "../src/executor/localExecutor.js";
import { silentLogger } from "../src/log/logger.js";
import { buildCampaign } from "../src/spec/buildCampaign.js";

const argOf = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRIALS = argOf("trials", 300);
const PARALLELISM = 2;
const REPEAT = argOf("repeat", 3);

async function plainLoop(values: readonly number[]): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) {
      const x = values[next++]!;
      await new Promise<void>((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", `echo RESULT: ${x}`], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("close", () => {
          if (!out.startsWith("RESULT:")) reject(new Error("no result"));
          else resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: PARALLELISM }, worker));
  return performance.now() - start;
}

async function throughController(root: string): Promise<{ ms: number; values: number[] }> {
  const campaign = buildCampaign(
    {
      name: "overhead",
      run_dir: root,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: TRIALS,
      parallelism: PARALLELISM,
      seed: 1,
      strategy: "SOBOL",
      executor: "local",
    },
    { cwd: root, warnings: { warn: () => undefined } },
  );
  const start = performance.now();
  const open = createCampaignRecord(campaign);
  const executor = new LocalExecutor();
  const status = await driveCampaign(open, { executor, logger: silentLogger() }).done;
  const ms = performance.now() - start;
  if (status.counts.COMPLETED !== TRIALS)
    throw new Error(`only ${status.counts.COMPLETED} trials completed`);
  const values = (
    open.db.prepare("SELECT params_json FROM trials").all() as { params_json: string }[]
  ).map((r) => (JSON.parse(r.params_json) as { x: number }).x);
  open.db.close();
  await executor.close();
  return { ms, values };
}

const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-overhead-"));
const ratios: number[] = [];
console.log(`bench:overhead: ${TRIALS} trials, parallelism ${PARALLELISM}, ${REPEAT} rounds`);
for (let r = 0; r < REPEAT; r++) {
  const ctl = await throughController(join(root, String(r)));
  const plain = await plainLoop(ctl.values);
  ratios.push(ctl.ms / plain);
  console.log(
    `round ${r + 1}: controller ${ctl.ms.toFixed(0)} ms (${(ctl.ms / TRIALS).toFixed(2)} ms/trial), plain spawn loop ${plain.toFixed(0)} ms (${(plain / TRIALS).toFixed(2)} ms/trial), ratio ${(ctl.ms / plain).toFixed(2)}x`,
  );
}
ratios.sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)]!;
console.log(`median ratio controller / plain loop: ${median.toFixed(2)}x (target <= 1.30x)`);
rmSync(root, { recursive: true, force: true });
