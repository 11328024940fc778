/**
 * Dropped connections: the server side of the transport's session is killed (as a network cut
 * would end it, leaving remote commands running), or the whole server goes away and comes back.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors/errors.js";
import type { LogLine } from "./loopbackTransport.js";
import {
  capturingLogger,
  clientPortOf,
  closeAllTransports,
  connectionOpen,
  loopbackTransport,
} from "./loopbackTransport.js";
import { ensureLoopbackSshd, killServerSession, stopLoopbackSshd } from "./sshdSetup.js";
import type { LoopbackSshd } from "./sshdSetup.js";
import { until } from "../../helpers/waitFor.js";

let sshd: LoopbackSshd;
const base = `/tmp/slurmopt-ssh-reconnect-${process.pid}-${randomBytes(3).toString("hex")}`;

/** Waits for `condition` (checked every 50 ms); fails after `limitMs` naming what it waited for. */
/** A shell loop that ends once `path` exists (a command that runs until the test lets it end). */
const waitFor = (path: string): string => `while [ ! -e ${path} ]; do sleep 0.05; done`;

beforeAll(async () => {
  sshd = await ensureLoopbackSshd();
});
afterEach(closeAllTransports);
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function lines(path: string): string[] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l !== "");
  } catch {
    return [];
  }
}

describe("after the server-side session is killed", () => {
  it("reconnects each time (several drops) and idempotent operations succeed", async () => {
    const log: LogLine[] = [];
    const t = loopbackTransport(sshd, { logger: capturingLogger(log) });
    await t.writeFile(`${base}/a/data.txt`, "v0");
    const ports = new Set<number>();
    for (let drop = 1; drop <= 4; drop++) {
      const port = await clientPortOf(t);
      ports.add(port);
      expect(await killServerSession(port)).toBeGreaterThan(0);
      expect(await connectionOpen(sshd, port, true)).toBe(false);
      // Alternate the first operation after the drop: each kind must reconnect by itself.
      if (drop === 3) expect((await t.readFrom(`${base}/a/data.txt`, 1))?.toString()).toBe("2");
      else if (drop % 2 === 1) expect(await t.readFile(`${base}/a/data.txt`)).toBe(`v${drop - 1}`);
      else expect((await t.list(`${base}/a`)).map((e) => e.name)).toEqual(["data.txt"]);
      await t.writeFile(`${base}/a/data.txt`, `v${drop}`);
      await t.mkdir(`${base}/a/sub${drop}`);
      await t.remove(`${base}/a/sub${drop}`);
      expect((await t.run(["cat", `${base}/a/data.txt`], { idempotent: true })).stdout).toBe(
        `v${drop}`,
      );
      expect(t.connects).toBe(drop + 1);
    }
    ports.add(await clientPortOf(t));
    expect(ports.size).toBe(5);
    expect(log.filter((l) => l.message === "ssh: connection dropped")).toHaveLength(4);
  });

  it("runs a non-idempotent command on a new connection when the drop happened while idle", async () => {
    const t = loopbackTransport(sshd);
    const file = `${base}/idle-drop.txt`;
    const port = await clientPortOf(t);
    await killServerSession(port);
    expect(await connectionOpen(sshd, port, true)).toBe(false);
    const r = await t.run(["sh", "-c", `echo ran >> ${file}`]);
    expect(r.exitCode).toBe(0);
    expect(lines(file)).toEqual(["ran"]);
  });

  it("reruns an in-flight command marked idempotent on a new connection", async () => {
    const t = loopbackTransport(sshd);
    const file = `${base}/idempotent.txt`;
    const go = `${base}/idempotent.go`;
    const port = await clientPortOf(t);
    // The command runs until the test lets it end, so the cut always lands while it runs.
    const pending = t.run(["sh", "-c", `echo started >> ${file}; ${waitFor(go)}; echo done`], {
      idempotent: true,
    });
    await until("the command to start", () => lines(file).length === 1, 60_000, 50);
    await killServerSession(port);
    writeFileSync(go, "");
    const r = await pending;
    expect(r).toMatchObject({ stdout: "done\n", exitCode: 0 });
    expect(t.connects).toBe(2);
    expect(lines(file)).toEqual(["started", "started"]);
  });

  it("does not rerun an in-flight command that is not idempotent: its outcome is unknown", async () => {
    const t = loopbackTransport(sshd);
    const file = `${base}/sbatch-like.txt`;
    const go = `${base}/sbatch-like.go`;
    const port = await clientPortOf(t);
    // Handled at once: the rejection may come while killServerSession still runs.
    const pending = t
      .run(["sh", "-c", `echo submitted >> ${file}; ${waitFor(go)}`])
      .catch((e: unknown) => e);
    await until("the command to start", () => lines(file).length === 1, 60_000, 50);
    await killServerSession(port);
    const err = await pending;
    writeFileSync(go, "");
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe("TRANSPORT_ERROR");
    expect((err as ClusterError).message).toMatch(/outcome is\s+unknown/);
    expect((err as ClusterError).message).toContain("squeue/sacct");
    expect(lines(file)).toEqual(["submitted"]);
    // The transport itself recovers for the next command.
    expect((await t.run(["echo", "next"])).stdout).toBe("next\n");
    expect(t.connects).toBe(2);
  });
});

