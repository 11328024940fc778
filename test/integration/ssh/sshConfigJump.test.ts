/** ~/.ssh/config host aliases and a one-hop ProxyJump, against the real loopback sshd. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors/errors.js";
import { clientPortOf, closeAllTransports, loopbackTransport } from "./loopbackTransport.js";
import { ensureLoopbackSshd, killServerSession } from "./sshdSetup.js";
import type { LoopbackSshd } from "./sshdSetup.js";

let sshd: LoopbackSshd;
let work: string;
let configFile: string;

beforeAll(async () => {
  sshd = await ensureLoopbackSshd();
  work = mkdtempSync(join(tmpdir(), "slurmopt-ssh-config-"));
  configFile = join(work, "config");
  writeFileSync(
    configFile,
    [
      "Host cluster",
      `  HostName ${sshd.host}`,
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile ${sshd.userKey}`,
      `  UserKnownHostsFile ${sshd.knownHosts}`,
      "  ServerAliveInterval 5",
      "",
      "Host gateway",
      `  HostName ${sshd.host}`,
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile ${sshd.userKey}`,
      "",
      "Host inner",
      // The target as the jump host sees it (here: the same machine, by another name).
      "  HostName localhost",
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      "  HostKeyAlias inner-node",
      `  IdentityFile ${sshd.userKey}`,
      "  ProxyJump gateway",
      "",
    ].join("\n"),
  );
  // known_hosts for the jump case: the gateway under [127.0.0.1]:port, the target under its alias.
  const key = execFileSync("cut", ["-d", " ", "-f", "1,2", join(sshd.dir, "host_ed25519_key.pub")])
    .toString()
    .trim();
  writeFileSync(
    join(work, "known_hosts_jump"),
    `[${sshd.host}]:${sshd.port} ${key}\ninner-node ${key}\n`,
  );
});
afterEach(closeAllTransports);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The process that owns the client end of a connection to the sshd, seen from this machine. */
function clientProcess(clientPort: number): string {
  const out = execFileSync("ss", [
    "-Htnp",
    "state",
    "established",
    `( sport = :${clientPort} )`,
  ]).toString();
  return /users:\(\("([^"]+)"/.exec(out)?.[1] ?? "";
}

describe("ssh config aliases", () => {
  it("connects through a Host alias: HostName, Port, User, IdentityFile and UserKnownHostsFile", async () => {
    const t = loopbackTransport(sshd, { host: "cluster", sshConfigFile: configFile }, [
      "port",
      "user",
      "identityFiles",
      "knownHostsFiles",
    ]);
    expect((await t.run(["id", "-un"])).stdout.trim()).toBe(sshd.user);
    expect(t.description).toBe(`ssh ${sshd.user}@${sshd.host}:${sshd.port}`);
    // The connection comes straight from this process (node), not through a jump host.
    expect(clientProcess(await clientPortOf(t))).toBe("node");
  });

  it("lets explicit options win over the config", async () => {
    const t = loopbackTransport(sshd, { host: "cluster", sshConfigFile: configFile, port: 1 }, [
      "user",
      "identityFiles",
      "knownHostsFiles",
    ]);
    const err = await t.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toContain("port 1");
  });
});

describe("ProxyJump (one hop)", () => {
  it("reaches the target through a channel forwarded by the jump host", async () => {
    const t = loopbackTransport(
      sshd,
      {
        host: "inner",
        sshConfigFile: configFile,
        knownHostsFiles: [join(work, "known_hosts_jump")],
      },
      ["port", "user", "identityFiles"],
    );
    const r = await t.run(["echo", "inside"]);
    expect(r.stdout).toBe("inside\n");
    expect(t.description).toBe(
      `ssh ${sshd.user}@localhost:${sshd.port} via ${sshd.user}@${sshd.host}:${sshd.port}`,
    );
    // The target's SSH connection was opened by the jump host's sshd, not by this process.
    expect(clientProcess(await clientPortOf(t))).toBe("sshd");
    await t.writeFile(join(work, "via-jump.txt"), "jumped");
    expect(await t.readFile(join(work, "via-jump.txt"))).toBe("jumped");
  });

  it("reconnects through the jump host after the target session is killed", async () => {
    const t = loopbackTransport(
      sshd,
      {
        host: "inner",
        sshConfigFile: configFile,
        knownHostsFiles: [join(work, "known_hosts_jump")],
      },
      ["port", "user", "identityFiles"],
    );
    await killServerSession(await clientPortOf(t));
    expect((await t.run(["echo", "again"], { idempotent: true })).stdout).toBe("again\n");
    expect(t.connects).toBe(2);
  });

  it("checks the target's host key too, under its HostKeyAlias", async () => {
    const t = loopbackTransport(
      sshd,
      { host: "inner", sshConfigFile: configFile, knownHostsFiles: [sshd.knownHosts] },
      ["port", "user", "identityFiles"],
    );
    const err = await t.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe("SSH_HOST_KEY");
    expect((err as ClusterError).message).toContain("SSH host inner-node is not known");
    expect((err as ClusterError).message).toContain(
      `ssh -J ${sshd.user}@${sshd.host}:${sshd.port}`,
    );
  });
});
