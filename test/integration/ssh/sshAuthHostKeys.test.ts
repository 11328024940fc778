/** Host key verification and user authentication against the real loopback sshd. */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors/errors.js";
import { sha256Fingerprint } from "../../../src/transport/knownHosts.js";
import type { LogLine } from "./loopbackTransport.js";
import {
  capturingLogger,
  cleanEnv,
  clientPortOf,
  closeAllTransports,
  connectionOpen,
  loopbackTransport,
} from "./loopbackTransport.js";
import { ensureLoopbackSshd, killServerSession } from "./sshdSetup.js";
import type { LoopbackSshd } from "./sshdSetup.js";

let sshd: LoopbackSshd;
let work: string;
let hostFingerprint: string;

beforeAll(async () => {
  sshd = await ensureLoopbackSshd();
  work = mkdtempSync(join(tmpdir(), "slurmopt-ssh-auth-"));
  const pub = readFileSync(join(sshd.dir, "host_ed25519_key.pub"), "utf8").split(" ")[1]!;
  hostFingerprint = sha256Fingerprint(Buffer.from(pub, "base64"));
});
afterEach(closeAllTransports);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<ClusterError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ClusterError);
  return e as ClusterError;
}

describe("host key verification", () => {
  it("refuses a changed host key loudly, naming file, line and both fingerprints; runs nothing", async () => {
    const t = loopbackTransport(sshd, { knownHostsFiles: [sshd.knownHostsChanged] });
    const marker = join(work, "must-not-exist");
    const err = await failure(t.run(["touch", marker]));
    expect(err.code).toBe("SSH_HOST_KEY");
    expect(err.message).toContain("HAS CHANGED");
    expect(err.message).toContain("man-in-the-middle");
    expect(err.message).toContain(`${sshd.knownHostsChanged}:1`);
    expect(err.message).toContain(hostFingerprint);
    expect(err.message).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);
    expect(existsSync(marker)).toBe(false);
    expect(t.connects).toBe(0);
  });

  it("refuses an unknown host with its fingerprint and a command that really adds it", async () => {
    const file = join(work, "known_hosts_to_fix");
    copyFileSync(sshd.knownHostsUnknown, file);
    const t = loopbackTransport(sshd, { knownHostsFiles: [file] });
    const err = await failure(t.connect());
    expect(err.code).toBe("SSH_HOST_KEY");
    expect(err.message).toContain(`SSH host [127.0.0.1]:${sshd.port} is not known`);
    expect(err.message).toContain(hostFingerprint);
    const command = `ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${file}`;
    expect(err.message).toContain(command);
    // Following the advice makes the next connection work.
    execFileSync("sh", ["-c", `${command} 2>/dev/null`]);
    const fixed = loopbackTransport(sshd, { knownHostsFiles: [file] });
    expect((await fixed.run(["echo", "ok"])).stdout).toBe("ok\n");
  });

  it("refuses when no known_hosts file exists, saying which were searched", async () => {
    const missing = join(work, "no-such-known-hosts");
    const t = loopbackTransport(sshd, { knownHostsFiles: [missing] });
    const err = await failure(t.connect());
    expect(err.code).toBe("SSH_HOST_KEY");
    expect(err.message).toContain(`searched ${missing}`);
  });

  it("accepts a hashed known_hosts entry for [host]:port", async () => {
    expect(readFileSync(sshd.knownHostsHashed, "utf8")).toMatch(/^\|1\|/);
    const t = loopbackTransport(sshd, { knownHostsFiles: [sshd.knownHostsHashed] });
    expect((await t.run(["echo", "hashed"])).stdout).toBe("hashed\n");
  });

  it("does not retry a host key refusal (it is not a network blip)", async () => {
    const log: LogLine[] = [];
    // A retry would wait ten minutes first: far past this test's time limit.
    const t = loopbackTransport(sshd, {
      knownHostsFiles: [sshd.knownHostsChanged],
      reconnect: { attempts: 5, initialDelayMs: 600_000, maxDelayMs: 600_000 },
      logger: capturingLogger(log),
    });
    await failure(t.connect());
    expect(log.filter((l) => l.message === "ssh: reconnecting")).toEqual([]);
    expect(t.connects).toBe(0);
  });
});

