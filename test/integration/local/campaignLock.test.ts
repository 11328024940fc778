import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli, testDir } from "../../helpers/runCli.js";
import { until } from "../../helpers/waitFor.js";

function spec(cwd: string, name: string, maxEval: number, sleepS: number): string {
  const path = join(cwd, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: `sleep ${sleepS}; echo "RESULT: %(x)"`,
      max_eval: maxEval,
      parallelism: 2,
      seed: 5,
      strategy: "SOBOL",
      executor: "local",
    }),
  );
  return path;
}

function states(dir: string): string[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return (
      db.prepare("SELECT state FROM trials ORDER BY trial_index").all() as { state: string }[]
    ).map((r) => r.state);
  } finally {
    db.close();
  }
}

/** Runs a campaign to its end in a fresh test folder; returns that folder and the campaign's. */
async function finishedCampaign(
  label: string,
  name: string,
  trials: number,
  sleepS: number,
): Promise<{ cwd: string; dir: string }> {
  const cwd = testDir(label);
  const r0 = await runCli(["run", spec(cwd, name, trials, sleepS), "--quiet"], { cwd });
  expect(r0.code, r0.stderr).toBe(0);
  return { cwd, dir: join(cwd, "runs", name, "0") };
}

describe("one controller per campaign", () => {
  it("refuses a second controller with the owner's details; stop ends the first, cancel ends the trials", async () => {
    const cwd = testDir("lock");
    const first = spawn(process.execPath, [CLI, "run", spec(cwd, "lk", 6, 30), "--quiet"], {
      cwd,
      stdio: "ignore",
    });
    const firstEnded = new Promise<number | null>((r) => first.on("exit", (c) => r(c)));
    const dir = join(cwd, "runs", "lk", "0");
    await until(
      "the controller to name itself",
      () => existsSync(join(dir, "controller.json")),
      20_000,
      100,
    );
    const second = await runCli(["resume", dir, "--quiet"], { cwd });
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(
      new RegExp(`driven by another controller on .* \\(pid ${first.pid}`),
    );
    const stop = await runCli(["stop", dir, "--wait", "30"], { cwd });
    expect(stop.code, stop.stderr).toBe(0);
    expect(await firstEnded).toBe(0);
    expect(states(dir)).toEqual(["RUNNING", "RUNNING"]);
    const cancel = await runCli(["cancel", dir, "--wait", "30"], { cwd });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(states(dir)).toEqual(["CANCELLED", "CANCELLED"]);
  });

  it("takes over a lock whose controller on another host stopped heartbeating", async () => {
    const { cwd, dir } = await finishedCampaign("takeover", "to", 2, 0);
    // A controller on another node died: its lock stays, its heartbeat stops.
    mkdirSync(join(dir, "controller.lock"));
    writeFileSync(
      join(dir, "controller.json"),
      JSON.stringify({
        host: "node-gone-17",
        pid: 4242,
        pidStart: 1,
        startedAt: Date.now() - 600_000,
      }),
    );
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(join(dir, "controller.lock"), old, old);
    const r = await runCli(["resume", dir, "--max_eval", "4", "--quiet"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /taking over the campaign from the controller on node-gone-17 \(pid 4242\): no heartbeat for \d+ s/,
    );
    expect(states(dir)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"]);
  });

  it("waits out a lock whose controller was killed before it named itself, then takes it over", async () => {
    const { cwd, dir } = await finishedCampaign("ownerless", "ol", 1, 0);
    // Killed between mkdir of the lock and writing controller.json (a new campaign has none).
    rmSync(join(dir, "controller.json"));
    mkdirSync(join(dir, "controller.lock"));
    const started = Date.now();
    const r = await runCli(["resume", dir, "--max_eval", "2", "--quiet"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    // A live controller would name itself within milliseconds and refresh the lock every 10 s:
    // the lock is watched that long (plus 2 s) before it is taken over.
    expect(Date.now() - started).toBeGreaterThan(11_000);
    expect(r.stderr).toMatch(
      /of unknown owner: no controller named itself in controller\.json and the lock saw no heartbeat for \d+ s/,
    );
    expect(states(dir)).toEqual(["COMPLETED", "COMPLETED"]);
  });

  it("refuses a nameless lock whose heartbeat goes on", async () => {
    const { cwd, dir } = await finishedCampaign("nameless", "nl", 1, 0);
    rmSync(join(dir, "controller.json"));
    mkdirSync(join(dir, "controller.lock"));
    const beat = setInterval(() => {
      const now = new Date();
      utimesSync(join(dir, "controller.lock"), now, now);
    }, 300);
    try {
      const r = await runCli(["resume", dir, "--quiet"], { cwd });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /has not named itself in controller\.json, yet its lock.s heartbeat goes on/,
      );
    } finally {
      clearInterval(beat);
    }
    expect(states(dir)).toEqual(["COMPLETED"]);
  });

  it("lets only one of two controllers started at once take over a dead controller's lock", async () => {
    const { cwd, dir } = await finishedCampaign("twotakers", "tt", 1, 3);
    // A controller on this host that died holding the lock (its process start time differs).
    mkdirSync(join(dir, "controller.lock"));
    writeFileSync(
      join(dir, "controller.json"),
      JSON.stringify({ host: hostname(), pid: process.pid, pidStart: 1, startedAt: Date.now() }),
    );
    const old = new Date(Date.now() - 30_000);
    utimesSync(join(dir, "controller.lock"), old, old);
    const both = await Promise.all([
      runCli(["resume", dir, "--max_eval", "3", "--quiet"], { cwd }),
      runCli(["resume", dir, "--max_eval", "3", "--quiet"], { cwd }),
    ]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 3]);
    const loser = both.find((r) => r.code === 3)!;
    expect(loser.stderr).toMatch(/driven by another controller on .* \(pid \d+/);
    const winner = both.find((r) => r.code === 0)!;
    expect(winner.stderr).toMatch(/taking over the campaign .*: that process is gone/);
    expect(states(dir)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(existsSync(join(dir, "controller.lock.takeover"))).toBe(false);
  });

  it("refuses a fresh lock held by a controller on another host", async () => {
    const { cwd, dir } = await finishedCampaign("freshlock", "fl", 1, 0);
    mkdirSync(join(dir, "controller.lock"));
    writeFileSync(
      join(dir, "controller.json"),
      JSON.stringify({ host: "node-alive-3", pid: 99, pidStart: 1, startedAt: Date.now() }),
    );
    const r = await runCli(["resume", dir, "--quiet"], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/driven by another controller on node-alive-3 \(pid 99/);
  });

  it("refuses resume changes that would change the meaning of stored trials", async () => {
    const cwd = testDir("resumechange");
    const path = spec(cwd, "rc", 2, 0);
    expect((await runCli(["run", path, "--quiet"], { cwd })).code).toBe(0);
    const dir = join(cwd, "runs", "rc", "0");
    const narrowed = join(cwd, "narrow.json");
    writeFileSync(
      narrowed,
      JSON.stringify({
        name: "rc",
        parameters: [{ name: "x", type: "range", bounds: [0, 0.5] }],
        program: `sleep 0; echo "RESULT: %(x)"`,
        max_eval: 4,
        strategy: "SOBOL",
      }),
    );
    const r = await runCli(["resume", dir, "--spec", narrowed], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/parameter "x": range may only widen: stored 0\.\.1, new 0\.\.0\.5/);
    const widened = join(cwd, "widen.json");
    writeFileSync(
      widened,
      JSON.stringify({
        name: "rc",
        parameters: [{ name: "x", type: "range", bounds: [-1, 2] }],
        program: `sleep 0; echo "RESULT: %(x)"`,
        max_eval: 4,
        strategy: "SOBOL",
      }),
    );
    const r2 = await runCli(["resume", dir, "--spec", widened, "--quiet"], { cwd });
    expect(r2.code, r2.stderr).toBe(0);
    expect(states(dir)).toHaveLength(4);
  });
});
