import { setTimeout as sleep } from "node:timers/promises";
import { runDaemon } from "../daemon/daemonProcess.js";
import { runningDaemonPid, startDetachedDaemon } from "../daemon/detachDaemon.js";
import type { DaemonStatus } from "../daemon/protocol.js";
import { daemonSocket, requestDaemon } from "../daemon/socketClient.js";
import { daemonPaths } from "../daemon/statePaths.js";
import { isLoopback } from "../dashboard/dashboardServer.js";
import { sshTunnelHint } from "../dashboard/sshTunnelHint.js";
import { EXIT, StateError } from "../errors/errors.js";
import { isSameProcessRunning } from "../executor/processStartTime.js";

/** `slurmopt daemon start [--foreground]`. */
export async function daemonStartCommand(foreground: boolean): Promise<number> {
  if (foreground) return runDaemon({ tty: process.stderr.isTTY });
  const paths = daemonPaths();
  const running = await runningDaemonPid(paths);
  if (running !== null)
    throw new StateError(
      "DAEMON_ERROR",
      `a slurmopt daemon already runs for ${paths.stateDir} (pid ${running}); "slurmopt daemon stop" ends it`,
    );
  const pid = await startDetachedDaemon(paths);
  process.stdout.write(`slurmopt daemon started (pid ${pid}); socket ${daemonSocket(paths)}\n`);
  return EXIT.ok;
}

/** `slurmopt daemon stop`: campaigns record their state; their jobs go on running. */
export async function daemonStopCommand(waitSeconds: number): Promise<number> {
  const paths = daemonPaths();
  const socket = daemonSocket(paths);
  const pid = await runningDaemonPid(paths);
  if (pid === null) {
    process.stdout.write(`no slurmopt daemon runs for ${paths.stateDir}\n`);
    return EXIT.ok;
  }
  await requestDaemon(socket, { op: "shutdown" });
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    if (!isSameProcessRunning(pid, null)) {
      process.stdout.write(
        `slurmopt daemon stopped (pid ${pid}); its campaigns go on when it starts again\n`,
      );
      return EXIT.ok;
    }
    await sleep(100);
  }
  throw new StateError(
    "DAEMON_ERROR",
    `the daemon (pid ${pid}) did not stop within ${waitSeconds} s; see "slurmopt logs", or end it with kill ${pid}`,
  );
}

/** `slurmopt daemon status [--json]`: exit 3 when none runs (a keep-alive line tests that). */
export async function daemonStatusCommand(json: boolean): Promise<number> {
  const paths = daemonPaths();
  let s: DaemonStatus;
  try {
    s = await requestDaemon<DaemonStatus>(daemonSocket(paths), { op: "status" });
  } catch (e) {
    if (json)
      process.stdout.write(`${JSON.stringify({ running: false, stateDir: paths.stateDir })}\n`);
    else process.stdout.write(`no slurmopt daemon runs for ${paths.stateDir}\n`);
    return e instanceof StateError && e.code === "DAEMON_UNAVAILABLE" ? EXIT.state : EXIT.failure;
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ running: true, ...s })}\n`);
    return EXIT.ok;
  }
  const lines = [
    `slurmopt daemon ${s.version}: pid ${s.pid}, up ${formatUptime(s.uptimeSeconds)}`,
    `state folder: ${s.stateDir}`,
    `socket: ${s.socket}`,
    `campaigns driven: ${s.campaigns}`,
    ...s.clusters.map(
      (c) =>
        `cluster ${c.key}: ${c.campaigns} campaign(s), ${c.pollCycles} poll cycle(s)${c.pollIntervalMs !== null ? `, polling every ${Math.round(c.pollIntervalMs / 100) / 10} s` : ""}`,
    ),
    ...dashboardLines(s.dashboard),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

function dashboardLines(d: DaemonStatus["dashboard"]): string[] {
  if (d === null) return ["dashboard: not served (daemon.yaml: dashboard: false, or see the log)"];
  const hint = isLoopback(d.host)
    ? sshTunnelHint(d.port, new URL(d.url).searchParams.get("token") ?? "")
    : [];
  return [`dashboard (read-only): ${d.url}`, ...hint];
}

function formatUptime(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
