/**
 * Campaigns the daemon drives on one SSH cluster share ONE SSH connection: three campaigns over
 * the loopback sshd (this file's own, real OpenSSH) to the real Slurm cluster complete, and the
 * sshd logged one accepted login for all of them. The daemon runs in this process (the same code
 * path as `slurmopt daemon start --foreground`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Daemon } from "../../../src/daemon/daemon.js";
import { DEFAULT_CONFIG } from "../../../src/daemon/daemonConfig.js";
import { daemonPaths } from "../../../src/daemon/statePaths.js";
import { createCampaignRecord } from "../../../src/engine/campaignRecord.js";
import { silentLogger } from "../../../src/log/logger.js";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import { loadSpecFile } from "../../../src/spec/loadSpecFile.js";
import { ManualCronDriver } from "../../helpers/manualCron.js";
import { POLL_FLOOR_MS } from "../slurmCrash/slurmCrashKit.js";
import {
  exactlyOnceProblems,
  settledSacctRows,
  useOwnSshd,
  writeSshSpec,
} from "../sshCampaign/sshCampaignKit.js";

const OWN = { port: 2234, dir: "/tmp/slurmopt-sshd-daemon" };
const file = useOwnSshd(OWN);
const daemons: Daemon[] = [];

/** The sshd's "Accepted publickey ... port N" lines from byte `from` of its log on. */
function acceptedSince(log: string, from: number): string[] {
  return readFileSync(log, "utf8")
    .slice(from)
    .split("\n")
    .filter((l) => l.includes("Accepted publickey"));
}

describe("the daemon on an SSH cluster", () => {
  beforeAll(() => {
    process.env.SLURMOPT_POLL_FLOOR_MS = POLL_FLOOR_MS;
    process.env.SSH_AUTH_SOCK = "";
  });

  afterAll(async () => {
    for (const d of daemons) await d.stop();
  });

  it("three campaigns on one SSH login share one connection and complete", async () => {
    const sshd = file.sshd;
    const home = join(file.fresh("dsshhome").cwd, "h");
    mkdirSync(home);
    const logStart = readFileSync(sshd.log, "utf8").length;
    const daemon = new Daemon({
      paths: daemonPaths({ SLURMOPT_HOME: home, XDG_RUNTIME_DIR: "" }),
      logger: silentLogger(),
      cron: new ManualCronDriver(new Date()),
      config: { ...DEFAULT_CONFIG, idleMs: 200, dashboard: null },
      version: "test",
    });
    daemons.push(daemon);
    await daemon.start();
    // Each campaign in its own folder (its runs.log says which trial ran how often).
    const campaigns = ["dssha", "dsshb", "dsshc"].map((prefix) => {
      const { cwd, name } = file.fresh(prefix);
      const spec = writeSshSpec(cwd, name, sshd, { maxEval: 3, parallelism: 2, sleepS: 2 });
      const open = createCampaignRecord(
        buildCampaign(loadSpecFile(spec), { cwd, warnings: { warn: () => undefined } }),
      );
      open.db.close();
      return { cwd, dir: open.dir };
    });
    const dirs = campaigns.map((c) => c.dir);
    await Promise.all(dirs.map((d) => daemon.adopt(d)));
    const clusters = daemon.status().clusters;
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.key).toMatch(/^ssh:/);
    expect(clusters[0]!.campaigns).toBe(3);

    let listed = daemon.list();
    while (!listed.every((c) => c.daemonState === "finished")) {
      await sleep(300);
      listed = daemon.list();
    }
    for (const c of listed) {
      expect(c.state, c.lastError ?? "").toBe("COMPLETED");
      expect(c.done).toBe(3);
    }
    const accepted = acceptedSince(sshd.log, logStart);
    expect(accepted, accepted.join("\n")).toHaveLength(1);
    await daemon.stop();
    for (const { cwd, dir } of campaigns) {
      const rows = await settledSacctRows(dir);
      expect(exactlyOnceProblems(dir, cwd, rows, 3)).toEqual([]);
    }
  }, 300_000);
});
