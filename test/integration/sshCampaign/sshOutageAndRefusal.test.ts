/**
 * Over SSH against the real cluster: submissions that cannot reach Slurm wait and go through
 * once it answers (no trial fails for an outage), and a host key that changes in the middle of
 * a campaign stops it with the reason (nothing more is submitted, the running jobs go on) until
 * `slurmopt resume` finds the right key again.
 */
import Database from "better-sqlite3";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../../helpers/runCli.js";
import {
  CLI_ENV,
  campaignDirOf,
  cutSessions,
  exactlyOnceProblems,
  settledSacctRows,
  submittedCount,
  writeSbatchWrapper,
  writeSshSpec,
  logMessages,
  useOwnSshd,
} from "./sshCampaignKit.js";

// This file's own sshd: cutting its sessions touches only this file's campaigns.
const OWN = { port: 2233, dir: "/tmp/slurmopt-sshd-sshrefusal" };
const file = useOwnSshd(OWN);

function attemptFaults(dir: string): (string | null)[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return (db.prepare("SELECT fault FROM attempts").all() as { fault: string | null }[]).map(
      (r) => r.fault,
    );
  } finally {
    db.close();
  }
}

function campaignRow(dir: string): { state: string; reason: string | null } {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT state, stop_reason AS reason FROM campaigns").get() as {
      state: string;
      reason: string | null;
    };
  } finally {
    db.close();
  }
}

describe("a Slurm campaign over SSH when the cluster cannot be reached or refuses", () => {
  it("keeps trials waiting through an sbatch outage and submits them once Slurm answers: none fails, none runs twice", async () => {
    const { cwd, name } = file.fresh("sshoutage");
    // An sbatch on the cluster side's PATH that answers as a down slurmctld does for its first
    // 6 calls (two whole submissions with their retries), then submits with the real one.
    const calls = join(cwd, "sbatch-calls");
    const bin = writeSbatchWrapper(cwd, (realSbatch) => [
      `echo call >> ${calls}`,
      `if [ "$(wc -l < ${calls})" -le 6 ]; then`,
      '  echo "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)" >&2',
      "  exit 1",
      "fi",
      `exec ${realSbatch} "$@"`,
    ]);
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 6,
      parallelism: 2,
      sleepS: 1,
      ssh: { path_prefix: bin },
    });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/6 completed, 0 failed/);
    const dir = campaignDirOf(r.stderr);
    expect(readFileSync(calls, "utf8").trim().split("\n").length).toBeGreaterThan(6);
    expect(attemptFaults(dir)).not.toContain("SUBMIT_FAILED");
    const waits = logMessages(dir).filter((m) => /wait for submission/.test(m));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]).toMatch(/Unable to contact slurm controller.*trying again in 5 s/);
    expect(waits[1]).toMatch(/trying again in 10 s/);
    const rows = await settledSacctRows(dir);
    expect(exactlyOnceProblems(dir, cwd, rows, 6)).toEqual([]);
  }, 300_000);

  it("stops when the host key changes mid-campaign (running jobs go on) and completes on resume with the right key", async () => {
    const { cwd, name } = file.fresh("sshhostkey");
    const knownHosts = join(cwd, "known_hosts");
    copyFileSync(file.sshd.knownHosts, knownHosts);
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 6,
      parallelism: 2,
      sleepS: 3,
      ssh: { known_hosts: knownHosts },
    });
    let done: CliResult | null = null;
    const cli = runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 240_000 }).then((res) => {
      done = res;
      return res;
    });
    // Once the first jobs are submitted, the server "changes" its key: the next connection
    // meets a known_hosts entry that no longer matches, as after a reinstall or an attack.
    let dir: string | null = null;
    const deadline = Date.now() + 120_000;
    while (done === null && Date.now() < deadline && (dir === null || submittedCount(dir) < 2)) {
      await sleep(200);
      const runs = join(cwd, "runs", name);
      if (dir === null && existsSync(join(runs, "0", "campaign.db"))) dir = join(runs, "0");
    }
    expect(done, "the campaign ended before the key changed").toBeNull();
    expect(dir).not.toBeNull();
    copyFileSync(file.sshd.knownHostsChanged, knownHosts);
    await cutSessions(OWN);
    const r = await cli;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/host key/i);
    const row = campaignRow(dir!);
    expect(row.state).toBe("FAILED");
    expect(row.reason).toMatch(/refused access: .*host key.*slurmopt resume/is);
    // Nothing failed for it: submitted trials were left to run, the rest wait.
    expect(attemptFaults(dir!)).not.toContain("SUBMIT_FAILED");

    copyFileSync(file.sshd.knownHosts, knownHosts);
    const resumed = await runCli(["resume", dir!], { cwd, env: CLI_ENV, timeoutMs: 240_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/6 completed, 0 failed/);
    const rows = await settledSacctRows(dir!);
    expect(exactlyOnceProblems(dir!, cwd, rows, 6)).toEqual([]);
  }, 420_000);
});