describe("user authentication", () => {
  it("fails clearly with a key the server does not accept, naming the key and the fix", async () => {
    const t = loopbackTransport(sshd, { identityFiles: [sshd.userKeyUnauthorized] });
    const err = await failure(t.run(["true"]));
    expect(err.code).toBe("SSH_AUTH");
    expect(err.message).toContain(
      `SSH authentication failed for ${sshd.user}@127.0.0.1:${sshd.port}`,
    );
    expect(err.message).toContain(`key ${sshd.userKeyUnauthorized} (ssh-ed25519 SHA256:`);
    expect(err.message).toContain("authorized_keys");
  });

  it("fails clearly when an identity file does not exist", async () => {
    const t = loopbackTransport(sshd, { identityFiles: [join(work, "id_missing")] });
    const err = await failure(t.connect());
    expect(err.code).toBe("SSH_AUTH");
    expect(err.message).toContain(`cannot read SSH identity file ${join(work, "id_missing")}`);
  });

  it("decrypts an encrypted key with the passphrase from SLURMOPT_SSH_PASSPHRASE", async () => {
    const t = loopbackTransport(sshd, {
      identityFiles: [sshd.userKeyEncrypted],
      env: cleanEnv({ SLURMOPT_SSH_PASSPHRASE: sshd.userKeyPassphrase }),
    });
    expect((await t.run(["echo", "decrypted"])).stdout).toBe("decrypted\n");
  });

  it("reads the passphrase from another variable when passphraseEnv names it", async () => {
    const t = loopbackTransport(sshd, {
      identityFiles: [sshd.userKeyEncrypted],
      passphraseEnv: "MY_KEY_PASS",
      env: cleanEnv({ MY_KEY_PASS: sshd.userKeyPassphrase }),
    });
    expect((await t.run(["true"])).exitCode).toBe(0);
  });

  it("reports a wrong passphrase as such", async () => {
    const t = loopbackTransport(sshd, {
      identityFiles: [sshd.userKeyEncrypted],
      env: cleanEnv({ SLURMOPT_SSH_PASSPHRASE: "wrong" }),
    });
    const err = await failure(t.connect());
    expect(err.code).toBe("SSH_AUTH");
    expect(err.message).toContain(
      `cannot decrypt SSH key ${sshd.userKeyEncrypted} with the passphrase in $SLURMOPT_SSH_PASSPHRASE`,
    );
  });

  it("explains an encrypted key without any passphrase source", async () => {
    const t = loopbackTransport(sshd, { identityFiles: [sshd.userKeyEncrypted] });
    const err = await failure(t.connect());
    expect(err.code).toBe("SSH_AUTH");
    expect(err.message).toContain(
      `key ${sshd.userKeyEncrypted} is encrypted and no passphrase was available`,
    );
    expect(err.message).toContain("SLURMOPT_SSH_PASSPHRASE");
  });

  it("asks the prompt for the passphrase once, even across reconnections", async () => {
    const asked: string[] = [];
    const t = loopbackTransport(sshd, {
      identityFiles: [sshd.userKeyEncrypted],
      askPassphrase: (file) => {
        asked.push(file);
        return Promise.resolve(sshd.userKeyPassphrase);
      },
    });
    expect((await t.run(["true"])).exitCode).toBe(0);
    const port = await clientPortOf(t);
    await killServerSession(port);
    // The next command starts only once the drop is seen, so that it runs on a new connection.
    expect(await connectionOpen(sshd, port, true)).toBe(false);
    expect((await t.run(["true"])).exitCode).toBe(0);
    expect(t.connects).toBe(2);
    expect(asked).toEqual([sshd.userKeyEncrypted]);
  });

  describe("with ssh-agent", () => {
    let agent: ChildProcess | null = null;
    let socket = "";

    beforeAll(async () => {
      socket = join(work, "agent.sock");
      agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
      for (let i = 0; i < 50 && !existsSync(socket); i++)
        await new Promise((r) => setTimeout(r, 50));
      execFileSync("ssh-add", ["-q", sshd.userKey], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: "ignore",
      });
    });
    afterAll(() => {
      if (agent?.pid !== undefined) process.kill(agent.pid, "SIGTERM");
    });

    it("authenticates with a key held only by the agent (SSH_AUTH_SOCK)", async () => {
      const emptyHome = mkdtempSync(join(work, "home-"));
      const t = loopbackTransport(
        sshd,
        { identityFiles: [], env: { ...cleanEnv({ HOME: emptyHome }), SSH_AUTH_SOCK: socket } },
        ["agent"], // not given: taken from SSH_AUTH_SOCK
      );
      expect((await t.run(["echo", "agent"])).stdout).toBe("agent\n");
    });

    it("falls back to key files when the agent socket is dead", async () => {
      const t = loopbackTransport(sshd, { agent: join(work, "dead.sock") });
      expect((await t.run(["echo", "key"])).stdout).toBe("key\n");
    });
  });
});
