/**
 * Limits and faults of whole campaigns on the real cluster, through the CLI and its OmniOpt2
 * flags: time limit (--worker_timeout, in minutes), the signal before it
 * (--slurm_signal_delay_s), memory (--mem_gb), GPUs (--gpus), and a job cancelled from outside.
 * Registered in slurmCampaign.test.ts, where they run concurrently (Slurm enforces time limits
 * about once a minute).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { testDir } from "../../helpers/runCli.js";
import {
  FAST_POLL_SPEC,
  attemptFile,
  campaignDir,
  readAttempts,
  readCampaign,
  readTrials,
  runCampaign,
  sacctRows,
  sh,
  squeueOfName,
  uniqueName,
  waitFor,
  writeSpec,
} from "./campaignKit.js";

/** The test poll interval, as the spec sets it (FAST_POLL_SPEC's upper bound). */
const POLL_S = 2;

function baseSpec(name: string, program: string, over: Record<string, unknown> = {}) {
  return {
    name,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program,
    max_eval: 1,
    seed: 11,
    strategy: "SOBOL",
    executor: "slurm",
    slurm: FAST_POLL_SPEC,
    ...over,
  };
}

/** --worker_timeout 2, --slurm_signal_delay_s 30: USR1 30-90 s before the limit; graceful and stubborn programs. */
export async function signalBeforeLimit(): Promise<void> {
  const cwd = testDir("sc-signal");
  const name = uniqueName("signal");
  writeFileSync(
    join(cwd, "signal.sh"),
    `mode=$1
trap 'date +%s > "$SLURMOPT_ATTEMPT_DIR/signal-at"; if [ "$mode" = graceful ]; then echo "RESULT: 1"; exit 0; fi' USR1
date +%s > "$SLURMOPT_ATTEMPT_DIR/started-at"
while :; do sleep 1; done
`,
  );
  // Not a single command: the shell running it must survive the signal, the program gets it.
  writeSpec(
    cwd,
    baseSpec(name, "cd . && bash ./signal.sh %(mode)", {
      parameters: [{ name: "mode", type: "choice", values: ["graceful", "stubborn"] }],
      max_eval: 2,
      parallelism: 2,
      strategy: "FACTORIAL",
    }),
  );
  const r = await runCampaign(cwd, [
    "spec.json",
    "--worker_timeout",
    "2",
    "--slurm_signal_delay_s",
    "30",
  ]);
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  const trials = readTrials(dir);
  const attempts = readAttempts(dir);
  const rows = await sacctRows(readCampaign(dir).uid, 2);
  for (const [i, t] of trials.entries()) {
    const mode = (JSON.parse(t.params_json) as { mode: string }).mode;
    const a = attempts[i]!;
    if (mode === "graceful") {
      expect(t.state, t.reason ?? "").toBe("COMPLETED");
      expect(JSON.parse(t.results_json!)).toEqual({ RESULT: 1 });
    } else {
      expect(t.state).toBe("TIMEOUT");
      expect(t.reason).toMatch(/time limit/i);
    }
    const script = readFileSync(join(a.dir, "job.sbatch"), "utf8");
    expect(script).toContain("#SBATCH --time=00:02:00\n");
    expect(script).toContain("#SBATCH --signal=B:USR1@30\n");
    // Against the job's own start and limit as Slurm reports them.
    const row = rows.find((x) => x.jobId === `${a.job_id}_${a.array_task_id}`)!;
    expect(row.state).toBe(mode === "graceful" ? "COMPLETED" : "TIMEOUT");
    expect(row.timelimit).toBe("00:02:00");
    const jobStart = Math.floor(new Date(row.start).getTime() / 1000);
    const signalAt = Number(attemptFile(a.dir, "signal-at"));
    expect(signalAt).toBeGreaterThan(0);
    const beforeLimit = jobStart + 120 - signalAt;
    expect(beforeLimit).toBeGreaterThanOrEqual(30 - 2);
    expect(beforeLimit).toBeLessThanOrEqual(90 + POLL_S);
    expect(attemptFile(a.dir, "slurm.err")).toMatch(/received SIGUSR1 .* forwarding it/);
  }
}

/** --worker_timeout 1: a trial past its 1-minute limit is TIMEOUT, the other completes. */
export async function timeoutAtLimit(): Promise<void> {
  const cwd = testDir("sc-timeout");
  const name = uniqueName("timeout");
  writeSpec(
    cwd,
    baseSpec(name, 'case %(mode) in slow) echo begun; sleep 600 ;; *) echo "RESULT: 1" ;; esac', {
      parameters: [{ name: "mode", type: "choice", values: ["ok", "slow"] }],
      max_eval: 2,
      parallelism: 2,
      strategy: "FACTORIAL",
    }),
  );
  const r = await runCampaign(cwd, ["spec.json", "--worker_timeout", "1"]);
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  const trials = readTrials(dir);
  const mode = (t: { params_json: string }) => (JSON.parse(t.params_json) as { mode: string }).mode;
  const slow = trials.find((t) => mode(t) === "slow")!;
  const ok = trials.find((t) => mode(t) === "ok")!;
  expect(ok.state).toBe("COMPLETED");
  expect(slow.state).toBe("TIMEOUT");
  expect(slow.reason).toMatch(/time limit/i);
  expect(slow.end_time! - slow.start_time!).toBeGreaterThanOrEqual(59_000);
  const rows = await sacctRows(readCampaign(dir).uid, 2);
  expect(rows.map((x) => x.state).sort()).toEqual(["COMPLETED", "TIMEOUT"]);
  for (const x of rows) expect(x.timelimit).toBe("00:01:00");
}

