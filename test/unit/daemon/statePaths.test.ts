import { describe, expect, it } from "vitest";
import {
  daemonPaths,
  resolveSocketPath,
  resolveStateDir,
  SOCKET_PATH_MAX,
} from "../../../src/daemon/statePaths.js";

describe("daemon state folder", () => {
  it("prefers SLURMOPT_HOME, then XDG_STATE_HOME, then ~/.local/state", () => {
    expect(resolveStateDir({ SLURMOPT_HOME: "/a/b", XDG_STATE_HOME: "/x" }, "/home/u")).toBe(
      "/a/b",
    );
    expect(resolveStateDir({ XDG_STATE_HOME: "/x" }, "/home/u")).toBe("/x/slurmopt");
    expect(resolveStateDir({}, "/home/u")).toBe("/home/u/.local/state/slurmopt");
  });

  it("ignores a relative XDG_STATE_HOME (the XDG spec says so)", () => {
    expect(resolveStateDir({ XDG_STATE_HOME: "rel" }, "/home/u")).toBe(
      "/home/u/.local/state/slurmopt",
    );
  });

  it("puts the socket in the state folder when XDG_RUNTIME_DIR does not exist", () => {
    const r = resolveSocketPath("/s/t", { XDG_RUNTIME_DIR: "/no/such/runtime/dir" });
    expect(r).toEqual({ socketDir: "/s/t", socket: "/s/t/daemon.sock" });
  });

  it("puts the socket in XDG_RUNTIME_DIR/slurmopt, named after the state folder", () => {
    const a = resolveSocketPath("/state/one", { XDG_RUNTIME_DIR: "/tmp" });
    const b = resolveSocketPath("/state/two", { XDG_RUNTIME_DIR: "/tmp" });
    expect(a.socketDir).toBe("/tmp/slurmopt");
    expect(a.socket).toMatch(/^\/tmp\/slurmopt\/daemon-[0-9a-f]{12}\.sock$/);
    expect(a.socket).not.toBe(b.socket);
  });

  it("refuses a socket path over the Unix limit, naming the fix", () => {
    const long = `/${"d".repeat(SOCKET_PATH_MAX)}`;
    expect(() => resolveSocketPath(long, {})).toThrow(/107-byte limit.*SLURMOPT_HOME/);
  });

  it("names every file of the state folder", () => {
    const p = daemonPaths({ SLURMOPT_HOME: "/h" }, "/home/u");
    expect(p.registry).toBe("/h/registry.db");
    expect(p.log).toBe("/h/daemon.log");
    expect(p.config).toBe("/h/daemon.yaml");
  });
});
