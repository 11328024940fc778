/**
 * The campaign commands that talk to the daemon, through the built CLI on the real cluster:
 * submit, stop and adopt (the campaign goes on where it was), follow until the end, cancel
 * (its jobs leave the queue), logs of the daemon and of a campaign, and a folder that is gone
 * marked "missing" in list without harming the daemon.
 */
import { execFile } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  campaignUid,
  cancelLeftovers,
  perTrialProblems,
  rememberCampaign,
  settledSacctRows,
} from "../slurmCrash/slurmCrashKit.js";
import {
  cli,
  daemonHome,
  list,
  stopAllDaemons,
  writeDaemonSpec,
  type DaemonHome,
} from "./daemonKit.js";
import type { CampaignSummary } from "../../../src/daemon/protocol.js";
import { openCampaign } from "../../../src/index.js";
import { until as waitUntil } from "../../helpers/waitFor.js";

const run = promisify(execFile);

async function summaryOf(h: DaemonHome, dir: string): Promise<CampaignSummary> {
  const c = (await list(h)).find((s) => s.dir === dir);
  if (!c) throw new Error(`the daemon does not list ${dir}`);
  return c;
}

/** test/helpers/waitFor.until with this file's limit (200 s) and interval (300 ms). */
const until = (what: string, ok: () => Promise<boolean>, timeoutMs = 200_000): Promise<void> =>
  waitUntil(what, ok, timeoutMs, 300);

/** Jobs of a campaign still in squeue (any state). */
async function queued(uid: string): Promise<string[]> {
  const r = await run("squeue", ["--me", "--noheader", "--format=%i|%T|%j"]);
  return r.stdout.split("\n").filter((l) => l.includes(`-${uid}-`));
}

describe.skipIf(slurmSkipped())("campaign commands through the daemon", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await stopAllDaemons(), "daemons left running").toEqual([]);
    expect(await cancelLeftovers(), "jobs left behind").toEqual([]);
  });

  it("submit, stop, adopt, follow, cancel, logs, and a folder that is gone", async () => {
    const h = daemonHome("commands");
    // Its trials wait for the gate, so none can end before the stop below, however slow the CLI
    // is on a loaded machine; the gate opens once the campaign is adopted.
    const gate = join(h.cwd, "gate");
    const submitted = await cli(h, [
      "submit",
      writeDaemonSpec(h, "dcmd-a", { maxEval: 6, parallelism: 2, sleep: 2, gate }),
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const a = submitted.stdout.trim().split("\n").at(-1)!;
    rememberCampaign(campaignUid(a));

    // stop while its first trials run (or wait in Slurm's queue): the daemon lets go, the jobs
    // go on; those queued behind them (submit-ahead) are held.
    await until("a submitted trial", async () => {
      const s = await summaryOf(h, a);
      return s.running + s.queued > 0;
    });
    const stopped = await cli(h, ["stop", a]);
    expect(stopped.code, stopped.stderr).toBe(0);
    const afterStop = await summaryOf(h, a);
    expect(afterStop.daemonState).toBe("stopped");
    expect(afterStop.state).toBe("STOPPED");

    // adopt: taken up again where it was; follow prints until the end.
    const adopted = await cli(h, ["adopt", a]);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toContain(`the daemon drives ${a}`);
    // status reads the folder and says that the daemon drives it.
    const status = await cli(h, ["status", a, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ daemon: "driving", state: "RUNNING" });
    writeFileSync(gate, "");
    const followed = await cli(h, ["follow", a]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toMatch(
      /dcmd-a: 6\/6 done, 0 failed, 0 running, 0 queued .*\(COMPLETED\)/,
    );
    expect(perTrialProblems(await settledSacctRows(a), 6)).toEqual([]);
    const ended = await cli(h, ["status", a]);
    expect(ended.stdout).not.toContain("the slurmopt daemon drives it");

    // cancel: the campaign ends CANCELLED and its jobs leave the queue.
    const b = (
      await cli(h, [
        "submit",
        writeDaemonSpec(h, "dcmd-b", { maxEval: 6, parallelism: 2, sleep: 120 }),
      ])
    ).stdout
      .trim()
      .split("\n")
      .at(-1)!;
    const uidB = campaignUid(b);
    rememberCampaign(uidB);
    await until("b's jobs in the queue", async () => (await queued(uidB)).length > 0);
    const cancelled = await cli(h, ["cancel", b]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect((await summaryOf(h, b)).state).toBe("CANCELLED");
    // Its trials were cancelled, not lost: a pending array cancelled before Slurm split it
    // shows in sacct as one bare line (once seen here as "not in squeue or sacct for 120 s").
    const ofB = await openCampaign(b, { readonly: true });
    try {
      const states = ofB.trials().map((t) => t.state);
      expect(states.length).toBeGreaterThan(0);
      expect(
        states.every((st) => st === "CANCELLED"),
        states.join(","),
      ).toBe(true);
    } finally {
      await ofB.close();
    }
    await until(
      "b's jobs gone from the queue",
      async () => (await queued(uidB)).length === 0,
      60_000,
    );

    // logs: the daemon's own, and the campaign's slurmopt.log.
    const daemonLog = await cli(h, ["logs"]);
    expect(daemonLog.code).toBe(0);
    expect(daemonLog.stdout).toContain("driving campaign");
    const campaignLog = await cli(h, ["logs", a]);
    expect(campaignLog.code).toBe(0);
    expect(campaignLog.stdout.length).toBeGreaterThan(0);

    // A folder that is gone: list marks it missing, the daemon goes on serving.
    renameSync(b, `${b}.moved`);
    const shown = await cli(h, ["list", "--json"]);
    expect(shown.code, shown.stderr).toBe(0);
    const rows = JSON.parse(shown.stdout) as CampaignSummary[];
    expect(rows.find((r) => r.dir === b)?.daemonState).toBe("missing");
    expect(rows.find((r) => r.dir === a)?.state).toBe("COMPLETED");
    renameSync(`${b}.moved`, b);
  }, 420_000);
});
