/**
 * npm run bench:slurm — submitting trials to the real cluster (scripts/slurm-cluster.sh up),
 * measured in one run: 200 trivial trials (echo RESULT: 1)
 *   1. as ONE job array through the Slurm executor (one sbatch; what slurmopt does),
 *   2. one sbatch per trial through the same executor (its 200 ms pause between two sbatch
 *      calls, as submitit, included),
 *   3. one sbatch per trial through the executor without that pause,
 *   4. a plain shell loop of `sbatch --wrap` calls,
 * each with its submission time and its time until every job finished (the executor modes poll
 * once a second; the loop asks squeue once a second). Modes run one after the other, so they
 * do not share the cluster. Prints the ratios. Target: submission at least 10x faster with
 * arrays than one sbatch per trial. Every job is cancelled at the end (also on Ctrl-C).
 * Usage: npm run bench:slurm [-- --trials 200]
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { AttemptToRun } from "../src/executor/executor.js";
import { SlurmExecutor } from "../src/slurm/slurmExecutor.js";
import type { SlurmSettings } from "../src/spec/campaign.js";
import { LocalTransport } from "../src/transport/localTransport.js";
import { slurmSettings } from "../test/integration/slurm/slurmTestKit.js";

const sh = promisify(execFile);
const argOf = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRIALS = argOf("trials", 200);
const POLL_MS = 1000;
const FINISH_TIMEOUT_MS = 15 * 60_000;
const uid = randomBytes(4).toString("hex");
const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-slurm-"));
/** Every job id this benchmark submitted, cancelled at the end. */
const submitted = new Set<string>();

const settings: SlurmSettings = slurmSettings({
  timeSeconds: 300,
  maxPollIntervalSeconds: 1,
  maxRetries: 0,
  outputGraceSeconds: 30,
});

interface Measured {
  mode: string;
  sbatchCalls: number;
  submitMs: number;
  allDoneMs: number;
}

function attempts(mode: string, sharedName: boolean): AttemptToRun[] {
  const dir = join(root, mode);
  return Array.from({ length: TRIALS }, (_, i) => ({
    attemptId: i + 1,
    trialId: i + 1,
    trialIndex: i,
    attemptNo: 1,
    campaignUid: uid,
    campaignName: "bench",
    jobName: `bench-${uid}-${mode}-t${sharedName ? 0 : i}a1`,
    command: "echo RESULT: 1",
    env: {},
    workdir: root,
    dir: join(dir, "jobs", String(i), "1"),
    timeoutMs: null,
  }));
}