describe("when the connection hangs (no FIN, no answers)", () => {
  it("notices by keepalive and retries the waiting operation on a new connection", async () => {
    const log: LogLine[] = [];
    // No answer deadline within the test's time: only keepalive can notice.
    const t = loopbackTransport(sshd, {
      keepaliveIntervalMs: 300,
      keepaliveCountMax: 2,
      answerTimeoutMs: 3_600_000,
      logger: capturingLogger(log),
    });
    await t.writeFile(`${base}/hang.txt`, "still here");
    const port = await clientPortOf(t);
    const out = execFileSync("ss", [
      "-Htnp",
      "state",
      "established",
      `( sport = :${sshd.port} and dport = :${port} )`,
    ]);
    const pids = [...out.toString().matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, "SIGSTOP"); // the server side stops answering
    try {
      expect(await t.readFile(`${base}/hang.txt`)).toBe("still here");
      expect(t.connects).toBe(2);
      const dropped = log.find((l) => l.message === "ssh: connection dropped");
      expect(dropped?.fields.err).toMatch(/Keepalive timeout/);
    } finally {
      for (const pid of pids) process.kill(pid, "SIGKILL");
    }
  });
});

describe("when the whole server goes away", () => {
  const own = {
    port: Number(process.env.SLURMOPT_SSHD_TEST_PORT2 ?? 2322),
    dir: `/tmp/slurmopt-sshd-restart-${process.pid}`,
  };

  afterAll(async () => {
    await stopLoopbackSshd(own, true);
  });

  it("retries with backoff until it is back, then the waiting operation completes", async () => {
    const server = await ensureLoopbackSshd(own);
    const log: LogLine[] = [];
    const t = loopbackTransport(server, {
      logger: capturingLogger(log),
      reconnect: { initialDelayMs: 200, maxDelayMs: 800, attempts: 20 },
    });
    await t.writeFile(`${base}/restart.txt`, "before");
    await stopLoopbackSshd(own);
    const pending = t.readFile(`${base}/restart.txt`);
    const reconnecting = (): number => log.filter((l) => l.message === "ssh: reconnecting").length;
    await until("two reconnection attempts", () => reconnecting() >= 2, 60_000, 50);
    await ensureLoopbackSshd(own);
    expect(await pending).toBe("before");
    const waits = log
      .filter((l) => l.message === "ssh: reconnecting")
      .map((l) => l.fields.delayMs as number);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    // Exponential with jitter: each delay lies in [cap/2, cap] for cap = min(800, 200 * 2^n).
    waits.forEach((d, n) => {
      const cap = Math.min(800, 200 * 2 ** n);
      expect(d).toBeGreaterThanOrEqual(cap / 2);
      expect(d).toBeLessThanOrEqual(cap);
    });
  });

  it("gives up after the configured attempts with a message naming the host", async () => {
    const server = await ensureLoopbackSshd(own);
    const t = loopbackTransport(server, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 100, attempts: 3 },
    });
    await t.connect();
    await stopLoopbackSshd(own);
    const err = await t.list(base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(
      new RegExp(
        `gave up connecting to ssh ${server.user}@127\\.0\\.0\\.1:${own.port} after 3 attempts`,
      ),
    );
  });
});
