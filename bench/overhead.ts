/**
 * npm run bench:overhead — controller overhead against a plain spawn loop, measured in one run.
 * 300 trials of /bin/sh -c 'echo RESULT: <x>' with parallelism 2 through the whole controller
 * (SQLite store, generator, local executor, result parsing, results.csv), and the same 300
 * commands through a bare child_process.spawn loop with the same parallelism.
 * Target: ratio at most 1.3x.
 *
 * The controller keeps what a campaign needs on disk: per trial it creates six file-system
 * entries (jobs/<trial>/<attempt>/ with attempt.sh, stdout, stderr, exit-status); the plain
 * loop creates none. Where creating files is slow (on this project's VM, creating a file on
 * the root ext4 costs tens to hundreds of microseconds of CPU, on its tmpfs a few), that cost
 * is the file system's, not the controller's. So the bench measures in two places and prints
 * both: "ram" (a tmpfs, /dev/shm, when there is one: the controller's own overhead, which the
 * target is about) and "disk" (os.tmpdir() or --dir: what a campaign there pays), each with
 * the time the same file-system work takes alone.
 *
 * Nothing is deleted until every measurement is done: on a file system mounted with online
 * discard (this project's VM), deleting thousands of files slows the file creations that
 * follow for many seconds, which a campaign, which deletes nothing, never meets.
 *
 * Usage: npm run bench:overhead [-- --trials 300 --repeat 5 --dir /path/on/your/run/fs]
 */
import { spawn } from "node:child_process";
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CampaignSession } from "../src/session/campaignSession.js";
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
const REPEAT = argOf("repeat", 5);
const dirArg = process.argv.indexOf("--dir");
const DISK_DIR = dirArg >= 0 ? process.argv[dirArg + 1]! : tmpdir();
/** Folders the bench made, removed once all measurements are done. */
const made: string[] = [];

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
  const session = await CampaignSession.create(campaign);
  const executor = new LocalExecutor();
  const status = await driveCampaign(session, { executor, logger: silentLogger() }).done;
  const ms = performance.now() - start;
  if (status.counts.COMPLETED !== TRIALS)
    throw new Error(`only ${status.counts.COMPLETED} trials completed`);
  const values = session.trials().map((t) => t.parameters.x as number);
  await session.close();
  await executor.close();
  return { ms, values };
}

/** Collects garbage before a timed section, so neither side pays for the other's heap. */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Microseconds of the file-system work the controller does per trial, done alone: two mkdir
 * (jobs/<trial>/<attempt>) and four files created in the new directory. Median of 5 x 200.
 */
function fsWorkMicros(dir: string): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const d = mkdtempSync(join(dir, "slurmopt-bench-files-"));
    made.push(d);
    const start = performance.now();
    for (let i = 0; i < 200; i++) {
      const attempt = join(d, String(i), "1");
      mkdirSync(attempt, { recursive: true });
      for (const f of ["attempt.sh", "stdout", "stderr", "exit-status"])
        closeSync(openSync(join(attempt, f), "a", 0o600));
    }
    runs.push(((performance.now() - start) * 1000) / 200);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

async function measure(place: string, dir: string): Promise<number> {
  const root = mkdtempSync(join(dir, "slurmopt-bench-overhead-"));
  made.push(root);
  console.log(
    `${place} (${dir}): a trial's file-system work alone (2 mkdir, 4 files) takes ${fsWorkMicros(dir).toFixed(0)} us here; ${REPEAT} rounds`,
  );
  // A warm-up round (not counted): both sides' code compiled, caches warm.
  const warm = await throughController(join(root, "warm-up"));
  await plainLoop(warm.values);
  const ratios: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    // Alternate which side goes first, so neither always meets the other's leftovers.
    const folder = join(root, String(r));
    let ctl: { ms: number; values: number[] };
    let plain: number;
    collect();
    if (r % 2 === 0) {
      ctl = await throughController(folder);
      collect();
      plain = await plainLoop(ctl.values);
    } else {
      plain = await plainLoop(warm.values);
      collect();
      ctl = await throughController(folder);
    }
    ratios.push(ctl.ms / plain);
    console.log(
      `  round ${r + 1}: controller ${ctl.ms.toFixed(0)} ms (${(ctl.ms / TRIALS).toFixed(2)} ms/trial), plain spawn loop ${plain.toFixed(0)} ms (${(plain / TRIALS).toFixed(2)} ms/trial), ratio ${(ctl.ms / plain).toFixed(2)}x`,
    );
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)]!;
}

function ramDir(): string | null {
  try {
    if (!statSync("/dev/shm").isDirectory()) return null;
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return null;
  }
}

console.log(`bench:overhead: ${TRIALS} trials, parallelism ${PARALLELISM}`);
const ram = ramDir();
let ramRatio: number | null = null;
let diskRatio: number;
try {
  ramRatio = ram ? await measure("ram", ram) : null;
  diskRatio = await measure("disk", DISK_DIR);
} finally {
  for (const d of made) rmSync(d, { recursive: true, force: true });
}
if (ramRatio !== null)
  console.log(
    `median ratio controller / plain loop, ram (controller overhead): ${ramRatio.toFixed(2)}x (target <= 1.30x)`,
  );
else console.log("no writable /dev/shm here: only the disk figure was measured");
console.log(
  `median ratio controller / plain loop, disk (${DISK_DIR}, with its file creation cost): ${diskRatio.toFixed(2)}x`,
);
