/**
 * The daemon on the real single-node cluster, through the built CLI: campaigns handed over with
 * run --detach, one squeue per poll cycle for all of them, kill -9 and restart, pause and
 * continue, a CLI whose session is killed.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../../helpers/runCli.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  campaignUid,
  cancelLeftovers,
  perTrialProblems,
  rememberCampaign,
  settledSacctRows,
  storedTrials,
} from "../slurmCrash/slurmCrashKit.js";
import {
  cli,
  daemonHome,
  daemonPidOf,
  list,
  sh,
  squeueWrapper,
  status,
  stopAllDaemons,
  waitAllEnded,
  writeDaemonSpec,
  type DaemonHome,
} from "./daemonKit.js";

/** run --detach: returns the campaign folder it printed (and remembers the campaign's jobs). */
async function detach(h: DaemonHome, spec: string): Promise<string> {
  const r = await cli(h, ["run", spec, "--detach"]);
  expect(r.code, r.stderr).toBe(0);
  const dir = r.stdout.trim().split("\n").at(-1)!;
  expect(existsSync(join(dir, "campaign.db"))).toBe(true);
  rememberCampaign(campaignUid(dir));
  return dir;
}

function jobIdsOf(dir: string): Set<string> {
  return new Set(storedTrials(dir).flatMap((t) => t.jobIds.map((j) => j.replace(/_.*$/, ""))));
}

/** The campaign's jobs in Slurm's queue, one line per array task: job id -> "STATE REASON". */
async function campaignQueue(dir: string): Promise<Map<string, string>> {
  const ids = jobIdsOf(dir);
  const out = (await sh("squeue", ["--array", "--noheader", "--format=%i %T %r"])).stdout;
  const queue = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [id, state, reason] = line.trim().split(/\s+/);
    if (id !== undefined && ids.has(id.replace(/_.*$/, ""))) queue.set(id, `${state} ${reason}`);
  }
  return queue;
}

/**
 * A pause has settled when nothing of the campaign runs or waits to be collected: every job
 * Slurm still has is held, and every trial the store has open is one of those held jobs (a job
 * that started before its hold, ran and ended is collected first).
 */
async function pauseSettled(dir: string): Promise<boolean> {
  const queue = await campaignQueue(dir);
  if ([...queue.values()].some((s) => !/^PENDING JobHeld(User|Admin)$/.test(s))) return false;
  return storedTrials(dir)
    .filter((t) => t.state === "SUBMITTED" || t.state === "RUNNING")
    .every((t) => queue.has(t.jobIds.at(-1) ?? ""));
}

