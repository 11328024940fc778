import type { Logger } from "pino";
import { isLoopback, serveDashboard, type DashboardHandle } from "../dashboard/dashboardServer.js";
import { errorMessage } from "../errors/errors.js";
import type { DaemonConfig } from "./daemonConfig.js";
import type { Registry } from "./registry.js";

/**
 * The daemon's live dashboard of every campaign in the registry whose folder can be read, on
 * loopback with an access token (a warning when told to listen elsewhere). One that cannot
 * listen is logged and null is returned: the daemon goes on without it.
 */
export async function serveDaemonDashboard(
  settings: DaemonConfig["dashboard"],
  registry: Registry,
  logger: Logger,
): Promise<DashboardHandle | null> {
  if (settings === null) return null;
  if (!isLoopback(settings.host))
    logger.warn(
      `the dashboard listens on ${settings.host}, not only on loopback: anyone who reaches the port and learns the token can read the campaigns`,
    );
  try {
    const dashboard = await serveDashboard({
      folders: () =>
        registry
          .all()
          .filter((r) => r.missing === null)
          .map((r) => r.dir),
      host: settings.host,
      port: settings.port,
      allowNonLoopback: settings.allowRemote,
      onError: (m, e) => logger.warn({ err: e }, `dashboard: ${m}`),
    });
    logger.info(
      { port: dashboard.port, host: dashboard.host },
      `dashboard on ${dashboard.host}:${dashboard.port} ("slurmopt daemon status" shows its URL)`,
    );
    return dashboard;
  } catch (e) {
    logger.error({ err: e }, `the dashboard is not served: ${errorMessage(e)}`);
    return null;
  }
}
