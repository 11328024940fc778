/**
 * npm run bench:daemon — the login-node daemon on the test cluster (scripts/slurm-cluster.sh up),
 * three measurements, each against a baseline measured in the same run:
 *
 * 1. squeue per poll cycle: C campaigns (default 20) of T trials (default 100) at parallelism P
 *    (default 10) driven by ONE daemon, against the same campaigns each driven by its own daemon
 *    instance (one executor each: what C foreground controllers do). squeue is counted through a
 *    wrapper on PATH; poll cycles are the executors' own count.
 * 2. The daemon's CPU per poll cycle (this process: the daemon runs in it) with J jobs known to
 *    it (default 5,000: 10 campaigns of J/10 trials, all submitted held with
 *    slurm.extra_directives ["--hold"], as job arrays), against J/100 jobs. Target: under 1 s.
 * 3. Proposal isolation: the refill gaps (a slot's end to the next submission) of F campaigns
 *    (default 3) with and without one more campaign whose external generator takes S s per call
 *    (default 30). Target: they grow by less than one poll interval.
 *
 * The phases run one after the other; every job is cancelled at the end (also on Ctrl-C).
 * Usage: npm run bench:daemon [-- --campaigns 20 --trials 100 --parallelism 10 --jobs 5000
 *   --gen-seconds 30 --only squeue,cpu,isolation]
 */
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Daemon } from "../src/daemon/daemon.js";
import { DEFAULT_CONFIG } from "../src/daemon/daemonConfig.js";
import type { CampaignSummary } from "../src/daemon/protocol.js";
import { daemonPaths } from "../src/daemon/statePaths.js";
import { createCampaignRecord } from "../src/engine/campaignRecord.js";
import { silentLogger } from "../src/log/logger.js";
import { buildCampaign } from "../src/spec/buildCampaign.js";
import { ManualCronDriver } from "../test/helpers/manualCron.js";

const sh = promisify(execFile);
const argOf = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const onlyArg = process.argv.indexOf("--only");
const ONLY = new Set(
  onlyArg >= 0 ? process.argv[onlyArg + 1]!.split(",") : ["squeue", "cpu", "isolation"],
);
const CAMPAIGNS = argOf("campaigns", 20);
const TRIALS = argOf("trials", 100);
const PARALLELISM = argOf("parallelism", 10);
const JOBS = argOf("jobs", 5000);
const GEN_SECONDS = argOf("gen-seconds", 30);
const FAST = argOf("fast", 3);
const POLL_S = 1;
const run = randomBytes(3).toString("hex");
const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-daemon-"));
const daemons: Daemon[] = [];

/** A campaign of sleeping trials on the cluster (names start with bd<run>, for the clean-up). */
function spec(name: string, o: Record<string, unknown>): Record<string, unknown> {
  return {
    name: `bd${run}-${name}`,
    parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
    program: `sleep 1; echo "RESULT: %(x)"`,
    max_eval: TRIALS,
    parallelism: PARALLELISM,
    seed: 1,
    strategy: "SOBOL",
    executor: "slurm",
    ...o,
    slurm: {
      mem: "50M",
      poll_interval: POLL_S,
      max_poll_interval: POLL_S,
      output_grace: 10,
      ...(o.slurm as Record<string, unknown> | undefined),
    },
  };
}

async function newDaemon(what: string): Promise<Daemon> {
  const home = join(root, what, "home");
  mkdirSync(home, { recursive: true });
  const d = new Daemon({
    paths: daemonPaths({ SLURMOPT_HOME: home, XDG_RUNTIME_DIR: "" }),
    logger: silentLogger(),
    cron: new ManualCronDriver(new Date()),
    config: { ...DEFAULT_CONFIG, dashboard: null },
    version: "bench",
  });
  daemons.push(d);
  await d.start();
  return d;
}

