/**
 * Proposal isolation in the daemon: a campaign whose external generator is in the middle of a
 * call that takes longer than 30 s (it returns only when the test releases it) does not stall
 * the others: another campaign on the same cluster is proposed, submitted, polled, collected and
 * completed meanwhile. Real Slurm, real processes; the daemon runs in this process (the code
 * path of `slurmopt daemon start --foreground`). Nothing waits for wall time: the test waits
 * for the generator's start, the other campaign's end, then releases it.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Daemon } from "../../../src/daemon/daemon.js";
import { DEFAULT_CONFIG } from "../../../src/daemon/daemonConfig.js";
import type { CampaignSummary } from "../../../src/daemon/protocol.js";
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
import { daemonHome, writeDaemonSpec, type DaemonHome } from "./daemonKit.js";
import { until as waitUntil } from "../../helpers/waitFor.js";

const daemons: Daemon[] = [];

/**
 * An external generator whose every call writes `started-<K>` and then waits for `release`
 * (at most 10 minutes) before it answers x = (K+1)/10.
 */
function slowGenerator(h: DaemonHome): { command: string; started: string; release: string } {
  const script = join(h.cwd, "slowgen.sh");
  const release = join(h.cwd, "release");
  writeFileSync(
    script,
    [
      "#!/bin/sh",
      'k=$(basename "$1")',
      `touch '${h.cwd}'/started-"$k"`,
      "i=0",
      `while [ ! -e '${release}' ] && [ $i -lt 3000 ]; do sleep 0.2; i=$((i+1)); done`,
      `printf '{"parameters": {"x": 0.%s5}}' "$k" > "$1/results.json"`,
      "",
    ].join("\n"),
  );
  return { command: `sh ${script}`, started: join(h.cwd, "started-0"), release };
}

function adoptSpec(daemon: Daemon, h: DaemonHome, spec: string): Promise<string> {
  const open = createCampaignRecord(
    buildCampaign(loadSpecFile(spec), { cwd: h.cwd, warnings: { warn: () => undefined } }),
  );
  open.db.close();
  rememberCampaign(campaignUid(open.dir));
  return daemon.adopt(open.dir).then(() => open.dir);
}

function summaryOf(daemon: Daemon, dir: string): CampaignSummary {
  const c = daemon.list().find((s) => s.dir === dir);
  if (!c) throw new Error(`the daemon does not list ${dir}`);
  return c;
}

/** test/helpers/waitFor.until with this file's limit (200 s) and interval (200 ms). */
const until = (what: string, ok: () => boolean, timeoutMs = 200_000): Promise<void> =>
  waitUntil(what, ok, timeoutMs, 200);

describe.skipIf(slurmSkipped())("proposal isolation in the daemon", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
    process.env.SLURMOPT_POLL_FLOOR_MS = POLL_FLOOR_MS;
  });

  afterAll(async () => {
    for (const d of daemons) await d.stop();
    expect(await cancelLeftovers(), "jobs left behind").toEqual([]);
  });

  it("a campaign whose generator call runs on does not stall another campaign's proposals, polling and collection", async () => {
    const h = daemonHome("isolation");
    mkdirSync(h.home, { recursive: true });
    const daemon = new Daemon({
      paths: daemonPaths({ SLURMOPT_HOME: h.home, XDG_RUNTIME_DIR: "" }),
      logger: silentLogger(),
      cron: new ManualCronDriver(new Date()),
      config: { ...DEFAULT_CONFIG, idleMs: 200, dashboard: null },
      version: "test",
    });
    daemons.push(daemon);
    await daemon.start();
    const gen = slowGenerator(h);
    const slow = await adoptSpec(
      daemon,
      h,
      writeDaemonSpec(h, "dslowgen", {
        maxEval: 2,
        parallelism: 1,
        sleep: 1,
        extra: {
          strategy: "EXTERNAL_GENERATOR",
          external_generator: { command: gen.command, timeout: "15m", on_failure: "stop" },
        },
      }),
    );
    await until("the slow generator's first call", () => existsSync(gen.started));

    const fast = await adoptSpec(
      daemon,
      h,
      writeDaemonSpec(h, "dfastgen", { maxEval: 6, parallelism: 2, sleep: 1 }),
    );
    await until(
      "the other campaign's end",
      () => summaryOf(daemon, fast).daemonState === "finished",
    );
    const f = summaryOf(daemon, fast);
    expect(f.state, f.lastError ?? "").toBe("COMPLETED");
    expect(f.done).toBe(6);
    // All the while the slow campaign's generator was still in its first call.
    expect(existsSync(gen.release)).toBe(false);
    const s = summaryOf(daemon, slow);
    expect(s.daemonState).toBe("driving");
    expect(s.total).toBe(0);
    expect(daemon.status().clusters[0]!.pollCycles).toBeGreaterThan(0);

    writeFileSync(gen.release, "");
    await until(
      "the slow campaign's end",
      () => summaryOf(daemon, slow).daemonState === "finished",
    );
    const done = summaryOf(daemon, slow);
    expect(done.state, done.lastError ?? "").toBe("COMPLETED");
    expect(done.done).toBe(2);
    await daemon.stop();
  }, 300_000);
});
