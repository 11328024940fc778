import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { isLoopback, serveDashboard } from "../dashboard/dashboardServer.js";
import { sshTunnelHint } from "../dashboard/sshTunnelHint.js";
import { EXIT, errorMessage } from "../errors/errors.js";

export interface ServeOptions {
  port: number;
  host: string;
  allowRemote: boolean;
}

/**
 * The campaign folders of a runs/ folder: runs/<name>/<N> holding campaign.db, looked up again
 * on every call, so campaigns started after `serve` appear.
 */
export function campaignsUnder(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const base = join(runsDir, name);
    let numbers: string[];
    try {
      numbers = readdirSync(base).filter((n) => /^\d+$/.test(n));
    } catch {
      continue; // a file, not a campaign's folder
    }
    for (const n of numbers.sort((a, b) => Number(a) - Number(b)))
      if (existsSync(new CampaignPaths(join(base, n)).db)) out.push(join(base, n));
  }
  return out;
}

/**
 * `slurmopt serve [<dir>...]`: the live dashboard for the given campaigns (default: every
 * campaign under ./runs), on 127.0.0.1 unless told otherwise, until SIGINT/SIGTERM.
 */
export async function serveCommand(
  dirs: readonly string[],
  options: ServeOptions,
): Promise<number> {
  // Given folders (runs/<name> means its latest run, looked up again each time) or ./runs.
  const folders =
    dirs.length === 0
      ? () => campaignsUnder(resolve("runs"))
      : () => {
          const out: string[] = [];
          for (const d of dirs) {
            try {
              out.push(resolveCampaignFolder(d));
            } catch {
              // Not a campaign (yet): listed once it is one.
            }
          }
          return out;
        };
  if (dirs.length > 0) for (const d of dirs) resolveCampaignFolder(d); // fail early on a typo
  if (!isLoopback(options.host))
    process.stderr.write(
      `slurmopt: warning: the dashboard listens on ${options.host}, not only on this machine's loopback address: anyone who can reach this port and learns the token can read these campaigns (an ssh -L tunnel to 127.0.0.1 is the safe way)\n`,
    );
  const server = await serveDashboard({
    folders,
    host: options.host,
    port: options.port,
    allowNonLoopback: options.allowRemote,
    onError: (m, e) => process.stderr.write(`slurmopt: ${m}: ${errorMessage(e)}\n`),
  });
  const n = folders().length;
  process.stdout.write(
    [
      `slurmopt dashboard (${n} campaign${n === 1 ? "" : "s"}, read-only): ${server.url}`,
      ...(isLoopback(options.host) ? sshTunnelHint(server.port, server.token) : []),
      "stop with Ctrl-C",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  return EXIT.ok;
}