/** Creates the campaign's folder (as `slurmopt submit` does) and hands it to the daemon. */
async function handOver(d: Daemon, raw: Record<string, unknown>, cwd: string): Promise<string> {
  mkdirSync(cwd, { recursive: true });
  const open = createCampaignRecord(buildCampaign(raw, { cwd, warnings: { warn: () => {} } }));
  open.db.close();
  await d.adopt(open.dir);
  return open.dir;
}

async function until(ok: () => boolean, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const ended = (d: Daemon): boolean => d.list().every((c) => c.daemonState !== "driving");
const pollCycles = (d: Daemon): number => d.status().clusters.reduce((a, c) => a + c.pollCycles, 0);

function checkCompleted(list: CampaignSummary[]): void {
  for (const c of list)
    if (c.state !== "COMPLETED") throw new Error(`${c.name}: ${c.state} (${c.lastError ?? ""})`);
}

/** Phase 1: one daemon for all campaigns against one daemon per campaign. */
async function squeuePerCycle(): Promise<void> {
  const bin = join(root, "wrapper");
  mkdirSync(bin);
  const real = (await sh("sh", ["-c", "command -v squeue"])).stdout.trim();
  writeFileSync(
    join(bin, "squeue"),
    `#!/bin/sh\necho x >> "$SLURMOPT_BENCH_SQUEUE_LOG"\nexec '${real}' "$@"\n`,
  );
  chmodSync(join(bin, "squeue"), 0o755);
  const path = process.env.PATH ?? "";
  process.env.PATH = `${bin}:${path}`;
  const rows: { mode: string; squeue: number; cycles: number; seconds: number }[] = [];
  for (const mode of ["one daemon", "one daemon per campaign"]) {
    const log = join(root, `squeue-${rows.length}.log`);
    writeFileSync(log, "");
    process.env.SLURMOPT_BENCH_SQUEUE_LOG = log;
    const shared = mode === "one daemon";
    const ds = shared ? [await newDaemon("shared")] : [];
    const start = performance.now();
    for (let i = 0; i < CAMPAIGNS; i++) {
      const d = shared ? ds[0]! : await newDaemon(`own${i}`);
      if (!shared) ds.push(d);
      await handOver(d, spec(`q${rows.length}c${i}`, {}), join(root, `q${rows.length}`, `c${i}`));
    }
    await until(() => ds.every(ended), `${mode}: the campaigns' end`);
    const seconds = (performance.now() - start) / 1000;
    for (const d of ds) checkCompleted(d.list());
    const cycles = ds.reduce((a, d) => a + pollCycles(d), 0);
    for (const d of ds) await d.stop();
    const squeue = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    rows.push({ mode, squeue, cycles, seconds });
    console.log(
      `  ${mode}: ${squeue} squeue calls, ${cycles} poll cycles, ${seconds.toFixed(1)} s (${(squeue / seconds).toFixed(2)} squeue/s)`,
    );
  }
  process.env.PATH = path;
  const [one, many] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log("");
  console.log(
    `| ${CAMPAIGNS} campaigns x ${TRIALS} trials, parallelism ${PARALLELISM} | squeue calls | executor poll cycles | squeue per cycle | wall time | squeue per second |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of rows)
    console.log(
      `| ${r.mode} | ${r.squeue} | ${r.cycles} | ${(r.squeue / r.cycles).toFixed(2)} | ${r.seconds.toFixed(1)} s | ${(r.squeue / r.seconds).toFixed(2)} |`,
    );
  const ratio = many.squeue / many.seconds / (one.squeue / one.seconds);
  console.log(
    `squeue per second, one daemon per campaign / one daemon: ${ratio.toFixed(1)}x; one daemon: ${(one.squeue / one.cycles).toFixed(2)} squeue per poll cycle (target: exactly 1: ${one.squeue === one.cycles ? "met" : "NOT met"})\n`,
  );
}

/** Phase 2: the daemon's CPU per poll cycle with many held jobs known to it. */
async function cpuPerCycle(): Promise<void> {
  const rows: { jobs: number; cpuMs: number; cycles: number }[] = [];
  for (const jobs of [Math.max(10, Math.round(JOBS / 100)), JOBS]) {
    const per = Math.ceil(jobs / 10);
    const d = await newDaemon(`cpu${jobs}`);
    const dirs: string[] = [];
    for (let i = 0; i < 10; i++)
      dirs.push(
        await handOver(
          d,
          spec(`h${jobs}c${i}`, {
            max_eval: per,
            parallelism: per,
            slurm: { extra_directives: ["--hold"], max_array_size: 1000 },
          }),
          join(root, `cpu${jobs}`, `c${i}`),
        ),
      );
    await until(
      () => d.list().reduce((a, c) => a + c.running, 0) >= per * 10,
      `${jobs} held jobs submitted`,
    );
    // Two cycles to settle, then measure ten.
    const settle = pollCycles(d) + 2;
    await until(() => pollCycles(d) >= settle, "two poll cycles");
    const c0 = pollCycles(d);
    const cpu0 = process.cpuUsage();
    await until(() => pollCycles(d) >= c0 + 10, "ten poll cycles");
    const used = process.cpuUsage(cpu0);
    const cycles = pollCycles(d) - c0;
    const cpuMs = (used.user + used.system) / 1000 / cycles;
    rows.push({ jobs: per * 10, cpuMs, cycles });
    console.log(`  ${per * 10} held jobs known: ${cpuMs.toFixed(1)} ms CPU per poll cycle`);
    for (const dir of dirs) await d.handle({ v: 1, op: "cancel", dir });
    await d.stop();
  }
  const [small, big] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log("");
  console.log("| jobs known to the daemon | CPU per poll cycle | vs the small case |");
  console.log("|---:|---:|---:|");
  for (const r of rows)
    console.log(
      `| ${r.jobs} | ${r.cpuMs.toFixed(1)} ms | ${(r.cpuMs / small.cpuMs).toFixed(1)}x |`,
    );
  console.log(
    `CPU per poll cycle with ${big.jobs} jobs: ${big.cpuMs.toFixed(0)} ms (target < 1000 ms: ${big.cpuMs < 1000 ? "met" : "NOT met"})\n`,
  );
}

/** Each slot's refill gap in seconds: the k-th end to the (k+P)-th submission. */
function refillGaps(dir: string, parallelism: number): number[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    const rows = db.prepare("SELECT submit_time AS s, end_time AS e FROM attempts").all() as {
      s: number | null;
      e: number | null;
    }[];
    const submits = rows.map((r) => r.s).filter((v): v is number => v !== null);
    const ends = rows.map((r) => r.e).filter((v): v is number => v !== null);
    submits.sort((a, b) => a - b);
    ends.sort((a, b) => a - b);
    const gaps: number[] = [];
    for (let k = 0; k + parallelism < submits.length && k < ends.length; k++)
      gaps.push((submits[k + parallelism]! - ends[k]!) / 1000);
    return gaps;
  } finally {
    db.close();
  }
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** Phase 3: the refill gaps of F campaigns with and without a slow generator beside them. */
async function isolation(): Promise<void> {
  const rows: { mode: string; median: number; p90: number; max: number }[] = [];
  const gen = join(root, "slowgen.sh");
  writeFileSync(
    gen,
    `#!/bin/sh\nsleep ${GEN_SECONDS}\nprintf '{"parameters": {"x": 0.%s5}}' "$(basename "$1")" > "$1/results.json"\n`,
  );
  for (const withSlow of [false, true]) {
    const mode = withSlow ? `with a ${GEN_SECONDS} s generator beside them` : "alone";
    const d = await newDaemon(withSlow ? "iso-slow" : "iso-alone");
    let slowDir: string | null = null;
    if (withSlow) {
      slowDir = await handOver(
        d,
        spec("slow", {
          max_eval: 1000,
          parallelism: 1,
          strategy: "EXTERNAL_GENERATOR",
          external_generator: { command: `sh ${gen}`, timeout: "1h" },
        }),
        join(root, "iso-slow-gen"),
      );
      // The fast campaigns start once the slow one is in its first call.
      await until(() => {
        try {
          return (
            readFileSync(join(slowDir!, "external_generator_tmp", "0", "input.json")).length > 0
          );
        } catch {
          return false;
        }
      }, "the slow generator's first call");
    }
    const dirs: string[] = [];
    for (let i = 0; i < FAST; i++)
      dirs.push(
        await handOver(
          d,
          spec(`f${withSlow ? "s" : "a"}${i}`, { max_eval: 12, parallelism: 2 }),
          join(root, `iso-${withSlow ? "s" : "a"}`, `c${i}`),
        ),
      );
    await until(
      () =>
        d
          .list()
          .filter((c) => dirs.includes(c.dir))
          .every((c) => c.daemonState === "finished"),
      `${mode}: the campaigns' end`,
    );
    checkCompleted(d.list().filter((c) => dirs.includes(c.dir)));
    const gaps = dirs.flatMap((dir) => refillGaps(dir, 2));
    if (slowDir !== null) await d.handle({ v: 1, op: "cancel", dir: slowDir });
    await d.stop();
    const r = {
      mode,
      median: quantile(gaps, 0.5),
      p90: quantile(gaps, 0.9),
      max: Math.max(...gaps),
    };
    rows.push(r);
    console.log(
      `  ${FAST} campaigns ${mode}: refill gap median ${r.median.toFixed(2)} s, p90 ${r.p90.toFixed(2)} s, max ${r.max.toFixed(2)} s (${gaps.length} gaps)`,
    );
  }
  const [alone, slow] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log("");
  console.log(`| ${FAST} campaigns of 12 trials, parallelism 2 | refill gap median | p90 | max |`);
  console.log("|---|---:|---:|---:|");
  for (const r of rows)
    console.log(
      `| ${r.mode} | ${r.median.toFixed(2)} s | ${r.p90.toFixed(2)} s | ${r.max.toFixed(2)} s |`,
    );
  const grew = slow.median - alone.median;
  console.log(
    `median refill gap with / without the slow generator: ${(slow.median / alone.median).toFixed(2)}x (+${grew.toFixed(2)} s; target: less than one poll interval, ${POLL_S} s: ${grew < POLL_S ? "met" : "NOT met"})\n`,
  );
}

async function cleanUp(): Promise<void> {
  for (const d of daemons) await d.stop().catch(() => undefined);
  const q = await sh("squeue", ["--me", "--noheader", "--format=%i|%j"]).catch(() => ({
    stdout: "",
  }));
  const ids = q.stdout
    .split("\n")
    .filter((l) => l.split("|")[1]?.startsWith(`bd${run}-`))
    .map((l) => l.split("|")[0]!);
  for (let i = 0; i < ids.length; i += 200)
    await sh("scancel", ids.slice(i, i + 200)).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}

async function main(): Promise<void> {
  try {
    await sh("sinfo", ["--noheader"]);
  } catch {
    console.error("bench:daemon needs the test cluster: sudo bash scripts/slurm-cluster.sh up");
    process.exitCode = 1;
    return;
  }
  process.env.SLURMOPT_POLL_FLOOR_MS ??= "200";
  console.log(`bench:daemon (${root})`);
  if (ONLY.has("squeue")) await squeuePerCycle();
  if (ONLY.has("cpu")) await cpuPerCycle();
  if (ONLY.has("isolation")) await isolation();
}

let cleaning: Promise<void> | null = null;
const finish = (): Promise<void> => (cleaning ??= cleanUp());
process.on("SIGINT", () => void finish().then(() => process.exit(130)));
main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => void finish());
