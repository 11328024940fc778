/**
 * The live dashboard: an HTTP server on the loopback address that serves the report page in
 * live mode for a list of campaign folders, their data (built from each campaign.db, read-only),
 * and a server-sent event stream that says which campaign changed. Every request needs the
 * random access token (query `token=` or `Authorization: Bearer`); without it: 401. Nothing can
 * be changed through it. `serveDashboard` is what `slurmopt serve` and the daemon call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { AddressInfo } from "node:net";
import { InputError, errorMessage } from "../errors/errors.js";
import { newAccessToken, tokenMatches } from "./accessToken.js";
import { CampaignWatcher } from "./campaignWatcher.js";
import { campaignList, campaignData, type CampaignEntry } from "./campaignData.js";
import { renderReportHtml } from "../report/renderReportHtml.js";

export interface DashboardOptions {
  /** The campaign folders to show, asked again on every list and watch (the daemon's change). */
  folders: () => readonly string[];
  /** Default 127.0.0.1. Any other address needs `allowNonLoopback` (the CLI's explicit flag). */
  host?: string;
  /** 0 (default): a free port. */
  port?: number;
  token?: string;
  allowNonLoopback?: boolean;
  /** How often the databases are asked whether they changed (default 1000 ms). */
  watchMs?: number;
  onError?: (message: string, e: unknown) => void;
}

export interface DashboardHandle {
  host: string;
  port: number;
  token: string;
  /** The URL with its token, on the address the server listens on. */
  url: string;
  close: () => Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  // The token is in the URL: never send it on to another site.
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

export async function serveDashboard(options: DashboardOptions): Promise<DashboardHandle> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && options.allowNonLoopback !== true)
    throw new InputError(
      "FLAG_INVALID",
      `the dashboard listens on the loopback address only; to listen on ${host} pass the explicit flag for it (slurmopt serve --host ${host} --allow-remote)`,
    );
  const token = options.token ?? newAccessToken();
  const onError = options.onError ?? (() => undefined);
  const streams = new Set<ServerResponse>();
  const watcher = new CampaignWatcher(
    options.folders,
    (folder) => {
      const id = idOf(folder);
      for (const res of streams)
        res.write(`event: change\ndata: ${JSON.stringify({ campaign: id })}\n\n`);
    },
    options.watchMs ?? 1000,
    (folder, e) => onError(`campaign ${folder} cannot be read now`, e),
  );
  const entries = (): CampaignEntry[] => campaignList(options.folders());
  const idOf = (folder: string): string | null =>
    entries().find((e) => e.folder === folder)?.id ?? null;
  const page = renderReportHtml({ mode: "live", data: null, title: "slurmopt dashboard" });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://dashboard");
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!tokenMatches(url.searchParams.get("token") ?? bearer, token)) {
      res.writeHead(401, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
      res.end("401: this dashboard needs its access token: open the URL slurmopt serve printed\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: "GET, HEAD" });
      res.end("405: the dashboard is read-only\n");
      return;
    }
    const path = url.pathname;
    if (path === "/") {
      res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8" });
      res.end(page);
      return;
    }
    if (path === "/api/campaigns") {
      json(
        res,
        entries().map(({ folder: _folder, ...e }) => e),
      );
      return;
    }
    const m = /^\/api\/campaigns\/([^/]+)\/data$/.exec(path);
    if (m) {
      const entry = entries().find((e) => e.id === decodeURIComponent(m[1]!));
      if (!entry) {
        res.writeHead(404, SECURITY_HEADERS);
        res.end("404: no such campaign here\n");
        return;
      }
      json(res, campaignData(entry.folder, watcher.markOf(entry.folder)));
      return;
    }
    if (path === "/api/events") {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": "text/event-stream",
        Connection: "keep-alive",
      });
      res.write(": connected\n\n");
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    res.writeHead(404, SECURITY_HEADERS);
    res.end("404\n");
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      onError(`request ${req.url ?? ""} failed`, e);
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end(`500: ${errorMessage(e)}\n`);
    }
  });
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(": keep-alive\n\n");
  }, 15_000);
  heartbeat.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(
        new InputError(
          "FLAG_INVALID",
          `cannot listen on ${host}:${options.port ?? 0}: ${e.message}`,
          {
            cause: e,
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  watcher.start();
  const port = (server.address() as AddressInfo).port;
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return {
    host,
    port,
    token,
    url: `http://${shown}:${port}/?token=${token}`,
    close: async () => {
      clearInterval(heartbeat);
      watcher.close();
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(value));
}
