/** SshTransport against a real OpenSSH sshd on 127.0.0.1 (scripts/sshd-loopback.sh). */
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../../src/errors/errors.js";
import {
  clientPortOf,
  closeAllTransports,
  connectionOpen,
  loopbackTransport,
  processesMatching,
} from "./loopbackTransport.js";
import { ensureLoopbackSshd } from "./sshdSetup.js";
import type { LoopbackSshd } from "./sshdSetup.js";

let sshd: LoopbackSshd;
// Remote paths: the loopback server is this machine, so the test can also look at them locally.
const base = `/tmp/slurmopt-ssh-test-${process.pid}-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  sshd = await ensureLoopbackSshd();
});
afterEach(closeAllTransports);
afterAll(() => {
  execFileSync("rm", ["-rf", base]);
});

describe("run", () => {
  it("returns exit code, stdout and stderr separately", async () => {
    const t = loopbackTransport(sshd);
    const r = await t.run(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toEqual({ stdout: "out\n", stderr: "err\n", exitCode: 3, timedOut: false });
  });

  it("passes every argv word unchanged, whatever it contains (no shell injection)", async () => {
    const t = loopbackTransport(sshd);
    const words = [
      "a b",
      "$HOME",
      "it's",
      "`id`",
      "; rm -rf /tmp/x",
      "*",
      "",
      "line1\nline2",
      "ümlaut",
    ];
    const r = await t.run(["printf", "[%s]\\n", ...words]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(words.map((w) => `[${w}]\n`).join(""));
  });

  it("feeds stdin to the command and closes it", async () => {
    const t = loopbackTransport(sshd);
    const r = await t.run(["sh", "-c", "cat; echo end"], { stdin: "line one\nline two\n" });
    expect(r.stdout).toBe("line one\nline two\nend\n");
  });

  it("gives commands an empty stdin when none is set (they do not hang)", async () => {
    const t = loopbackTransport(sshd);
    const r = await t.run(["cat"], { timeoutMs: 5000 });
    expect(r).toMatchObject({ stdout: "", exitCode: 0, timedOut: false });
  });

  it("applies env and cwd, and reports a missing command as exit code 127", async () => {
    const t = loopbackTransport(sshd);
    const r = await t.run(["sh", "-c", 'echo "$GREETING $(pwd)"'], {
      env: { GREETING: "hi there" },
      cwd: "/tmp",
    });
    expect(r.stdout).toBe("hi there /tmp\n");
    const missing = await t.run(["slurmopt-no-such-command"]);
    expect(missing.exitCode).toBe(127);
  });

  it("fails with exit code 1 and a message when cwd does not exist", async () => {
    const t = loopbackTransport(sshd);
    const r = await t.run(["pwd"], { cwd: `${base}/missing dir` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("cannot change to directory");
  });

  it("runs setup lines in the same non-login shell, with their output kept off stdout", async () => {
    const bin = `${base}/bin`;
    execFileSync("mkdir", ["-p", bin]);
    execFileSync("sh", [
      "-c",
      `printf '#!/bin/sh\\necho tool-ran\\n' > ${bin}/slurmopt-fake-tool; chmod +x ${bin}/slurmopt-fake-tool`,
    ]);
    const t = loopbackTransport(sshd, {
      setupLines: ["echo 'loading modules'", "SLURMOPT_FROM_SETUP=yes; export SLURMOPT_FROM_SETUP"],
      pathPrefix: [bin],
    });
    const r = await t.run([
      "sh",
      "-c",
      'slurmopt-fake-tool; echo "$SLURMOPT_FROM_SETUP"; echo "$PATH"',
    ]);
    const [tool, fromSetup, path] = r.stdout.trim().split("\n");
    expect(tool).toBe("tool-ran");
    expect(fromSetup).toBe("yes");
    expect(path?.startsWith(`${bin}:`)).toBe(true);
    expect(r.stderr).toBe("loading modules\n");
  });

  it("kills the command and its children on time-out and reports timedOut", async () => {
    const t = loopbackTransport(sshd);
    const tag = `${3000 + Math.floor(Math.random() * 900)}.${process.pid % 1000}`;
    // The command would sleep for an hour: its result means the time-out stopped it.
    const r = await t.run(["sh", "-c", `sleep ${tag} & sleep ${tag}; echo never`], {
      timeoutMs: 500,
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null, stdout: "" });
    // Both sleeps end (the group got TERM, then KILL); wait for that, not for a fixed time.
    let left = await processesMatching(`sleep ${tag}`);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((res) => setTimeout(res, 100));
      left = await processesMatching(`sleep ${tag}`);
    }
    expect(left).toEqual([]);
  });

  it("runs many commands at once over one connection (more than sshd's MaxSessions)", async () => {
    const t = loopbackTransport(sshd, { maxChannels: 8 });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => t.run(["sh", "-c", `sleep 0.2; echo ${i}`])),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i)),
    );
    expect(t.connects).toBe(1);
  });
});

describe("files over SFTP", () => {
  it("writes atomically, creating parent directories, with the given mode, and reads back", async () => {
    const t = loopbackTransport(sshd);
    const path = `${base}/sftp/a/b/job.sh`;
    await t.writeFile(path, "#!/bin/sh\necho hi\n", 0o750);
    expect(await t.readFile(path)).toBe("#!/bin/sh\necho hi\n");
    const mode = execFileSync("stat", ["-c", "%a", path]).toString().trim();
    expect(mode).toBe("750");
    await t.writeFile(path, "replaced ✓\n");
    expect(await t.readFile(path)).toBe("replaced ✓\n");
    expect((await t.list(`${base}/sftp/a/b`)).map((e) => e.name)).toEqual(["job.sh"]); // no temporary left
  });

  it("readFile with lastBytes reads only the end of a file (the output window), over SFTP", async () => {
    const t = loopbackTransport(sshd);
    // past 256 KiB: more than one SFTP read, starting inside the file
    const big = "x".repeat(600 * 1024) + "RESULT: ü\n";
    await t.writeFile(`${base}/tail/stdout`, big);
    const tail = await t.readFile(`${base}/tail/stdout`, { lastBytes: 300 * 1024 });
    expect(Buffer.byteLength(tail!)).toBe(300 * 1024);
    expect(tail!.endsWith("xRESULT: ü\n")).toBe(true);
    expect(
      await t.readFile(`${base}/tail/stdout`, { lastBytes: Buffer.byteLength("RESULT: ü\n") }),
    ).toBe("RESULT: ü\n");
    expect(await t.readFile(`${base}/tail/stdout`, { lastBytes: 1024 * 1024 })).toBe(big);
    expect(await t.readFile(`${base}/tail/none`, { lastBytes: 10 })).toBeNull();
  });

  it("resolves null / [] for missing files and directories", async () => {
    const t = loopbackTransport(sshd);
    expect(await t.readFile(`${base}/nope.txt`)).toBeNull();
    expect(await t.list(`${base}/no-such-dir`)).toEqual([]);
  });

  it("readFrom follows a growing file from an offset, at most maxBytes, over one SFTP channel", async () => {
    const t = loopbackTransport(sshd);
    const path = `${base}/follow/stdout`;
    expect(await t.readFrom(`${base}/follow/none`, 0)).toBeNull();
    await t.writeFile(path, "RESULT@1: 5\n");
    const first = await t.readFrom(path, 0);
    expect(first?.toString()).toBe("RESULT@1: 5\n");
    expect((await t.readFrom(path, first!.length))?.length).toBe(0); // nothing added yet
    appendFileSync(path, "RESULT@2: 4\nRESULT@3: ü\n");
    expect((await t.readFrom(path, first!.length))?.toString()).toBe("RESULT@2: 4\nRESULT@3: ü\n");
    expect((await t.readFrom(path, 3, 4))?.toString()).toBe("ULT@");
    // Past 256 KiB (more than one SFTP read), cut at maxBytes.
    const big = "x".repeat(600 * 1024);
    await t.writeFile(`${base}/follow/big`, big);
    expect((await t.readFrom(`${base}/follow/big`, 10))?.toString()).toBe(big.slice(10));
    expect((await t.readFrom(`${base}/follow/big`, 10, 300 * 1024))?.length).toBe(300 * 1024);
    // Many reads at once share the connection and its one SFTP channel (a channel each would
    // pass sshd's MaxSessions, 10).
    const port = await clientPortOf(t);
    const all = await Promise.all(Array.from({ length: 40 }, () => t.readFrom(path, 0)));
    expect(new Set(all.map((b) => b?.toString()))).toEqual(
      new Set(["RESULT@1: 5\nRESULT@2: 4\nRESULT@3: ü\n"]),
    );
    expect(await clientPortOf(t)).toBe(port);
    expect(t.connects).toBe(1);
  });

  it("tells which of many files exist in one remote command, whatever their names", async () => {
    const t = loopbackTransport(sshd);
    const dir = `${base}/exist`;
    const names = [
      "a",
      "with space",
      "quote'\"$x",
      "-n",
      ...Array.from({ length: 600 }, (_, i) => `f${i}`),
    ];
    for (const n of names.filter((_, i) => i % 2 === 0)) await t.writeFile(`${dir}/${n}`, "x");
    const paths = names.map((n) => `${dir}/${n}`);
    const found = await t.whichExist([...paths, `${dir}/never`]);
    expect([...found].sort()).toEqual(paths.filter((_, i) => i % 2 === 0).sort());
    expect(await t.whichExist([])).toEqual(new Set());
  });

  it("lists names, kinds, sizes and modification times", async () => {
    const t = loopbackTransport(sshd);
    const dir = `${base}/listing`;
    await t.mkdir(`${dir}/sub`);
    await t.writeFile(`${dir}/f.txt`, "12345");
    const entries = await t.list(dir);
    expect(entries.map((e) => [e.name, e.isDirectory])).toEqual([
      ["f.txt", false],
      ["sub", true],
    ]);
    expect(entries[0]!.size).toBe(5);
    expect(Math.abs(entries[0]!.mtimeMs - Date.now())).toBeLessThan(60_000);
  });

  it("mkdir is idempotent and remove deletes a tree (and ignores what is absent)", async () => {
    const t = loopbackTransport(sshd);
    const dir = `${base}/tree`;
    await t.mkdir(`${dir}/x/y`);
    await t.mkdir(`${dir}/x/y`);
    await t.writeFile(`${dir}/x/y/z.txt`, "z");
    await t.writeFile(`${dir}/top.txt`, "t");
    await t.remove(dir);
    expect(await t.list(dir)).toEqual([]);
    expect(await t.readFile(`${dir}/top.txt`)).toBeNull();
    await t.remove(dir);
    await t.remove(`${base}/never-existed.txt`);
  });

  it("accepts ~/ paths relative to the remote home directory", async () => {
    const t = loopbackTransport(sshd);
    const rel = `.slurmopt-ssh-test-${process.pid}`;
    try {
      await t.writeFile(`~/${rel}/f.txt`, "home");
      const home = (await t.run(["sh", "-c", 'echo "$HOME"'])).stdout.trim();
      expect(execFileSync("cat", [`${home}/${rel}/f.txt`]).toString()).toBe("home");
      expect((await t.run(["cat", "f.txt"], { cwd: `~/${rel}` })).stdout).toBe("home");
    } finally {
      await t.remove(`~/${rel}`);
    }
  });

  it("reports an SFTP failure as a ClusterError naming the path", async () => {
    const t = loopbackTransport(sshd);
    await t.writeFile(`${base}/plainfile`, "x");
    const err = await t.mkdir(`${base}/plainfile/sub`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).code).toBe("TRANSPORT_ERROR");
    expect((err as ClusterError).message).toContain(`${base}/plainfile`);
  });
});

describe("connection lifecycle", () => {
  it("reuses one connection for commands and files", async () => {
    const t = loopbackTransport(sshd);
    const port = await clientPortOf(t);
    await t.writeFile(`${base}/reuse.txt`, "r");
    await t.readFile(`${base}/reuse.txt`);
    expect(await clientPortOf(t)).toBe(port);
    expect(t.connects).toBe(1);
    expect(t.description).toBe(`ssh ${sshd.user}@${sshd.host}:${sshd.port}`);
  });

  it("close() is idempotent, leaves no connection on the server and refuses later work", async () => {
    const t = loopbackTransport(sshd);
    const port = await clientPortOf(t);
    expect(await connectionOpen(sshd, port)).toBe(true);
    await Promise.all([t.close(), t.close()]);
    await t.close();
    expect(await connectionOpen(sshd, port, true)).toBe(false);
    await expect(t.run(["true"])).rejects.toThrow(/is closed/);
  });

  it("fails fast with a clear message when nothing listens on the port", async () => {
    const t = loopbackTransport(sshd, { port: 1 });
    const started = Date.now();
    const err = await t.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(
      /nothing accepts connections on port 1; check the host and port/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
