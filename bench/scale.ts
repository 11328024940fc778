/**
 * npm run bench:scale — a campaign's cost as it grows. Campaigns of 1,000, 10,000 and 100,000
 * trials (`--quick` skips the largest) of `echo RESULT: %(x)` with Sobol, parallelism 4, on a
 * tmpfs (/dev/shm), each run by the real CLI (`node bin/slurmopt.js run spec --quiet`, built
 * dist/), and the same commands through a plain Node spawn loop with the same parallelism, in
 * the same run. Prints per campaign:
 * - the controller's wall time per trial in each tenth of the campaign (from the trials'
 *   creation times in campaign.db) and the ratio of the last tenth to the first (target <= 1.3
 *   at 100,000);
 * - peak RSS of the controller process (target < 300 MB at 100,000);
 * - whole campaign / plain spawn loop (target <= 1.5x at every size);
 * - `slurmopt status` and `slurmopt resume` (of the finished campaign) against `node -e ''`
 *   (Node's own start-up), median of 3.
 *
 * `--finished 100000` also writes a finished campaign of that many trials through the store API
 * (test/helpers/finishedCampaign.ts: what the same run leaves, in a minute instead of hours) and
 * prints the work at a campaign's end on it: time and peak RSS of `slurmopt report` and
 * `slurmopt export`, of the first resume (which rewrites both, as their marks are not
 * recorded yet: `report` opens the store read-only), then `status` and `resume` as above, and
 * last `resume --max_eval n+1`: a controller's whole end on a campaign this large (its trial
 * cache of every trial, one more trial, results.csv and report.html rewritten), whose peak RSS
 * stands for the end of an n-trial run.
 * `--sizes ''` runs no campaign.
 *
 *   npm run bench:scale [-- --quick] [--sizes 1000,10000] [--finished 100000]
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { writeFinishedCampaign } from "../test/helpers/finishedCampaign.js";

const PARALLELISM = 4;
const BIN = fileURLToPath(new URL("../bin/slurmopt.js", import.meta.url));
const TIME = "/usr/bin/time";

function sizes(): number[] {
  const i = process.argv.indexOf("--sizes");
  if (i >= 0)
    return (process.argv[i + 1] ?? "")
      .split(",")
      .filter((v) => v !== "")
      .map(Number);
  return process.argv.includes("--quick") ? [1000, 10_000] : [1000, 10_000, 100_000];
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs a command; its wall time in ms, exit code and (with GNU time) peak RSS in kB. */
function timed(argv: readonly string[]): { ms: number; code: number | null; rssKb: number | null } {
  const withTime = existsSync(TIME);
  const cmd = withTime ? [TIME, "-f", "MAXRSS %M", ...argv] : [...argv];
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) process.stderr.write(r.stderr);
  const m = /MAXRSS (\d+)/.exec(r.stderr ?? "");
  return { ms, code: r.status, rssKb: m ? Number(m[1]) : null };
}

/** The same commands through a bare spawn loop with the same parallelism. */
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

interface Row {
  n: number;
  tenthsMs: number[];
  campaignS: number;
  plainS: number;
  rssMb: number | null;
  statusMs: number;
  resumeMs: number;
  nodeMs: number;
}

async function measure(n: number, root: string): Promise<Row> {
  const name = `scale${n}`;
  const spec = join(root, `${name}.json`);
  writeFileSync(
    spec,
    JSON.stringify({
      name,
      run_dir: join(root, "runs"),
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: n,
      parallelism: PARALLELISM,
      seed: 1,
      strategy: "SOBOL",
      executor: "local",
    }),
  );
  const run = timed([process.execPath, BIN, "run", spec, "--quiet"]);
  if (run.code !== 0) throw new Error(`the ${n}-trial campaign exited ${run.code}`);
  const dir = join(root, "runs", name, "0");
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  const rows = db
    .prepare("SELECT created_at, params_json, state FROM trials ORDER BY trial_index")
    .all() as { created_at: number; params_json: string; state: string }[];
  db.close();
  if (rows.length !== n || rows.some((r) => r.state !== "COMPLETED"))
    throw new Error(`the ${n}-trial campaign did not complete every trial`);
  const tenthsMs: number[] = [];
  for (let k = 0; k < 10; k++) {
    const a = rows[Math.floor((k * n) / 10)]!.created_at;
    const b = rows[Math.min(n - 1, Math.floor(((k + 1) * n) / 10))]!.created_at;
    tenthsMs.push((b - a) / (n / 10));
  }
  const values = rows.map((r) => (JSON.parse(r.params_json) as { x: number }).x);
  const plainMs = await plainLoop(values);
  const node: number[] = [];
  const status: number[] = [];
  const resume: number[] = [];
  for (let i = 0; i < 3; i++) {
    node.push(timed([process.execPath, "-e", ""]).ms);
    status.push(timed([process.execPath, BIN, "status", dir]).ms);
    resume.push(timed([process.execPath, BIN, "resume", dir, "--quiet"]).ms);
  }
  return {
    n,
    tenthsMs,
    campaignS: run.ms / 1000,
    plainS: plainMs / 1000,
    rssMb: run.rssKb === null ? null : run.rssKb / 1024,
    statusMs: median(status),
    resumeMs: median(resume),
    nodeMs: median(node),
  };
}