/** Through the Slurm executor: one submit() of the whole batch, or one per trial. */
async function throughExecutor(
  mode: string,
  oneArray: boolean,
  sbatchGapMs?: number,
): Promise<Measured> {
  const ex = new SlurmExecutor({
    transport: new LocalTransport(),
    settings,
    throttle: null,
    pollFloorMs: POLL_MS,
    pollIntervalMs: POLL_MS,
    maxPollIntervalMs: POLL_MS,
    lostGraceMs: 120_000,
    ...(sbatchGapMs !== undefined ? { sbatchGapMs } : {}),
  });
  const batch = attempts(mode, oneArray);
  await ex.preflight(settings);
  const start = performance.now();
  if (oneArray) {
    for (const r of await ex.submit(batch)) if (r.jobId) submitted.add(r.jobId);
  } else {
    for (const a of batch)
      for (const r of await ex.submit([a])) if (r.jobId) submitted.add(r.jobId);
  }
  const submitMs = performance.now() - start;
  const finished = new Set<number>();
  let failed = 0;
  while (finished.size < batch.length) {
    if (performance.now() - start > FINISH_TIMEOUT_MS)
      throw new Error(`${mode}: ${batch.length - finished.size} jobs did not finish in time`);
    for (const e of await ex.poll()) {
      if (e.type !== "finished") continue;
      finished.add(e.attemptId);
      if (e.result.exitCode !== 0 || e.result.stdout !== "RESULT: 1\n") failed++;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (failed > 0) throw new Error(`${mode}: ${failed} trials did not print their result`);
  await ex.close();
  return {
    mode,
    sbatchCalls: ex.commands.calls.sbatch,
    submitMs,
    allDoneMs: performance.now() - start,
  };
}

/** A bare shell loop: one `sbatch --wrap` per trial, then squeue once a second until empty. */
async function shellLoop(): Promise<Measured> {
  const mode = "shell-loop";
  const dir = join(root, mode);
  mkdirSync(dir, { recursive: true });
  const name = `bench-${uid}-${mode}`;
  const script = join(dir, "loop.sh");
  writeFileSync(
    script,
    `for i in $(seq 1 ${TRIALS}); do
  sbatch --parsable --job-name=${name} --time=5 --mem=100M --output=${dir}/out-%j --wrap='echo RESULT: 1' || exit 1
done
`,
  );
  const start = performance.now();
  const r = await sh("bash", [script], { maxBuffer: 1 << 20 });
  const submitMs = performance.now() - start;
  for (const id of r.stdout.split("\n").filter(Boolean)) submitted.add(id.split(";")[0]!);
  for (;;) {
    if (performance.now() - start > FINISH_TIMEOUT_MS)
      throw new Error(`${mode}: jobs did not finish in time`);
    const q = await sh("squeue", ["--me", "--noheader", `--name=${name}`, "--format=%i"]);
    if (q.stdout.trim() === "") break;
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  return { mode, sbatchCalls: TRIALS, submitMs, allDoneMs: performance.now() - start };
}

async function cleanUp(): Promise<void> {
  const ids = [...submitted];
  for (let i = 0; i < ids.length; i += 200)
    await sh("scancel", ids.slice(i, i + 200)).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}

const fmt = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  try {
    await sh("sinfo", ["--noheader"]);
  } catch {
    console.error("bench:slurm needs the test cluster: sudo bash scripts/slurm-cluster.sh up");
    process.exitCode = 1;
    return;
  }
  console.log(`bench:slurm: ${TRIALS} trivial trials per mode, one mode after the other (${root})`);
  const results: Measured[] = [];
  const run = async (m: () => Promise<Measured>): Promise<Measured> => {
    const r = await m();
    results.push(r);
    console.log(
      `  ${r.mode}: ${r.sbatchCalls} sbatch call(s), submitted in ${fmt(r.submitMs)}, all finished after ${fmt(r.allDoneMs)}`,
    );
    return r;
  };
  const array = await run(() => throughExecutor("array", true));
  const perTrial = await run(() => throughExecutor("per-trial", false));
  const perTrialNoGap = await run(() => throughExecutor("per-trial-no-gap", false, 0));
  const loop = await run(shellLoop);

  console.log("");
  console.log(
    "| mode | sbatch calls | submission | all finished | submission vs array | all finished vs array |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.mode} | ${r.sbatchCalls} | ${fmt(r.submitMs)} | ${fmt(r.allDoneMs)} | ${(r.submitMs / array.submitMs).toFixed(1)}x | ${(r.allDoneMs / array.allDoneMs).toFixed(2)}x |`,
    );
  }
  const ratio = perTrial.submitMs / array.submitMs;
  console.log("");
  console.log(
    `submission, one sbatch per trial / one job array: ${ratio.toFixed(1)}x (target >= 10x: ${ratio >= 10 ? "met" : "NOT met"}); without the 200 ms pause ${(perTrialNoGap.submitMs / array.submitMs).toFixed(1)}x; shell loop ${(loop.submitMs / array.submitMs).toFixed(1)}x`,
  );
  if (ratio < 10) process.exitCode = 1;
}

let cleaning: Promise<void> | null = null;
const finish = (): Promise<void> => (cleaning ??= cleanUp());
process.on("SIGINT", () => {
  void finish().then(() => process.exit(130));
});
main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => finish());
