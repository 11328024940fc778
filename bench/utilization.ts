/**
 * npm run bench:utilization — how busy a campaign keeps its Slurm slots, on the single-node
 * test cluster (scripts/slurm-cluster.sh up). Two workloads with parallelism 4 and Sobol:
 * 16 trials sleeping 30-70 s and 24 trials sleeping 4-12 s, each run twice in the same bench:
 * "ahead" (the default: a trial is queued behind each running job with --dependency=afterany,
 * so Slurm starts it when that job ends), "now" (submit-ahead off: the end is learned from the
 * attempt's exit-status file about once a second, then the next trial is submitted; the
 * baseline) and, with --modes, "squeue" (also no exit-status watch: Slurm's answers alone). The
 * poll settings are the spec's defaults (5 s, growing 1.5x per quiet cycle to 60 s).
 *
 * Measured from each trial's own clock (the program prints `date +%s.%N` before and after its
 * sleep): slot utilization = sum of run times / (parallelism x wall time), the wall time from
 * the first trial's start to the last one's end; refill gap k = the (4+k)-th start minus the
 * k-th end (the slot the k-th finished trial freed gets the next trial to start); squeue calls
 * per minute of the campaign (counted at the transport). Every job is cancelled at the end.
 * Two more columns separate the refills from the ramp-down that no refill can remove: the
 * utilization the same run times would reach with zero gaps (each trial, in start order, on the
 * slot that frees first), and the utilization while trials are left to start (from the first
 * start to the last start, run times clipped to that window).
 *
 *   npm run bench:utilization [-- --only short|long] [--modes ahead,now,squeue]
 *
 * The target verdicts are printed for the first mode listed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CampaignSession } from "../src/session/campaignSession.js";
import { driveCampaign } from "../src/engine/driveCampaign.js";
import { silentLogger } from "../src/log/logger.js";
import { SlurmExecutor } from "../src/slurm/slurmExecutor.js";
import { buildCampaign } from "../src/spec/buildCampaign.js";
import { LocalTransport } from "../src/transport/localTransport.js";
import type { RunOptions, RunResult, Transport } from "../src/transport/transport.js";
import { windowUtilization, zeroGapUtilization } from "./utilizationMeasures.js";

const sh = promisify(execFile);
const PARALLELISM = 4;

interface Workload {
  readonly key: "long" | "short";
  readonly trials: number;
  readonly low: number;
  readonly high: number;
  readonly target: number;
}

const WORKLOADS: readonly Workload[] = [
  { key: "long", trials: 16, low: 30, high: 70, target: 0.95 },
  { key: "short", trials: 24, low: 4, high: 12, target: 0.85 },
];

function option(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

/** The local transport, counting the Slurm commands it runs. */
class CountingTransport extends LocalTransport implements Transport {
  readonly calls = new Map<string, number>();
  override run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    const cmd = argv[0] ?? "";
    this.calls.set(cmd, (this.calls.get(cmd) ?? 0) + 1);
    return super.run(argv, options);
  }
}

