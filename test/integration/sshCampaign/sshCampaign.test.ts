/**
 * `slurmopt run` driving the real Slurm cluster over SSH (the loopback file.sshd on 127.0.0.1, the
 * same machine as the cluster): a full campaign, the remote preflight, and the refusals of a
 * changed host key, an unknown host and a wrong user key.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/runCli.js";
import {
  CLI_ENV,
  campaignDirOf,
  campaignUid,
  exactlyOnceProblems,
  rewriteStoredSsh,
  startCli,
  submittedCount,
  sacctRows,
  settledSacctRows,
  writeSshSpec,
  useOwnSshd,
} from "./sshCampaignKit.js";

// This file's own sshd: another suite's global teardown cannot stop it under these tests.
const OWN = { port: 2231, dir: "/tmp/slurmopt-sshd-sshcampaign" };
const file = useOwnSshd(OWN);
const fresh = file.fresh;

describe("a Slurm campaign over SSH", () => {
  it("runs 24 trials with parallelism 4 to completion, jobs and outputs under remote_dir, the state local", async () => {
    const { cwd, name } = fresh("sshc24");
    const spec = writeSshSpec(cwd, name, file.sshd, { maxEval: 24, parallelism: 4, sleepS: 1 });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/state: COMPLETED/);
    expect(r.stdout).toMatch(/24 completed, 0 failed/);

    const dir = campaignDirOf(r.stderr);
    const uid = campaignUid(dir);
    const rows = await settledSacctRows(dir);
    expect(exactlyOnceProblems(dir, cwd, rows, 24)).toEqual([]);

    // Job scripts and outputs live under <remote_dir>/<name>/<uid>/jobs/<trial>/<attempt>.
    const jobs = join(cwd, "remote", name, uid, "jobs");
    expect(readdirSync(jobs).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 24 }, (_, i) => String(i)),
    );
    for (let t = 0; t < 24; t++) {
      expect(existsSync(join(jobs, String(t), "1", "job.sbatch")), `trial ${t}`).toBe(true);
      expect(readFileSync(join(jobs, String(t), "1", "stdout"), "utf8")).toMatch(/^RESULT: /m);
    }
    // The SQLite state stays with the controller, never on the cluster side.
    expect(existsSync(join(dir, "campaign.db"))).toBe(true);
    expect(existsSync(join(cwd, "remote", name, uid, "campaign.db"))).toBe(false);
    expect(readFileSync(join(dir, "results.csv"), "utf8").trim().split("\n")).toHaveLength(25);
  }, 300_000);

  it("finds sbatch through path_prefix when the setup lines leave PATH without it", async () => {
    const { cwd, name } = fresh("sshpfx");
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 3,
      parallelism: 3,
      sleepS: 0,
      ssh: { setup: ["PATH=/opt/no-slurm/bin; export PATH"], path_prefix: "/usr/bin:/bin" },
    });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 completed, 0 failed/);
  }, 180_000);
});

describe("resume over SSH", () => {
  it("re-attaches the jobs of a killed controller and finishes the campaign, every trial run once", async () => {
    const { cwd, name } = fresh("sshres");
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 8,
      parallelism: 4,
      sleepS: 4,
      // Slurm is found only through the PATH prefix (as on a site where a module provides it).
      ssh: { setup: ["PATH=/opt/no-slurm/bin; export PATH"], path_prefix: "/usr/bin:/bin" },
    });
    const first = startCli(["run", spec], cwd);
    let dir: string | null = null;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (dir === null || submittedCount(dir) < 4)) {
      await sleep(200);
      if (dir === null && /campaign \S+ in \S+ \(seed/.test(first.stderr()))
        dir = campaignDirOf(first.stderr());
    }
    await first.kill();
    expect(dir).not.toBeNull();
    expect(submittedCount(dir!)).toBeGreaterThanOrEqual(4);
    // As stored before ssh_config, passphrase_env and keepalive: path_prefix one string.
    rewriteStoredSsh(dir!, ({ sshConfig, passphraseEnv, keepaliveSeconds, ...rest }) => {
      expect([sshConfig, passphraseEnv, keepaliveSeconds]).toEqual([false, null, null]);
      return { ...rest, pathPrefix: "/usr/bin:/bin" };
    });

    const r = await runCli(["resume", dir!], { cwd, env: CLI_ENV, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/8 completed, 0 failed/);
    const rows = await settledSacctRows(dir!);
    expect(exactlyOnceProblems(dir!, cwd, rows, 8)).toEqual([]);
  }, 300_000);
});

describe("authentication and ~/.ssh/config from the spec", () => {
  it("connects through a Host alias of the ssh_config file (HostName, Port, User, IdentityFile, UserKnownHostsFile)", async () => {
    const { cwd, name } = fresh("sshalias");
    const config = join(cwd, "ssh_config");
    writeFileSync(
      config,
      [
        "Host testcluster",
        `  HostName ${file.sshd.host}`,
        `  Port ${file.sshd.port}`,
        `  User ${file.sshd.user}`,
        `  IdentityFile ${file.sshd.userKey}`,
        `  UserKnownHostsFile ${file.sshd.knownHostsHashed}`,
        "  ServerAliveInterval 5",
        "",
      ].join("\n"),
    );
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 2,
      parallelism: 2,
      sleepS: 0,
      ssh: {
        host: "testcluster",
        port: undefined,
        user: undefined,
        identity_file: undefined,
        known_hosts: undefined,
        ssh_config: config,
      },
    });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 completed, 0 failed/);
  }, 120_000);

  it("decrypts an encrypted key with the passphrase from the variable passphrase_env names, and says which variable is missing", async () => {
    const ssh = {
      identity_file: file.sshd.userKeyEncrypted,
      passphrase_env: "TEST_KEY_PASSPHRASE",
    };
    const { cwd, name } = fresh("sshpass");
    const spec = writeSshSpec(cwd, name, file.sshd, { maxEval: 2, parallelism: 2, sleepS: 0, ssh });
    const ok = await runCli(["run", spec], {
      cwd,
      env: { ...CLI_ENV, TEST_KEY_PASSPHRASE: file.sshd.userKeyPassphrase },
      timeoutMs: 120_000,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/2 completed, 0 failed/);

    const missing = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 120_000 });
    expect(missing.code, missing.stderr).toBe(4);
    expect(missing.stderr).toMatch(/\[SSH_AUTH\]/);
    expect(missing.stderr).toContain("set $TEST_KEY_PASSPHRASE");
  }, 180_000);
});

describe("the preflight over SSH", () => {
  it("names the Slurm commands the remote shell lacks, with its PATH and how to fix it, and submits nothing", async () => {
    const { cwd, name } = fresh("sshnosb");
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 4,
      parallelism: 2,
      sleepS: 0,
      ssh: { setup: ["echo loading the site setup", "PATH=/opt/no-slurm/bin; export PATH"] },
    });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\[PREFLIGHT_FAILED\]/);
    expect(r.stderr).toMatch(
      /sbatch, squeue, sacct, scancel, scontrol, sinfo are not found on ssh /,
    );
    expect(r.stderr).toMatch(/PATH there: \/opt\/no-slurm\/bin/);
    expect(r.stderr).toMatch(/the setup lines printed: loading the site setup/);
    expect(r.stderr).toMatch(/ssh\.path_prefix/);
    expect(await sacctRows(`${name}-`)).toEqual([]);
  }, 120_000);
});

describe("refusals before anything is sent", () => {
  async function refused(
    prefix: string,
    ssh: Record<string, unknown>,
  ): Promise<{ code: number; stderr: string; cwd: string; name: string }> {
    const { cwd, name } = fresh(prefix);
    const spec = writeSshSpec(cwd, name, file.sshd, { maxEval: 4, parallelism: 2, sleepS: 0, ssh });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 120_000 });
    // Nothing reached the cluster: no job under this name, not even the remote directory.
    expect(await sacctRows(`${name}-`)).toEqual([]);
    expect(existsSync(join(cwd, "remote"))).toBe(false);
    return { code: r.code, stderr: r.stderr, cwd, name };
  }

  it("refuses a changed host key loudly (exit 4), naming both fingerprints and the fix", async () => {
    const r = await refused("sshchg", { known_hosts: file.sshd.knownHostsChanged });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/\[SSH_HOST_KEY\]/);
    expect(r.stderr).toMatch(/SSH HOST KEY FOR \[127\.0\.0\.1\]:\d+ HAS CHANGED/);
    expect(r.stderr).toMatch(/man-in-the-middle/);
    expect(r.stderr.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toContain(`ssh-keygen -R '[127.0.0.1]:${file.sshd.port}'`);
  }, 120_000);

  it("refuses an unknown host (exit 4) with its fingerprint and how to add it", async () => {
    const r = await refused("sshunk", { known_hosts: file.sshd.knownHostsUnknown });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/\[SSH_HOST_KEY\]/);
    expect(r.stderr).toMatch(
      /SSH host \[127\.0\.0\.1\]:\d+ is not known: it presented ssh-ed25519 key SHA256:/,
    );
    expect(r.stderr).toContain(`ssh-keyscan -p ${file.sshd.port} -t ed25519 127.0.0.1 >>`);
  }, 120_000);

  it("refuses an unknown host whose known_hosts file does not exist, saying so", async () => {
    const r = await refused("sshnokh", { known_hosts: "/nonexistent/known_hosts" });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/searched \/nonexistent\/known_hosts; none of them exists/);
  }, 120_000);

  it("fails on a user key the server does not accept (exit 4), naming the key offered", async () => {
    const r = await refused("sshkey", { identity_file: file.sshd.userKeyUnauthorized });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/\[SSH_AUTH\]/);
    expect(r.stderr).toMatch(/SSH authentication failed for \S+@127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain(file.sshd.userKeyUnauthorized);
  }, 120_000);
});