interface FinishedRow {
  n: number;
  report: ReturnType<typeof timed>;
  exported: ReturnType<typeof timed>;
  firstResume: ReturnType<typeof timed>;
  oneMore: ReturnType<typeof timed>;
  statusMs: number;
  resumeMs: number;
  nodeMs: number;
}

/** The work at the end of a finished campaign of n trials written through the store API. */
function measureFinished(n: number, root: string): FinishedRow {
  const dir = writeFinishedCampaign(join(root, "finished"), `finished${n}`, n);
  const check = (what: string, r: ReturnType<typeof timed>): ReturnType<typeof timed> => {
    if (r.code !== 0)
      throw new Error(`${what} of the finished ${n}-trial campaign exited ${r.code}`);
    return r;
  };
  const report = check("report", timed([process.execPath, BIN, "report", dir]));
  const exported = check("export", timed([process.execPath, BIN, "export", dir]));
  const firstResume = check("resume", timed([process.execPath, BIN, "resume", dir, "--quiet"]));
  const node: number[] = [];
  const status: number[] = [];
  const resume: number[] = [];
  for (let i = 0; i < 3; i++) {
    node.push(timed([process.execPath, "-e", ""]).ms);
    status.push(check("status", timed([process.execPath, BIN, "status", dir])).ms);
    resume.push(check("resume", timed([process.execPath, BIN, "resume", dir, "--quiet"])).ms);
  }
  // A controller's whole end on a campaign this large: its trial cache, one trial, the outputs.
  const oneMore = check(
    "resume --max_eval",
    timed([process.execPath, BIN, "resume", dir, "--quiet", "--max_eval", String(n + 1)]),
  );
  return {
    n,
    report,
    exported,
    firstResume,
    oneMore,
    statusMs: median(status),
    resumeMs: median(resume),
    nodeMs: median(node),
  };
}

function finishedSizes(): number[] {
  const i = process.argv.indexOf("--finished");
  return i >= 0 ? (process.argv[i + 1] ?? "").split(",").map(Number) : [];
}

const root = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "slurmopt-scale-"));
const load = (): string =>
  spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.split(" ").slice(0, 3).join(" ");
console.log(
  `bench:scale: Sobol, echo RESULT, parallelism ${PARALLELISM}, run_dir ${root}; load average at start ${load()}\n`,
);
const results: Row[] = [];
const finished: FinishedRow[] = [];
try {
  for (const n of sizes()) {
    const r = await measure(n, root);
    results.push(r);
    const t = r.tenthsMs;
    console.log(
      `${n} trials: per-trial wall time by tenth (ms): ${t.map((v) => v.toFixed(2)).join(" ")}; load now ${load()}`,
    );
  }
  for (const n of finishedSizes()) {
    finished.push(measureFinished(n, root));
    console.log(`finished ${n}-trial campaign (store-built) measured; load now ${load()}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
if (results.length > 0) {
  console.log(
    "\n| trials | first tenth | last tenth | last / first | campaign | plain spawn loop | campaign / plain | peak RSS | status (Node start-up + ours) | resume (Node start-up + ours) |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const first = r.tenthsMs[0]!;
    const last = r.tenthsMs[9]!;
    const split = (ms: number): string =>
      `${(ms / 1000).toFixed(2)} s (${(r.nodeMs / 1000).toFixed(2)} + ${((ms - r.nodeMs) / 1000).toFixed(2)})`;
    console.log(
      `| ${r.n} | ${first.toFixed(2)} ms | ${last.toFixed(2)} ms | ${(last / first).toFixed(2)} | ${r.campaignS.toFixed(1)} s | ${r.plainS.toFixed(1)} s | ${(r.campaignS / r.plainS).toFixed(2)}x | ${r.rssMb === null ? "-" : `${r.rssMb.toFixed(0)} MB`} | ${split(r.statusMs)} | ${split(r.resumeMs)} |`,
    );
  }
}
if (finished.length > 0) {
  const run = (r: ReturnType<typeof timed>): string =>
    `${(r.ms / 1000).toFixed(2)} s, ${r.rssKb === null ? "-" : `${(r.rssKb / 1024).toFixed(0)} MB`}`;
  console.log(
    "\n| finished campaign (store-built) | report (time, peak RSS) | export (time, peak RSS) | first resume: rewrites both | status (Node start-up + ours) | resume (Node start-up + ours) | resume --max_eval n+1 (time, peak RSS) |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of finished) {
    const split = (ms: number): string =>
      `${(ms / 1000).toFixed(2)} s (${(r.nodeMs / 1000).toFixed(2)} + ${((ms - r.nodeMs) / 1000).toFixed(2)})`;
    console.log(
      `| ${r.n} | ${run(r.report)} | ${run(r.exported)} | ${run(r.firstResume)} | ${split(r.statusMs)} | ${split(r.resumeMs)} | ${run(r.oneMore)} |`,
    );
  }
}
