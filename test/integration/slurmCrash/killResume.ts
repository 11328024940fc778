/**
 * A 40-trial Slurm campaign whose controller is SIGKILLed at random instants and resumed each
 * time. The seed of the instants is logged; SLURMOPT_KILL_SEED=<seed> replays them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { runCli, testDir } from "../../helpers/runCli.js";
import {
  POLL_FLOOR_MS,
  campaignUid,
  mulberry32,
  perTrialProblems,
  rememberCampaign,
  runCounts,
  settledSacctRows,
  startCli,
  storedTrials,
  writeSlurmSpec,
} from "./slurmCrashKit.js";

/** SLURMOPT_KILL_COUNT=<n> kills more often (a longer stress run). */
export const KILLS = Number(process.env.SLURMOPT_KILL_COUNT ?? 12);
const MIN_KILLS = Math.min(KILLS, 10);

export async function killAndResume(): Promise<void> {
  const seed = Number(process.env.SLURMOPT_KILL_SEED ?? Date.now() % 100000);
  console.log(`kill-and-resume (slurm): seed ${seed} (SLURMOPT_KILL_SEED=${seed} replays it)`);
  const rand = mulberry32(seed);
  const cwd = testDir("slurmkill");
  const spec = writeSlurmSpec(cwd, "skr", {
    maxEval: 40,
    parallelism: 4,
    sleep: "$((SLURMOPT_TRIAL_INDEX % 3 + 1))",
  });
  const dir = join(cwd, "runs", "skr", "0");
  const instants: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const child = startCli(k === 0 ? ["run", spec, "--quiet"] : ["resume", dir, "--quiet"], cwd);
    if (k === 0) {
      // The first kill comes once the campaign folder exists (there is nothing to resume before).
      while (!existsSync(join(dir, "campaign.db"))) await sleep(20);
      rememberCampaign(campaignUid(dir));
    }
    const ms = Math.round(500 + rand() * 4000);
    instants.push(ms);
    const ended = await Promise.race([child.ended.then(() => true), sleep(ms).then(() => false)]);
    if (ended) {
      // The campaign completed before this kill: fine only after the kills the test promises.
      expect(k, `controller ${k} ended before its kill (seed ${seed}): ${child.stderr()}`).toBe(
        Math.max(k, MIN_KILLS),
      );
      instants.pop();
      break;
    }
    await child.kill();
  }
  console.log(`${instants.length} kills, at (ms after each start): ${instants.join(", ")}`);
  const final = await runCli(["resume", dir, "--quiet"], {
    cwd,
    env: { SLURMOPT_POLL_FLOOR_MS: POLL_FLOOR_MS },
    timeoutMs: 240_000,
  });
  expect(final.code, final.stderr).toBe(0);
  const trials = storedTrials(dir);
  expect(trials).toHaveLength(40);
  expect(
    trials.filter((t) => t.state !== "COMPLETED" || t.attempts !== 1),
    `seed ${seed}`,
  ).toEqual([]);
  const counts = runCounts(cwd);
  expect(counts.size, `seed ${seed}`).toBe(40);
  for (const [trial, n] of counts)
    expect(n, `trial ${trial} ran ${n} times (seed ${seed})`).toBe(1);
  expect(perTrialProblems(await settledSacctRows(dir), 40), `seed ${seed}`).toEqual([]);
}
