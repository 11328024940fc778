/**
 * The daemon's schedules on a clock the test moves (never by waiting for wall time): a closed
 * submit window submits nothing until it opens. The daemon runs in this process (real Slurm,
 * real SQLite), on the same code path as `slurmopt daemon start --foreground`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Daemon } from "../../../src/daemon/daemon.js";
import { DEFAULT_CONFIG } from "../../../src/daemon/daemonConfig.js";
import { NO_SCHEDULES } from "../../../src/spec/scheduleSchema.js";
import { daemonPaths } from "../../../src/daemon/statePaths.js";
import { createCampaignRecord } from "../../../src/engine/campaignRecord.js";
import { silentLogger } from "../../../src/log/logger.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { loadSpecFile } from "../../../src/spec/loadSpecFile.js";
import { ManualCronDriver } from "../../helpers/manualCron.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  campaignUid,
  cancelLeftovers,
  rememberCampaign,
  POLL_FLOOR_MS,
} from "../slurmCrash/slurmCrashKit.js";
import { daemonHome, writeDaemonSpec } from "./daemonKit.js";

const daemons: Daemon[] = [];

async function cycles(d: Daemon, n: number): Promise<void> {
  const until = d.cycles + n;
  while (d.cycles < until) await sleep(50);
}

describe.skipIf(slurmSkipped())("daemon schedules on a controllable clock", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
    process.env.SLURMOPT_POLL_FLOOR_MS = POLL_FLOOR_MS;
  });

  afterAll(async () => {
    for (const d of daemons) await d.stop();
    expect(await cancelLeftovers(), "jobs left behind").toEqual([]);
  });

  it("a closed submit window submits nothing until it opens; then the campaign completes", async () => {
    const h = daemonHome("window");
    mkdirSync(h.home, { recursive: true });
    // Monday noon UTC; the window opens at 20:00 and closes at 07:00.
    const clock = new ManualCronDriver(new Date("2026-01-05T12:00:00Z"));
    const daemon = new Daemon({
      paths: daemonPaths({ SLURMOPT_HOME: h.home, XDG_RUNTIME_DIR: "" }),
      logger: silentLogger(),
      cron: clock,
      config: {
        ...DEFAULT_CONFIG,
        idleMs: 200,
        schedules: {
          ...NO_SCHEDULES,
          timezone: "UTC",
          submitWindow: { open: ["0 20 * * *"], close: ["0 7 * * *"] },
        },
      },
      version: "test",
    });
    daemons.push(daemon);
    await daemon.start();
    const spec = writeDaemonSpec(h, "dwindow", { maxEval: 3, parallelism: 3, sleep: 1 });
    const open = createCampaignRecord(
      buildCampaign(loadSpecFile(spec), { cwd: h.cwd, warnings: { warn: () => undefined } }),
    );
    open.db.close();
    rememberCampaign(campaignUid(open.dir));
    await daemon.adopt(open.dir);

    await cycles(daemon, 10);
    let [c] = daemon.list();
    expect(c!.daemonState).toBe("window-closed");
    expect(c!.total).toBe(0);
    expect(daemon.status().clusters.every((x) => x.pollCycles === 0)).toBe(true);

    // 19:59: still closed.
    clock.advanceTo(new Date("2026-01-05T19:59:00Z"));
    await cycles(daemon, 5);
    expect(daemon.list()[0]!.total).toBe(0);

    clock.advanceTo(new Date("2026-01-05T20:00:00Z"));
    for (;;) {
      [c] = daemon.list();
      if (c!.daemonState === "finished") break;
      await sleep(200);
    }
    expect(c!.state).toBe("COMPLETED");
    expect(c!.done).toBe(3);
    await daemon.stop();
  }, 240_000);

  it("the spec's own schedule: its submit window holds the campaign, report_every writes report.html", async () => {
    const h = daemonHome("specwindow");
    mkdirSync(h.home, { recursive: true });
    const clock = new ManualCronDriver(new Date("2026-01-05T12:00:00Z"));
    // The daemon's config has no schedule: everything here comes from the spec.
    const daemon = new Daemon({
      paths: daemonPaths({ SLURMOPT_HOME: h.home, XDG_RUNTIME_DIR: "" }),
      logger: silentLogger(),
      cron: clock,
      config: { ...DEFAULT_CONFIG, idleMs: 200 },
      version: "test",
    });
    daemons.push(daemon);
    await daemon.start();
    const spec = writeDaemonSpec(h, "dspecwin", {
      maxEval: 2,
      parallelism: 2,
      sleep: 1,
      extra: {
        schedule: {
          timezone: "UTC",
          submit_window: { open: "30 20 * * *", close: "0 7 * * *" },
          report_every: "0 * * * *",
        },
      },
    });
    const open = createCampaignRecord(
      buildCampaign(loadSpecFile(spec), { cwd: h.cwd, warnings: { warn: () => undefined } }),
    );
    open.db.close();
    rememberCampaign(campaignUid(open.dir));
    await daemon.adopt(open.dir);
    const report = join(open.dir, "report.html");

    await cycles(daemon, 10);
    expect(daemon.list()[0]!.daemonState).toBe("window-closed");
    expect(existsSync(report)).toBe(false);

    // 13:00: the hourly report is written (an empty campaign's); the window is still closed.
    clock.advanceTo(new Date("2026-01-05T13:00:00Z"));
    expect(existsSync(report)).toBe(true);
    await cycles(daemon, 5);
    expect(daemon.list()[0]!.total).toBe(0);

    // 20:00 (the daemon-wide example's opening) is not this spec's: still closed.
    clock.advanceTo(new Date("2026-01-05T20:00:00Z"));
    await cycles(daemon, 5);
    expect(daemon.list()[0]!.total).toBe(0);

    clock.advanceTo(new Date("2026-01-05T20:30:00Z"));
    let c = daemon.list()[0]!;
    while (c.daemonState !== "finished") {
      await sleep(200);
      c = daemon.list()[0]!;
    }
    expect(c.state).toBe("COMPLETED");
    expect(c.done).toBe(2);
    // Written again at the end: it shows both trials.
    expect(readFileSync(report, "utf8")).toContain("dspecwin");
    await daemon.stop();
  }, 240_000);
});
