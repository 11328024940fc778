import { mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalTransport } from "../../../src/transport/localTransport.js";

describe("LocalTransport", () => {
  const t = new LocalTransport();
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "slurmopt-localtransport-"));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("passes arguments without a shell, so metacharacters stay literal", async () => {
    const r = await t.run(["printf", "%s|", "a b", "$HOME", "; rm -rf /", "'q'"]);
    expect(r).toEqual({
      stdout: "a b|$HOME|; rm -rf /|'q'|",
      stderr: "",
      exitCode: 0,
      timedOut: false,
    });
  });

  it("feeds stdin, sets env and cwd, and reports the exit code", async () => {
    const r = await t.run(
      ["/bin/sh", "-c", 'cat; printf "%s %s" "$FOO" "$(pwd)"; echo oops >&2; exit 3'],
      {
        stdin: "in\n",
        env: { FOO: "bar baz" },
        cwd: dir,
      },
    );
    expect(r.stdout).toBe(`in\nbar baz ${dir}`);
    expect(r.stderr).toBe("oops\n");
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
  });

  it("does not hang on a command that reads stdin when none is given", async () => {
    const r = await t.run(["cat"], { timeoutMs: 5000 });
    expect(r).toMatchObject({ stdout: "", exitCode: 0, timedOut: false });
  });

  it("kills a command at its time-out and says so", async () => {
    const started = Date.now();
    const r = await t.run(["sleep", "30"], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("answers 127 for a command that does not exist, like a shell", async () => {
    const r = await t.run(["/nonexistent/slurmopt-no-such-command", "x"]);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/ENOENT|not found|no such/i);
  });

  it("writes files atomically with their mode, creating parents, leaving no temporary file", async () => {
    const p = join(dir, "a", "b", "script.sh");
    await t.writeFile(p, "#!/bin/sh\necho hi\n", 0o755);
    await t.writeFile(p, "#!/bin/sh\necho second\n", 0o700);
    expect(await t.readFile(p)).toBe("#!/bin/sh\necho second\n");
    expect((await stat(p)).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, "a", "b"))).toEqual(["script.sh"]);
  });

  it("reads only the last lastBytes of a file (the output window), all of a smaller one", async () => {
    const p = join(dir, "tail.txt");
    const text = "a".repeat(1000) + "RESULT: ü\n";
    await t.writeFile(p, text);
    expect(await t.readFile(p, { lastBytes: Buffer.byteLength("RESULT: ü\n") })).toBe(
      "RESULT: ü\n",
    );
    expect(await t.readFile(p, { lastBytes: 1_000_000 })).toBe(text);
    expect(await t.readFile(join(dir, "missing"), { lastBytes: 10 })).toBeNull();
  });

  it("reads a missing file as null and lists a missing directory as empty", async () => {
    expect(await t.readFile(join(dir, "missing"))).toBeNull();
    expect(await t.readFile(join(dir, "missing", "below"))).toBeNull();
    expect(await t.list(join(dir, "missing-dir"))).toEqual([]);
  });

  it("lists entries with type and size, following symbolic links to directories", async () => {
    const d = join(dir, "listing");
    await t.mkdir(join(d, "sub"));
    await t.mkdir(join(d, "sub")); // no error the second time
    await t.writeFile(join(d, "f.txt"), "12345");
    await symlink(join(d, "sub"), join(d, "link"));
    const entries = await t.list(d);
    expect(entries.map((e) => [e.name, e.isDirectory, e.isDirectory ? null : e.size])).toEqual([
      ["f.txt", false, 5],
      ["link", true, null],
      ["sub", true, null],
    ]);
    expect(entries[0]!.mtimeMs).toBeGreaterThan(0);
  });

  it("removes files and trees, and ignores what is absent", async () => {
    const d = join(dir, "tree");
    await t.writeFile(join(d, "x", "y"), "z");
    await t.remove(d);
    await t.remove(d);
    expect(await t.list(d)).toEqual([]);
  });
});
