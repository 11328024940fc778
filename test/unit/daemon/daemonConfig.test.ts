import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, loadDaemonConfig } from "../../../src/daemon/daemonConfig.js";
import { InputError } from "../../../src/errors/errors.js";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "daemon-config-")), "daemon.yaml");
  writeFileSync(path, text);
  return path;
}

describe("daemon.yaml", () => {
  it("absent: the defaults (the dashboard on loopback, a free port)", () => {
    expect(loadDaemonConfig("/nonexistent/daemon.yaml")).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.dashboard).toEqual({ host: "127.0.0.1", port: 0, allowRemote: false });
  });

  it("dashboard: false turns the dashboard off; a port and host are kept", () => {
    expect(loadDaemonConfig(configFile("dashboard: false\n")).dashboard).toBeNull();
    expect(loadDaemonConfig(configFile("dashboard: {port: 8765}\n")).dashboard).toEqual({
      host: "127.0.0.1",
      port: 8765,
      allowRemote: false,
    });
  });

  it("a schedule, housekeeping and loop_idle_ms are read; a bad key is refused naming it", () => {
    const c = loadDaemonConfig(
      configFile(
        'schedule: {timezone: UTC, pause_at: "0 12 * * *"}\nhousekeeping: "*/5 * * * *"\nloop_idle_ms: 500\n',
      ),
    );
    expect(c.schedules.pauseAt).toEqual(["0 12 * * *"]);
    expect(c.schedules.timezone).toBe("UTC");
    expect(c.housekeeping).toBe("*/5 * * * *");
    expect(c.idleMs).toBe(500);
    for (const bad of ["dashboard: true\n", "dashboard: {port: 70000}\n", "colour: blue\n"]) {
      const path = configFile(bad);
      expect(() => loadDaemonConfig(path)).toThrow(InputError);
    }
    expect(() => loadDaemonConfig(configFile("dashboard: {prot: 1}\n"))).toThrow(/prot/);
  });
});
