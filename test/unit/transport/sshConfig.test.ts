import { describe, expect, it } from "vitest";
import { expandPath, parseJumpHost, resolveSshHost } from "../../../src/transport/sshConfig.js";
import type { SshConfigContext } from "../../../src/transport/sshConfig.js";

const ctx: SshConfigContext = {
  homeDir: "/home/alice",
  localUser: "alice",
  localHostName: "laptop.lan",
  uid: 1000,
  env: { SSH_AUTH_SOCK: "/run/agent.sock", KEYDIR: "/keys" },
  configFile: "/home/alice/.ssh/config",
};

const CONFIG = `
# cluster aliases
Host hpc hpc-login
  HostName login1.cluster.example.org
  User a.smith
  Port 2222
  IdentityFile ~/.ssh/id_hpc
  IdentityFile \${KEYDIR}/%r@%h:%p
  IdentitiesOnly yes
  ServerAliveInterval 30
  ServerAliveCountMax 4
  UserKnownHostsFile ~/.ssh/known_hosts_hpc /etc/ssh/hpc_known_hosts

Host compute
  HostName node%h.internal
  ProxyJump a.smith@gw.cluster.example.org:2201

Host twohops
  ProxyJump gw1,gw2

Host viacmd
  ProxyCommand ssh -W %h:%p gw

Host noagent
  IdentityAgent none
  HostKeyAlias cluster-alias
  ConnectTimeout 7

Host *.cluster.example.org
  User fallback
  Port 2200

Host *
  ServerAliveInterval 60
  IdentityFile ~/.ssh/id_ed25519
`;

describe("resolveSshHost", () => {
  it("resolves an alias to HostName, User, Port, IdentityFile (expanded) and keepalive", () => {
    const h = resolveSshHost(CONFIG, "hpc", ctx);
    expect(h.hostName).toBe("login1.cluster.example.org");
    expect(h.user).toBe("a.smith");
    expect(h.port).toBe(2222);
    expect(h.identityFiles).toEqual([
      "/home/alice/.ssh/id_hpc",
      "/keys/a.smith@login1.cluster.example.org:2222",
      "/home/alice/.ssh/id_ed25519",
    ]);
    expect(h.identitiesOnly).toBe(true);
    expect(h.serverAliveIntervalSec).toBe(30);
    expect(h.serverAliveCountMax).toBe(4);
    expect(h.userKnownHostsFiles).toEqual([
      "/home/alice/.ssh/known_hosts_hpc",
      "/etc/ssh/hpc_known_hosts",
    ]);
    expect(h.proxyJump).toBeNull();
  });

  it("matches the second name of a multi-name Host line", () => {
    expect(resolveSshHost(CONFIG, "hpc-login", ctx).hostName).toBe("login1.cluster.example.org");
  });

  it("keeps the first value: a specific block wins over the Host * defaults", () => {
    expect(resolveSshHost(CONFIG, "hpc", ctx).serverAliveIntervalSec).toBe(30);
    expect(resolveSshHost(CONFIG, "compute", ctx).serverAliveIntervalSec).toBe(60);
  });

  it("uses explicit user and port for the %r and %p tokens", () => {
    const h = resolveSshHost(CONFIG, "hpc", ctx, { user: "bob", port: 22 });
    expect(h.identityFiles[1]).toBe("/keys/bob@login1.cluster.example.org:22");
  });

  it("expands %h in HostName and parses a one-hop ProxyJump with user and port", () => {
    const h = resolveSshHost(CONFIG, "compute", ctx);
    expect(h.hostName).toBe("nodecompute.internal");
    expect(h.proxyJump).toEqual({ user: "a.smith", host: "gw.cluster.example.org", port: 2201 });
  });

  it("applies wildcard Host patterns to a plain host name not listed as an alias", () => {
    const h = resolveSshHost(CONFIG, "login7.cluster.example.org", ctx);
    expect(h.hostName).toBe("login7.cluster.example.org");
    expect(h.user).toBe("fallback");
    expect(h.port).toBe(2200);
  });

  it("returns the bare name and no settings for an unknown host or without a config", () => {
    const h = resolveSshHost(null, "cluster.example.org", ctx);
    expect(h).toMatchObject({
      hostName: "cluster.example.org",
      user: null,
      port: null,
      identityFiles: [],
    });
    expect(h.proxyJump).toBeNull();
  });

  it("reads IdentityAgent none, HostKeyAlias and ConnectTimeout", () => {
    const h = resolveSshHost(CONFIG, "noagent", ctx);
    expect(h.identityAgent).toBe("none");
    expect(h.hostKeyAlias).toBe("cluster-alias");
    expect(h.connectTimeoutSec).toBe(7);
  });

  it("refuses a multi-hop ProxyJump, naming the config file and host", () => {
    expect(() => resolveSshHost(CONFIG, "twohops", ctx)).toThrow(
      /\/home\/alice\/.ssh\/config.*twohops.*one jump host/,
    );
  });

  it("refuses ProxyCommand rather than silently connecting directly", () => {
    expect(() => resolveSshHost(CONFIG, "viacmd", ctx)).toThrow(/ProxyCommand.*ProxyJump/);
  });

  it("reports a Port that is not a number", () => {
    expect(() => resolveSshHost("Host x\n  Port ssh\n", "x", ctx)).toThrow(
      /Port "ssh" for host "x"/,
    );
  });

  it("never evaluates Match exec blocks", () => {
    const text = `Match exec "exit 0"\n  User fromexec\nHost *\n  User plain\n`;
    expect(resolveSshHost(text, "any", ctx).user).toBe("plain");
  });

  it("treats directive names case-insensitively, as OpenSSH does", () => {
    const h = resolveSshHost("Host x\n  hostname X.ORG\n  USER u\n  port 23\n", "x", ctx);
    expect(h).toMatchObject({ hostName: "X.ORG", user: "u", port: 23 });
  });
});

describe("parseJumpHost", () => {
  it("parses host, user@host, host:port, ssh:// and bracketed IPv6 forms", () => {
    expect(parseJumpHost("gw")).toEqual({ user: null, host: "gw", port: null });
    expect(parseJumpHost("me@gw:2022")).toEqual({ user: "me", host: "gw", port: 2022 });
    expect(parseJumpHost("ssh://me@gw")).toEqual({ user: "me", host: "gw", port: null });
    expect(parseJumpHost("[::1]:2222")).toEqual({ user: null, host: "::1", port: 2222 });
  });
});

describe("expandPath", () => {
  const tokens = { host: "h.org", alias: "h", port: 2222, remoteUser: "r" };
  it("expands ~, ${VAR} and %%, %d, %u, %l, %L, %i, %n tokens", () => {
    expect(expandPath("~/.ssh/id_%n_%u", ctx, tokens)).toBe("/home/alice/.ssh/id_h_alice");
    expect(expandPath("%d/%l/%L/%i/100%%", ctx, tokens)).toBe(
      "/home/alice/laptop.lan/laptop/1000/100%",
    );
    expect(expandPath("${SSH_AUTH_SOCK}", ctx, tokens)).toBe("/run/agent.sock");
    expect(expandPath("~", ctx, tokens)).toBe("/home/alice");
  });
});