describe.skipIf(slurmSkipped())("the daemon on Slurm", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await stopAllDaemons(), "daemons left running").toEqual([]);
    expect(await cancelLeftovers(), "jobs left behind").toEqual([]);
  });

  it.concurrent(
    "three campaigns handed over with run --detach complete; list shows them; ONE squeue per poll cycle for all three",
    async () => {
      const h = daemonHome("three");
      const { bin, log } = await squeueWrapper(h);
      h.env.PATH = `${bin}:${process.env.PATH ?? ""}`;
      // Handed over at once (three shells racing to start the daemon: one wins, all use it).
      const dirs = await Promise.all(
        ["dthree-a", "dthree-b", "dthree-c"].map((name) =>
          detach(h, writeDaemonSpec(h, name, { maxEval: 4, parallelism: 2, sleep: 8 })),
        ),
      );
      const pid = daemonPidOf(h);
      expect(pid).not.toBeNull();
      const ended = await waitAllEnded(h, 3, 240_000);
      for (const c of ended) {
        expect(c.state, c.lastError ?? "").toBe("COMPLETED");
        expect(c.done).toBe(4);
      }
      const shown = await cli(h, ["list"]);
      expect(shown.code).toBe(0);
      for (const d of dirs) expect(shown.stdout).toContain(d);
      expect(shown.stdout.match(/COMPLETED/g)).toHaveLength(3);

      const s = await status(h);
      const cycles = s.clusters.reduce((a, c) => a + c.pollCycles, 0);
      const calls = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .filter((l) => l.startsWith(`${pid} `));
      console.log(
        `daemon: ${calls.length} squeue calls, ${cycles} poll cycles, ${s.loopCycles} loop cycles, clusters ${JSON.stringify(s.clusters)}`,
      );
      expect(s.clusters).toHaveLength(1);
      // Every squeue the daemon ran was its one poll of the cycle, for all campaigns at once.
      expect(calls.length).toBe(cycles);
      expect(cycles).toBeGreaterThan(0);
      const perCampaign = dirs.map(jobIdsOf);
      const shared = calls.filter((c) => {
        const ids = /--jobs=([\d,]+)/.exec(c)?.[1]?.split(",") ?? [];
        return perCampaign.filter((set) => ids.some((id) => set.has(id))).length >= 2;
      });
      expect(shared.length, "no squeue call covered two campaigns").toBeGreaterThan(0);

      // The daemon serves the live dashboard of its campaigns on loopback, with its token.
      expect(s.dashboard).not.toBeNull();
      const url = new URL(s.dashboard!.url);
      expect(url.hostname).toBe("127.0.0.1");
      const shownStatus = await cli(h, ["daemon", "status"]);
      expect(shownStatus.stdout).toContain(s.dashboard!.url);
      expect(shownStatus.stdout).toContain(`ssh -N -L ${url.port}:127.0.0.1:${url.port}`);
      expect((await fetch(`${url.origin}/api/campaigns`)).status).toBe(401);
      const page = await fetch(s.dashboard!.url);
      expect(page.status).toBe(200);
      const api = await fetch(`${url.origin}/api/campaigns?${url.searchParams.toString()}`);
      const entries = (await api.json()) as { name: string }[];
      expect(entries.map((e) => e.name).sort()).toEqual(["dthree-a", "dthree-b", "dthree-c"]);
    },
    300_000,
  );

  it.concurrent(
    "kill -9 of the daemon in the middle, then daemon start: all three complete with exactly one completed Slurm job per trial",
    async () => {
      const h = daemonHome("kill");
      const dirs: string[] = [];
      for (const name of ["dkill-a", "dkill-b", "dkill-c"])
        dirs.push(
          await detach(h, writeDaemonSpec(h, name, { maxEval: 6, parallelism: 2, sleep: 3 })),
        );
      const pid = daemonPidOf(h)!;
      // In the middle: some trials done, some running.
      for (;;) {
        const l = await list(h);
        const done = l.reduce((a, c) => a + c.done, 0);
        const running = l.reduce((a, c) => a + c.running, 0);
        if (done >= 2 && running > 0) break;
        await sleep(200);
      }
      process.kill(pid, "SIGKILL");
      while (daemonPidOf(h) !== null) await sleep(50);
      const started = await cli(h, ["daemon", "start"]);
      expect(started.code, started.stderr).toBe(0);
      const ended = await waitAllEnded(h, 3, 300_000);
      for (const c of ended) expect(c.state, c.lastError ?? "").toBe("COMPLETED");
      for (const dir of dirs) {
        const trials = storedTrials(dir);
        expect(trials).toHaveLength(6);
        expect(perTrialProblems(await settledSacctRows(dir), 6)).toEqual([]);
      }
    },
    420_000,
  );

  it.concurrent(
    "pause stops submitting (running trials finish), continue goes on to the end",
    async () => {
      const h = daemonHome("pause");
      const dir = await detach(
        h,
        writeDaemonSpec(h, "dpause", { maxEval: 5, parallelism: 1, sleep: 8 }),
      );
      const paused = await cli(h, ["pause", dir]);
      expect(paused.code, paused.stderr).toBe(0);
      // Whatever was running when the pause came ends; then nothing new starts (every job Slurm
      // has not started, pending for resources or queued behind a running one, is held while the
      // campaign is paused).
      let before = (await list(h))[0]!;
      while (before.running > 0 || !(await pauseSettled(dir))) {
        await sleep(300);
        before = (await list(h))[0]!;
      }
      expect(before.daemonState).toBe("paused");
      const from = (await status(h)).loopCycles;
      while ((await status(h)).loopCycles < from + 5) await sleep(200);
      const still = (await list(h))[0]!;
      expect(still.total).toBe(before.total);
      expect(still.running).toBe(0);
      expect(still.done).toBe(before.done);
      expect(still.total).toBeLessThan(5);
      expect(await pauseSettled(dir)).toBe(true);
      const cont = await cli(h, ["continue", dir]);
      expect(cont.code, cont.stderr).toBe(0);
      const [end] = await waitAllEnded(h, 1, 240_000);
      expect(end!.state).toBe("COMPLETED");
      expect(end!.done).toBe(5);
    },
    300_000,
  );

  it.concurrent(
    "pause holds a submitted job that waits in Slurm's queue (not behind another job); continue releases it",
    async () => {
      const h = daemonHome("pending");
      // Every job waits 40 s in Slurm's queue (reason BeginTime) after its submission: the
      // pause comes long before.
      const dir = await detach(
        h,
        writeDaemonSpec(h, "dpending", {
          maxEval: 2,
          parallelism: 1,
          sleep: 1,
          extra: { slurm: { mem: "100M", extra_directives: ["--begin=now+40"] } },
        }),
      );
      while (jobIdsOf(dir).size === 0) await sleep(200);
      const submitted = Date.now();
      const paused = await cli(h, ["pause", dir]);
      expect(paused.code, paused.stderr).toBe(0);
      while (!(await pauseSettled(dir))) await sleep(300);
      expect(Date.now() - submitted).toBeLessThan(40_000);
      // Past the begin time and a few more loop cycles: nothing started, the jobs stay held.
      await sleep(Math.max(0, submitted + 45_000 - Date.now()));
      const from = (await status(h)).loopCycles;
      while ((await status(h)).loopCycles < from + 3) await sleep(200);
      expect(await pauseSettled(dir)).toBe(true);
      expect((await campaignQueue(dir)).size).toBeGreaterThan(0);
      expect((await list(h))[0]!.done).toBe(0);
      const cont = await cli(h, ["continue", dir]);
      expect(cont.code, cont.stderr).toBe(0);
      const [end] = await waitAllEnded(h, 1, 240_000);
      expect(end!.state).toBe("COMPLETED");
      expect(end!.done).toBe(2);
    },
    300_000,
  );

  it.concurrent(
    "the campaign completes after the session of the CLI that handed it over is killed (setsid)",
    async () => {
      const h = daemonHome("setsid");
      const spec = writeDaemonSpec(h, "dsetsid", { maxEval: 3, parallelism: 1, sleep: 2 });
      const out = join(h.cwd, "cli.out");
      // The user's SSH session: a shell in its own session that hands the campaign over and waits.
      const session = spawn(
        "setsid",
        [
          "bash",
          "-c",
          `'${process.execPath}' '${CLI}' run '${spec}' --detach > '${out}' 2>&1; sleep 600`,
        ],
        { cwd: h.cwd, env: { ...process.env, ...h.env }, stdio: "ignore" },
      );
      const sid = session.pid!;
      let dir = "";
      while (
        !(dir =
          readFileSync(out, { encoding: "utf8", flag: "a+" })
            .trim()
            .split("\n")
            .find((l) => l.startsWith("/")) ?? "")
      )
        await sleep(200);
      rememberCampaign(campaignUid(dir));
      // The session ends: hang-up, then every process of its group killed.
      process.kill(-sid, "SIGHUP");
      process.kill(-sid, "SIGKILL");
      expect(daemonPidOf(h)).not.toBeNull();
      const [end] = await waitAllEnded(h, 1, 240_000);
      expect(end!.state).toBe("COMPLETED");
      expect(end!.done).toBe(3);
    },
    300_000,
  );
});
