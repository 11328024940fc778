import { describe, expect, it } from "vitest";
import { buildCampaign } from "../../../src/spec/buildCampaign.js";
import type { SshSettings } from "../../../src/spec/campaign.js";

const base = {
  name: "demo",
  parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
  program: "python3 run.py --x %(x)",
  max_eval: 4,
};

function ssh(section: Record<string, unknown>): SshSettings {
  const c = buildCampaign(
    { ...base, ssh: section },
    { cwd: "/home/u/project", warnings: { warn: () => undefined } },
  );
  if (c.ssh === null) throw new Error("no ssh settings");
  return c.ssh;
}

describe("the spec's ssh section", () => {
  it("defaults: workdir is remote_dir, OpenSSH's config and keepalive, no PATH prefix", () => {
    expect(ssh({ host: "hpc", remote_dir: "/scratch/u/runs" })).toEqual({
      host: "hpc",
      user: null,
      port: null,
      identityFile: null,
      knownHosts: null,
      remoteDir: "/scratch/u/runs",
      workdir: "/scratch/u/runs",
      pathPrefix: [],
      setup: [],
      sshConfig: null,
      passphraseEnv: null,
      keepaliveSeconds: null,
    });
  });

  it("resolves relative local paths from the directory of the run and keeps ~ for the transport", () => {
    const s = ssh({
      host: "hpc",
      remote_dir: "/scratch/u/runs",
      identity_file: "keys/id_hpc",
      known_hosts: "~/.ssh/known_hosts",
      ssh_config: "ssh/config",
    });
    expect(s.identityFile).toBe("/home/u/project/keys/id_hpc");
    expect(s.knownHosts).toBe("~/.ssh/known_hosts");
    expect(s.sshConfig).toBe("/home/u/project/ssh/config");
  });

  it("reads ssh_config: none as no config, splits path_prefix on colons, and takes keepalive as a duration", () => {
    const s = ssh({
      host: "hpc",
      remote_dir: "/r",
      ssh_config: "none",
      path_prefix: "/opt/slurm/bin:~/bin:",
      keepalive: "1m",
      passphrase_env: "HPC_KEY_PASS",
    });
    expect(s.sshConfig).toBe(false);
    expect(s.pathPrefix).toEqual(["/opt/slurm/bin", "~/bin"]);
    expect(s.keepaliveSeconds).toBe(60);
    expect(s.passphraseEnv).toBe("HPC_KEY_PASS");
    expect(ssh({ host: "hpc", remote_dir: "/r", keepalive: 0 }).keepaliveSeconds).toBe(0);
    expect(ssh({ host: "hpc", remote_dir: "/r", keepalive: 30 }).keepaliveSeconds).toBe(30);
  });

  it("refuses a relative or ~ remote_dir and workdir, which job scripts and SFTP would not expand", () => {
    expect(() => ssh({ host: "hpc", remote_dir: "~/runs" })).toThrow(
      /field "ssh.remote_dir": "~\/runs" is a directory on the cluster and must be absolute/,
    );
    expect(() => ssh({ host: "hpc", remote_dir: "/r", workdir: "work" })).toThrow(
      /field "ssh.workdir"/,
    );
  });

  it("refuses a passphrase_env that is not a variable name (a passphrase pasted by mistake)", () => {
    expect(() => ssh({ host: "hpc", remote_dir: "/r", passphrase_env: "my secret!" })).toThrow(
      /never the passphrase itself/,
    );
  });

  it("refuses a port above 65535 and unknown keys", () => {
    expect(() => ssh({ host: "hpc", remote_dir: "/r", port: 70000 })).toThrow(/ssh\.port/);
    expect(() => ssh({ host: "hpc", remote_dir: "/r", proxy_jump: "gw" })).toThrow(/proxy_jump/);
  });
});
