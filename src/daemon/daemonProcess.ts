import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { EXIT, errorMessage } from "../errors/errors.js";
import { NodeCronDriver } from "./cronDriver.js";
import { Daemon } from "./daemon.js";
import { loadDaemonConfig } from "./daemonConfig.js";
import { slurmoptVersion } from "./daemonVersion.js";
import { claimDaemonInstance } from "./instanceGuard.js";
import { rotatingLogger } from "./rotatingLog.js";
import { prepareSocketDir, SocketServer } from "./socketServer.js";
import { daemonPaths } from "./statePaths.js";

/** What daemon.json records about the running daemon (clients read the socket path from it). */
export interface DaemonInfo {
  pid: number;
  socket: string;
  startedAt: number;
  version: string;
}

/**
 * `slurmopt daemon start --foreground` (and the detached daemon's own process): claims the
 * state folder, listens on the socket, takes up the registry's campaigns and runs until SIGTERM,
 * SIGINT or a shutdown request. The first signal stops gracefully (campaigns record their state,
 * jobs go on running); a second one exits at once. Resolves with the exit code.
 */
export async function runDaemon(options: { tty: boolean }): Promise<number> {
  const paths = daemonPaths();
  const config = loadDaemonConfig(paths.config);
  const releaseGuard = await claimDaemonInstance(paths);
  const log = rotatingLogger(paths.log, { tty: options.tty });
  const logger = log.logger;
  const cron = new NodeCronDriver();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  let daemon: Daemon | null = null;
  let server: SocketServer | null = null;
  let shuttingDown: Promise<void> | null = null;
  const shutdown = (why: string): Promise<void> =>
    (shuttingDown ??= (async () => {
      logger.info(`daemon stopping (${why})`);
      await server?.close();
      await daemon?.stop();
      removeInfoIfOurs(paths.info);
      finish();
    })());
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) {
      logger.warn(`second ${sig}: exiting now (every campaign's stored state is consistent)`);
      process.exit(EXIT.interrupted);
    }
    void shutdown(sig);
  };
  try {
    daemon = new Daemon({
      paths,
      logger,
      cron,
      config,
      version: slurmoptVersion(),
      onShutdownRequest: () => void shutdown("shutdown request"),
    });
    const d = daemon;
    server = new SocketServer(paths.socket, (r) => d.handle(r), logger);
    prepareSocketDir(paths.socketDir);
    await server.listen();
    const info: DaemonInfo = {
      pid: process.pid,
      socket: paths.socket,
      startedAt: daemon.startedAt,
      version: slurmoptVersion(),
    };
    writeFileSync(paths.info, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  } catch (e) {
    releaseGuard();
    await server?.close();
    await daemon?.stop();
    await log.close();
    throw e;
  }
  releaseGuard();
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // A detached daemon has no terminal; a foreground one outlives the terminal's hang-up too.
  process.on("SIGHUP", () => logger.info("SIGHUP ignored"));
  logger.info(
    { pid: process.pid, socket: paths.socket, stateDir: paths.stateDir },
    "daemon started",
  );
  try {
    await daemon.start();
  } catch (e) {
    logger.error({ err: e }, `taking up the campaigns failed: ${errorMessage(e)}`);
  }
  await finished;
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  cron.dispose();
  logger.info("daemon stopped");
  await log.close();
  return EXIT.ok;
}

function removeInfoIfOurs(path: string): void {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as Partial<DaemonInfo>;
    if (info.pid === process.pid) rmSync(path, { force: true });
  } catch {
    // gone already
  }
}