/** scancel from outside: CANCELLED, and the campaign goes on. */
export async function cancelledFromOutside(): Promise<void> {
  const cwd = testDir("sc-scancel");
  const name = uniqueName("scancel");
  writeFileSync(
    join(cwd, "prog.sh"),
    `if [ "$SLURMOPT_TRIAL_INDEX" = 0 ]; then sleep 600; fi
echo "RESULT: $1"
`,
  );
  writeSpec(cwd, baseSpec(name, "bash ./prog.sh %(x)", { max_eval: 3 }));
  const run = runCampaign(cwd, ["spec.json"]);
  const running = await waitFor(
    "trial 0 running",
    async () => (await squeueOfName(name)).find((j) => j.state === "RUNNING"),
    90_000,
  );
  const cancelledAt = Date.now();
  await sh("scancel", [running.key]);
  const r = await run;
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  expect(readCampaign(dir).state).toBe("COMPLETED");
  const trials = readTrials(dir);
  expect(trials.map((t) => t.state)).toEqual(["CANCELLED", "COMPLETED", "COMPLETED"]);
  expect(trials[0]!.reason).toMatch(/cancelled/i);
  // The campaign went on after the cancel: the other trials were proposed after it.
  const attempts = readAttempts(dir);
  expect(attempts).toHaveLength(3);
  expect(attempts[0]!.fault).toBe("CANCELLED");
  expect(attempts[0]!.job_id).toBe(running.key);
  for (const t of trials.slice(1)) expect(t.start_time!).toBeGreaterThan(cancelledAt - 1000);
  const rows = await sacctRows(readCampaign(dir).uid, 3);
  expect(rows.find((x) => x.jobId === running.key)!.state).toMatch(/^CANCELLED/);
}

/** A small --mem_gb: FAILED with an out-of-memory reason. */
export async function outOfMemory(): Promise<void> {
  const cwd = testDir("sc-oom");
  const name = uniqueName("oom");
  writeFileSync(
    join(cwd, "hog.py"),
    `import time
a = bytearray(400 * 1024 * 1024)
for i in range(0, len(a), 4096):
  a[i] = 1
time.sleep(30)
print("RESULT: 1")
`,
  );
  writeSpec(cwd, baseSpec(name, "python3 hog.py %(x)"));
  const r = await runCampaign(cwd, ["spec.json", "--mem_gb", "0.1"]);
  // Its only trial failed: every ended trial failed, so the run exits 89 as OmniOpt2's does.
  expect(r.code, r.stderr).toBe(89);
  const dir = campaignDir(cwd, name);
  const [t] = readTrials(dir);
  expect(t!.state).toBe("FAILED");
  expect(t!.reason).toMatch(/out of memory/i);
  expect(t!.reason).toMatch(/memory limit/i);
  expect(t!.results_json).toBeNull();
  const [a] = readAttempts(dir);
  expect(a!.fault).toBe("OUT_OF_MEMORY");
  expect(readFileSync(join(a!.dir, "job.sbatch"), "utf8")).toContain("#SBATCH --mem=103M\n");
}

/** --gpus 1: scheduled against the 2 GPUs of the GRES (CUDA_VISIBLE_DEVICES, never three at once). */
export async function gpusAgainstGres(): Promise<void> {
  const cwd = testDir("sc-gpu");
  const name = uniqueName("gpu");
  writeFileSync(
    join(cwd, "gpu.sh"),
    `echo "CVD=$CUDA_VISIBLE_DEVICES start=$(date +%s.%N)"
sleep 8
echo "end=$(date +%s.%N)"
echo "RESULT: $1"
`,
  );
  writeSpec(cwd, baseSpec(name, "bash ./gpu.sh %(x)", { max_eval: 3, parallelism: 3 }));
  const r = await runCampaign(cwd, ["spec.json", "--gpus", "1"]);
  expect(r.code, r.stderr).toBe(0);
  const dir = campaignDir(cwd, name);
  expect(readTrials(dir).map((t) => t.state)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
  const runs = readAttempts(dir).map((a) => {
    const out = attemptFile(a.dir, "stdout") ?? "";
    expect(out).toMatch(/^CVD=[01] start=/);
    return {
      gpu: /CVD=(\d)/.exec(out)![1]!,
      start: Number(/start=([\d.]+)/.exec(out)![1]),
      end: Number(/end=([\d.]+)/.exec(out)![1]),
      script: readFileSync(join(a.dir, "job.sbatch"), "utf8"),
    };
  });
  for (const x of runs) expect(x.script).toContain("#SBATCH --gres=gpu:1\n");
  // Two trials that ran at the same time had different GPUs; the third had to wait.
  for (const [i, a] of runs.entries()) {
    for (const b of runs.slice(i + 1)) {
      if (a.start < b.end && b.start < a.end) expect(a.gpu).not.toBe(b.gpu);
    }
  }
  const latest = Math.max(...runs.map((x) => x.start));
  expect(runs.filter((x) => x.end <= latest + 0.5)).not.toHaveLength(0);
  const rows = await sacctRows(readCampaign(dir).uid, 3);
  for (const x of rows) expect(x.allocTres).toMatch(/gres\/gpu=1/);
}