interface Measured {
  /** Median of: a trial's end to the next trial's sbatch; that sbatch to its program's start. */
  toSubmitS: number;
  toStartS: number;
  utilization: number;
  /** Busy share of the slots from the first start to the last start (trials left to start). */
  steady: number;
  /** The utilization the same run times would give with zero gaps (the ramp-down bound). */
  zeroGap: number;
  medianGapS: number;
  maxGapS: number;
  squeuePerMin: number;
  wallS: number;
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Each finished trial's own start and end (seconds), from the TIMES line of its stdout. */
function trialTimes(dir: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const jobs = join(dir, "jobs");
  for (const trial of readdirSync(jobs)) {
    for (const attempt of readdirSync(join(jobs, trial))) {
      const text = readFileSync(join(jobs, trial, attempt, "stdout"), "utf8");
      const m = /TIMES: (\S+) (\S+)/.exec(text);
      if (m) out.push({ start: Number(m[1]), end: Number(m[2]) });
    }
  }
  return out;
}

type Mode = "ahead" | "now" | "squeue";

const MODE_LABEL: Record<Mode, string> = {
  ahead: "queued behind running jobs (submit-ahead, now)",
  now: "exit-status file, submitted on end",
  squeue: "squeue/sacct only, submitted on end",
};

async function run(w: Workload, mode: Mode, root: string): Promise<Measured> {
  const watch = mode !== "squeue";
  const name = `bench-util-${w.key}-${mode}-${process.pid}`;
  const campaign = buildCampaign(
    {
      name,
      run_dir: root,
      parameters: [{ name: "x", type: "range", bounds: [w.low, w.high] }],
      program:
        's=$(date +%s.%N); sleep %(x); e=$(date +%s.%N); echo "RESULT: %(x)"; echo "TIMES: $s $e"',
      max_eval: w.trials,
      parallelism: PARALLELISM,
      seed: 7,
      strategy: "SOBOL",
      executor: "slurm",
      slurm: { time: "5m", submit_ahead: mode === "ahead" ? "auto" : 0 },
    },
    { cwd: root, warnings: { warn: () => undefined } },
  );
  const open = await CampaignSession.create(campaign);
  const transport = new CountingTransport();
  const executor = new SlurmExecutor({
    transport,
    settings: campaign.slurm,
    throttle: campaign.parallelism,
    ...(watch ? {} : { exitStatusWatchMs: 0 }),
  });
  const t0 = Date.now();
  let submits: number[] = [];
  try {
    const status = await driveCampaign(open, { executor, logger: silentLogger() }).done;
    if (status.counts.COMPLETED !== w.trials)
      throw new Error(`${name}: only ${status.counts.COMPLETED} of ${w.trials} trials completed`);
    submits = (
      open.db.prepare("SELECT submit_time FROM attempts ORDER BY submit_time").all() as {
        submit_time: number;
      }[]
    ).map((r) => r.submit_time / 1000);
  } finally {
    // Job names start with the campaign name: cancel whatever is left of them.
    const left = await sh("squeue", ["-h", "--me", "-o", "%i %j"]).catch(() => ({ stdout: "" }));
    const ids = left.stdout
      .split("\n")
      .filter((l) => l.split(" ")[1]?.startsWith(name))
      .map((l) => l.split(" ")[0]!);
    if (ids.length > 0) await sh("scancel", ids).catch(() => undefined);
    await open.close();
    await executor.close();
  }
  const campaignMinutes = (Date.now() - t0) / 60_000;
  const times = trialTimes(open.dir);
  const starts = times.map((t) => t.start).sort((a, b) => a - b);
  const ends = times.map((t) => t.end).sort((a, b) => a - b);
  const wall = ends.at(-1)! - starts[0]!;
  const busy = times.reduce((s, t) => s + (t.end - t.start), 0);
  const gaps: number[] = [];
  const toSubmit: number[] = [];
  const toStart: number[] = [];
  for (let k = 0; k + PARALLELISM < starts.length; k++) {
    gaps.push(starts[k + PARALLELISM]! - ends[k]!);
    toSubmit.push(submits[k + PARALLELISM]! - ends[k]!);
    toStart.push(starts[k + PARALLELISM]! - submits[k + PARALLELISM]!);
  }
  return {
    toSubmitS: median(toSubmit),
    toStartS: median(toStart),
    utilization: busy / (PARALLELISM * wall),
    steady: windowUtilization(times, PARALLELISM, starts[0]!, starts.at(-1)!),
    zeroGap: zeroGapUtilization(
      [...times].sort((a, b) => a.start - b.start).map((t) => t.end - t.start),
      PARALLELISM,
    ),
    medianGapS: median(gaps),
    maxGapS: Math.max(...gaps),
    squeuePerMin: (transport.calls.get("squeue") ?? 0) / campaignMinutes,
    wallS: wall,
  };
}

const only = option("only");
const modes = (option("modes") ?? "ahead,now").split(",").map((m) => {
  if (m !== "ahead" && m !== "now" && m !== "squeue")
    throw new Error(`--modes: unknown mode ${m} (ahead, now, squeue)`);
  return m;
});
const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-util-"));
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `bench:utilization: parallelism ${PARALLELISM}, Sobol, load average at start ${load}\n`,
);
console.log(
  "| trials | end learned from | slot utilization | with zero gaps | while trials are left to start | median refill gap (end to sbatch + sbatch to start) | longest gap | squeue calls / min | wall |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
const verdicts: string[] = [];
try {
  for (const w of WORKLOADS) {
    if (only !== null && only !== w.key) continue;
    for (const mode of modes) {
      const m = await run(w, mode, root);
      console.log(
        `| ${w.trials} x ${w.low}-${w.high} s | ${MODE_LABEL[mode]} | ${(100 * m.utilization).toFixed(1)}% | ${(100 * m.zeroGap).toFixed(1)}% | ${(100 * m.steady).toFixed(1)}% | ${m.medianGapS.toFixed(2)} s (${m.toSubmitS.toFixed(2)} + ${m.toStartS.toFixed(2)}) | ${m.maxGapS.toFixed(2)} s | ${m.squeuePerMin.toFixed(1)} | ${m.wallS.toFixed(0)} s |`,
      );
      if (mode === modes[0])
        verdicts.push(
          `${w.trials} x ${w.low}-${w.high} s: utilization ${(100 * m.utilization).toFixed(1)}% (target >= ${100 * w.target}%): ${m.utilization >= w.target ? "met" : "NOT met"} (${(100 * m.zeroGap).toFixed(1)}% with zero gaps; ${(100 * m.steady).toFixed(1)}% while trials are left to start); median gap ${m.medianGapS.toFixed(2)} s (target <= 1.5 s): ${m.medianGapS <= 1.5 ? "met" : "NOT met"}`,
        );
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`\n${verdicts.join("\n")}`);
