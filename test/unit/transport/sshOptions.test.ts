import { describe, expect, it } from "vitest";
import type { SshConfigContext } from "../../../src/transport/sshConfig.js";
import { resolveSshOptionsFromText } from "../../../src/transport/sshOptions.js";

const ctx: SshConfigContext = {
  homeDir: "/home/alice",
  localUser: "alice",
  localHostName: "laptop",
  uid: 1000,
  env: { SSH_AUTH_SOCK: "/run/user/1000/agent.sock" },
  configFile: "/home/alice/.ssh/config",
};

const CONFIG = `
Host hpc
  HostName login.hpc.example.org
  User asmith
  Port 2200
  IdentityFile ~/.ssh/id_hpc
  ServerAliveInterval 20
  ServerAliveCountMax 5
  ConnectTimeout 8

Host compute
  HostName node01
  ProxyJump jump@gw.example.org:2022
  IdentityFile ~/.ssh/id_compute

Host gw.example.org
  IdentityFile ~/.ssh/id_gw
  IdentityAgent none

Host loop
  ProxyJump loop2
Host loop2
  ProxyJump loop
`;

describe("resolveSshOptionsFromText", () => {
  it("applies OpenSSH defaults without a config", () => {
    const r = resolveSshOptionsFromText({ host: "cluster.example.org" }, null, ctx);
    expect(r.target).toMatchObject({
      host: "cluster.example.org",
      port: 22,
      user: "alice",
      lookupName: "cluster.example.org",
    });
    expect(r.target.identityFiles).toEqual([
      { path: "/home/alice/.ssh/id_rsa", explicit: false },
      { path: "/home/alice/.ssh/id_ecdsa", explicit: false },
      { path: "/home/alice/.ssh/id_ed25519", explicit: false },
    ]);
    expect(r.knownHostsFiles).toEqual([
      "/home/alice/.ssh/known_hosts",
      "/home/alice/.ssh/known_hosts2",
      "/etc/ssh/ssh_known_hosts",
      "/etc/ssh/ssh_known_hosts2",
    ]);
    expect(r.agent).toBe("/run/user/1000/agent.sock");
    expect(r).toMatchObject({
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 3,
      connectTimeoutMs: 20_000,
      jump: null,
    });
  });

  it("expands ~ in explicit key and known_hosts files", () => {
    const r = resolveSshOptionsFromText(
      {
        host: "cluster.example.org",
        identityFiles: ["~/.ssh/id_hpc"],
        knownHostsFiles: ["~/.ssh/known_hosts_hpc", "/etc/hpc_known_hosts"],
      },
      null,
      ctx,
    );
    expect(r.target.identityFiles).toEqual([{ path: "/home/alice/.ssh/id_hpc", explicit: true }]);
    expect(r.knownHostsFiles).toEqual(["/home/alice/.ssh/known_hosts_hpc", "/etc/hpc_known_hosts"]);
  });

  it("takes HostName, User, Port, IdentityFile and keepalive from a Host alias", () => {
    const r = resolveSshOptionsFromText({ host: "hpc" }, CONFIG, ctx);
    expect(r.target).toMatchObject({
      host: "login.hpc.example.org",
      port: 2200,
      user: "asmith",
      lookupName: "[login.hpc.example.org]:2200",
      identityFiles: [{ path: "/home/alice/.ssh/id_hpc", explicit: false }],
    });
    expect(r).toMatchObject({
      keepaliveIntervalMs: 20_000,
      keepaliveCountMax: 5,
      connectTimeoutMs: 8000,
    });
  });

  it("lets explicit options beat the config (user, port, key, known_hosts, agent, keepalive)", () => {
    const r = resolveSshOptionsFromText(
      {
        host: "hpc",
        user: "bob",
        port: 22,
        identityFiles: ["~/keys/k1"],
        knownHostsFiles: ["/etc/slurmopt/known_hosts"],
        agent: false,
        keepaliveIntervalMs: 0,
      },
      CONFIG,
      ctx,
    );
    expect(r.target).toMatchObject({
      host: "login.hpc.example.org",
      user: "bob",
      port: 22,
      lookupName: "login.hpc.example.org",
      identityFiles: [{ path: "/home/alice/keys/k1", explicit: true }],
    });
    expect(r.knownHostsFiles).toEqual(["/etc/slurmopt/known_hosts"]);
    expect(r.agent).toBeNull();
    expect(r.keepaliveIntervalMs).toBe(0);
  });

  it("resolves the ProxyJump host through the config too, with the jump's user and port", () => {
    const r = resolveSshOptionsFromText({ host: "compute" }, CONFIG, ctx);
    expect(r.target).toMatchObject({ host: "node01", port: 22, user: "alice" });
    expect(r.jump).toMatchObject({ host: "gw.example.org", port: 2022, user: "jump" });
    expect(r.jump!.identityFiles.map((f) => f.path)).toEqual([
      "/home/alice/.ssh/id_compute",
      "/home/alice/.ssh/id_gw",
    ]);
  });

  it("refuses a jump host with a ProxyJump of its own (more than one hop)", () => {
    expect(() => resolveSshOptionsFromText({ host: "loop" }, CONFIG, ctx)).toThrow(/one hop/);
  });

  it("refuses a port outside 1-65535", () => {
    expect(() => resolveSshOptionsFromText({ host: "x", port: 70000 }, null, ctx)).toThrow(
      /not a port number/,
    );
  });

  it("uses no agent when the config says IdentityAgent none and no agent option is given", () => {
    expect(resolveSshOptionsFromText({ host: "gw.example.org" }, CONFIG, ctx).agent).toBeNull();
  });
});
