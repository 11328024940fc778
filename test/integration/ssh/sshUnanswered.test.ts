/**
 * Requests that can never be answered: an SFTP transfer whose connection is cut midway (ssh2
 * drops the requests sent on a dead channel without calling back), and a server that stops
 * answering while keepalive is off. Each operation settles: retried on a new connection, or an
 * error that says the outcome is unknown.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors/errors.js";
import type { SshTransport } from "../../../src/transport/sshTransport.js";
import type { LogLine } from "./loopbackTransport.js";
import {
  capturingLogger,
  clientPortOf,
  closeAllTransports,
  loopbackTransport,
} from "./loopbackTransport.js";
import { ensureLoopbackSshd } from "./sshdSetup.js";
import type { LoopbackSshd } from "./sshdSetup.js";

let sshd: LoopbackSshd;
const base = `/tmp/slurmopt-ssh-unanswered-${process.pid}-${randomBytes(3).toString("hex")}`;
const frozen: number[] = [];

beforeAll(async () => {
  sshd = await ensureLoopbackSshd();
  mkdirSync(base, { recursive: true });
});
afterEach(async () => {
  for (const pid of frozen.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await closeAllTransports();
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** The server-side sshd processes of the transport's connection (this machine is the server). */
function sessionPids(clientPort: number): number[] {
  const out = execFileSync("ss", [
    "-Htnp",
    "state",
    "established",
    `( sport = :${sshd.port} and dport = :${clientPort} )`,
  ]).toString();
  return [...new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** `pids` and all their descendants. */
function withDescendants(pids: readonly number[]): number[] {
  const all: number[] = [];
  const queue = [...pids];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    all.push(pid);
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
      queue.push(
        ...children
          .split(" ")
          .filter((c) => c !== "")
          .map(Number),
      );
    } catch {
      // the process ended meanwhile
    }
  }
  return all;
}

/** Whether one of `pids` (or the internal-sftp process under them) has a file under `prefix` open. */
function holdsOpen(pids: readonly number[], prefix: string): boolean {
  for (const pid of withDescendants(pids)) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`))
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(prefix)) return true;
    } catch {
      // the process ended meanwhile
    }
  }
  return false;
}

/**
 * Cuts the connection while the server holds `prefix` open for a transfer that `pending` waits
 * for: the session's sshd processes are stopped (no more data passes), and killed only if the
 * file is still open then, so the cut lands inside the transfer.
 */
async function cutMidTransfer(
  clientPort: number,
  prefix: string,
  pending: Promise<unknown>,
): Promise<void> {
  let settled = false;
  void pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    if (settled) throw new Error("the transfer ended before it could be cut; use a larger file");
    const pids = sessionPids(clientPort);
    signal(pids, "SIGSTOP");
    frozen.push(...pids);
    if (holdsOpen(pids, prefix)) {
      signal(pids, "SIGKILL");
      signal(pids, "SIGCONT");
      return;
    }
    signal(pids, "SIGCONT");
    await sleep(5);
  }
}

/** 48 MiB of printable text, so that a transfer takes many SFTP requests. */
function bigText(): string {
  const line = `${randomBytes(48).toString("hex")}\n`;
  return line.repeat(Math.ceil((48 << 20) / line.length));
}

describe("an SFTP transfer cut midway", () => {
  it("readFile settles: it is read again on a new connection", async () => {
    const log: LogLine[] = [];
    const t = loopbackTransport(sshd, { logger: capturingLogger(log) });
    const path = join(base, "big-read.txt");
    const content = bigText();
    writeFileSync(path, content);
    const port = await clientPortOf(t);
    const pending = t.readFile(path);
    await cutMidTransfer(port, path, pending);
    const read = await pending;
    expect(read?.length).toBe(content.length);
    expect(read === content).toBe(true);
    expect(t.connects).toBe(2);
    expect(log.map((l) => l.message)).toContain("ssh: connection lost; retrying");
  });

  it("writeFile settles: it is written again on a new connection, whole, under its name", async () => {
    const t: SshTransport = loopbackTransport(sshd);
    const dir = join(base, "write");
    mkdirSync(dir);
    const path = join(dir, "big-write.txt");
    const content = bigText();
    const port = await clientPortOf(t);
    const pending = t.writeFile(path, content);
    await cutMidTransfer(port, join(dir, ".big-write.txt."), pending);
    await pending;
    expect(readFileSync(path, "utf8") === content).toBe(true);
    expect(readdirSync(dir)).toEqual(["big-write.txt"]);
    expect(t.connects).toBe(2);
  });
});

describe("a server that stops answering while keepalive is off", () => {
  /** A transport whose connection is frozen (its server-side processes stopped). */
  async function frozenTransport(log: LogLine[] = []): Promise<SshTransport> {
    const t = loopbackTransport(sshd, {
      keepaliveIntervalMs: 0,
      answerTimeoutMs: 1000,
      logger: capturingLogger(log),
    });
    await t.writeFile(join(base, "frozen.txt"), "still here");
    const pids = sessionPids(await clientPortOf(t));
    expect(pids.length).toBeGreaterThan(0);
    signal(pids, "SIGSTOP");
    frozen.push(...pids);
    return t;
  }

  it("an SFTP request without an answer counts as a lost connection and is retried", async () => {
    const t = await frozenTransport();
    expect(await t.readFile(join(base, "frozen.txt"))).toBe("still here");
    expect(t.connects).toBe(2);
  });

  it("an idempotent command that the server does not start is run on a new connection", async () => {
    const t = await frozenTransport();
    const r = await t.run(["echo", "ran"], { idempotent: true });
    expect(r).toMatchObject({ stdout: "ran\n", exitCode: 0 });
    expect(t.connects).toBe(2);
  });

  it("a command that is not idempotent fails with an unknown outcome instead of waiting forever", async () => {
    const t = await frozenTransport();
    const err = await t.run(["true"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe("TRANSPORT_ERROR");
    expect((err as ClusterError).message).toMatch(/outcome is\s+unknown/);
    // The transport recovers for the next command.
    expect((await t.run(["echo", "next"])).stdout).toBe("next\n");
    expect(t.connects).toBe(2);
  });
});
