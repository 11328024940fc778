/**
 * The daemon's socket as an attacker or a confused client sees it: its permissions, a second
 * user (created here with useradd), garbage, unknown and oversized requests, a second daemon.
 */
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_REQUEST_BYTES } from "../../../src/daemon/protocol.js";
import { cli, daemonHome, daemonPidOf, sh, stopAllDaemons } from "./daemonKit.js";

/** Sends raw bytes on one connection; resolves with the reply lines received until it closes or `n` came. */
function raw(socket: string, data: string, n: number): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let buf = "";
    const lines = (): Record<string, unknown>[] =>
      buf
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    c.setEncoding("utf8");
    c.on("error", reject);
    c.on("connect", () => c.write(data));
    c.on("data", (d: string) => {
      buf += d;
      if (lines().length >= n) {
        c.destroy();
        resolve(lines());
      }
    });
    c.on("close", () => resolve(lines()));
  });
}

const codeOf = (r: Record<string, unknown> | undefined): unknown =>
  (r?.error as { code?: unknown } | undefined)?.code;

afterAll(async () => {
  expect(await stopAllDaemons(), "daemons left running").toEqual([]);
});

describe("the daemon's socket", () => {
  it("is 0600 in a 0700 folder; a second daemon is refused with the first one's pid; stop removes the socket", async () => {
    const h = daemonHome("socket-guard");
    const first = await cli(h, ["daemon", "start"]);
    expect(first.code, first.stderr).toBe(0);
    const pid = daemonPidOf(h)!;
    expect(first.stdout).toContain(`pid ${pid}`);
    expect(statSync(h.home).mode & 0o777).toBe(0o700);
    expect(lstatSync(h.socket).isSocket()).toBe(true);
    expect(lstatSync(h.socket).mode & 0o777).toBe(0o600);
    for (const args of [
      ["daemon", "start"],
      ["daemon", "start", "--foreground"],
    ]) {
      const second = await cli(h, args, 60_000);
      expect(second.code).toBe(3);
      expect(second.stderr).toContain(`already runs for ${h.home} (pid ${pid})`);
    }
    expect(daemonPidOf(h)).toBe(pid);
    const st = await cli(h, ["daemon", "status", "--json"]);
    expect(JSON.parse(st.stdout)).toMatchObject({ running: true, pid, socket: h.socket });
    const stop = await cli(h, ["daemon", "stop"]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(daemonPidOf(h)).toBeNull();
    expect(existsSync(h.socket)).toBe(false);
    const none = await cli(h, ["daemon", "status"]);
    expect(none.code).toBe(3);
  }, 180_000);

  it("answers garbage, unknown, old-version and oversized requests with errors and keeps serving", async () => {
    const h = daemonHome("socket-garbage");
    expect((await cli(h, ["daemon", "start"])).code).toBe(0);
    const pid = daemonPidOf(h)!;
    const marker = join(h.cwd, "must-not-exist");
    const replies = await raw(
      h.socket,
      [
        "garbage{",
        "[]",
        JSON.stringify({ v: 9, id: 1, op: "list" }),
        JSON.stringify({ v: 1, id: 2, op: "exec", command: `touch ${marker}` }),
        JSON.stringify({ v: 1, id: 3, op: "adopt", dir: "/nonexistent/campaign" }),
        JSON.stringify({ v: 1, id: 4, op: "ping" }),
      ].join("\n") + "\n",
      6,
    );
    expect(replies.map(codeOf)).toEqual([
      "MALFORMED",
      "MALFORMED",
      "VERSION",
      "INVALID",
      "NOT_DRIVEN",
      undefined,
    ]);
    expect(replies[5]).toMatchObject({ ok: true, id: 4, result: { pid } });
    expect(existsSync(marker)).toBe(false);

    // Over the cap, with and without a line end: one TOO_LARGE reply, then the connection ends.
    const big = `{"v":1,"op":"ping","pad":"${"x".repeat(MAX_REQUEST_BYTES)}"}`;
    for (const data of [`${big}\n`, big]) {
      const r = await raw(h.socket, data, 1);
      expect(codeOf(r[0])).toBe("TOO_LARGE");
    }
    // Many connections that go away mid-request do not hurt either.
    for (let i = 0; i < 20; i++) {
      const c = connect(h.socket);
      c.on("error", () => undefined);
      c.on("connect", () => c.end('{"v":1,"op":'));
    }
    const after = await raw(h.socket, `${JSON.stringify({ v: 1, id: 9, op: "status" })}\n`, 1);
    expect(after[0]).toMatchObject({ ok: true, id: 9, result: { pid } });
    expect(daemonPidOf(h)).toBe(pid);
  }, 180_000);

  it.skipIf(process.getuid?.() !== 0)(
    "refuses a second user (created with useradd) at the socket",
    async () => {
      const h = daemonHome("socket-user");
      expect((await cli(h, ["daemon", "start"])).code).toBe(0);
      const user = `sodm${randomBytes(3).toString("hex")}`;
      await sh("useradd", ["-M", "-s", "/bin/sh", user]);
      try {
        const probe = `require("net").connect(${JSON.stringify(h.socket)}).on("connect", () => { console.log("CONNECTED"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); })`;
        const r = await sh("runuser", ["-u", user, "--", process.execPath, "-e", probe], {
          cwd: "/",
        });
        expect(r.stdout.trim()).toBe("EACCES");
        // The slurmopt CLI as that user finds no daemon it may talk to.
        const asOther = await sh(
          "runuser",
          [
            "-u",
            user,
            "--",
            process.execPath,
            "-e",
            `require("net").connect(${JSON.stringify(h.socket)}).on("error", (e) => console.log(e.code))`,
          ],
          { cwd: "/" },
        );
        expect(asOther.stdout).not.toContain("CONNECTED");
      } finally {
        await sh("userdel", [user]).catch(() => undefined);
      }
    },
    120_000,
  );
});
