import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureDaemon, runningDaemonPid } from "../daemon/detachDaemon.js";
import type { CampaignSummary } from "../daemon/protocol.js";
import { daemonSocket, requestDaemon } from "../daemon/socketClient.js";
import { daemonPaths } from "../daemon/statePaths.js";
import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { EXIT, StateError } from "../errors/errors.js";
import { readCampaignStatus } from "../controllerJob/followCampaign.js";
import { watchedCampaignExitCode } from "./campaignExitCode.js";
import { ProgressLine } from "./progressLine.js";

/** Hands a campaign folder to the daemon (starting one when none runs); returns its summary. */
export async function handToDaemon(dir: string): Promise<CampaignSummary> {
  const paths = daemonPaths();
  await ensureDaemon(paths);
  return requestDaemon<CampaignSummary>(
    daemonSocket(paths),
    { op: "adopt", dir },
    { timeoutMs: 300_000 },
  );
}

/** `slurmopt adopt <dir>`. */
export async function adoptCommand(dirArg: string): Promise<number> {
  const s = await handToDaemon(resolveCampaignFolder(dirArg));
  process.stdout.write(`the daemon drives ${s.dir} (${s.name}: ${s.done}/${s.maxEval} done)\n`);
  return EXIT.ok;
}

/**
 * Asks the daemon about a campaign it drives. Resolves null when no daemon runs or it does not
 * know the folder (the caller then does what it does without a daemon).
 */
export async function askDaemonAbout(
  dir: string,
  op: "campaign" | "stop" | "cancel" | "pause" | "continue",
  timeoutMs = 30_000,
): Promise<CampaignSummary | null> {
  const paths = daemonPaths();
  if ((await runningDaemonPid(paths)) === null) return null;
  try {
    return await requestDaemon<CampaignSummary>(daemonSocket(paths), { op, dir }, { timeoutMs });
  } catch (e) {
    if (e instanceof StateError && e.code === "DAEMON_ERROR" && e.message.includes("(NOT_DRIVEN)"))
      return null;
    throw e;
  }
}

export function summaryLine(s: CampaignSummary): string {
  const best = s.best === null ? "-" : String(Number(s.best.toPrecision(6)));
  return `${s.name}: ${s.done}/${s.maxEval} done, ${s.failed} failed, ${s.running} running, ${s.queued} queued | best ${best} | ${s.daemonState}${s.state !== null ? ` (${s.state})` : ""}`;
}

/** `slurmopt list [--json]`: every campaign the daemon knows. */
export async function listCommand(json: boolean): Promise<number> {
  const paths = daemonPaths();
  const list = await requestDaemon<CampaignSummary[]>(daemonSocket(paths), { op: "list" });
  if (json) {
    process.stdout.write(`${JSON.stringify(list)}\n`);
    return EXIT.ok;
  }
  if (list.length === 0) {
    process.stdout.write("the daemon drives no campaign\n");
    return EXIT.ok;
  }
  const rows = list.map((s) => [
    s.name,
    s.daemonState,
    s.state ?? "-",
    `${s.done}/${s.running}/${s.queued}`,
    s.best === null ? "-" : String(Number(s.best.toPrecision(6))),
    s.dir,
    s.lastError ?? "",
  ]);
  const head = ["NAME", "DAEMON", "STATE", "DONE/RUN/QUEUED", "BEST", "FOLDER", "LAST ERROR"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${[head, ...rows].map(fmt).join("\n")}\n`);
  return EXIT.ok;
}

/** `slurmopt pause <dir>` / `slurmopt continue <dir>`. */
export async function pauseCommand(dirArg: string, pause: boolean): Promise<number> {
  const dir = resolveCampaignFolder(dirArg);
  const s = await askDaemonAbout(dir, pause ? "pause" : "continue");
  if (s === null)
    throw new StateError(
      "CAMPAIGN_NOT_FOUND",
      `no slurmopt daemon drives ${dir}; hand it over with "slurmopt adopt ${dirArg}" (a foreground run stops with "slurmopt stop")`,
    );
  process.stdout.write(
    pause
      ? `paused: nothing new is submitted; running trials go on (${summaryLine(s)})\n`
      : `continued (${summaryLine(s)})\n`,
  );
  return EXIT.ok;
}

const LIVE = new Set(["driving", "paused", "window-closed", "stopping"]);

/** `slurmopt follow <dir>`: a live progress line until the campaign ends. */
export async function followCommand(dirArg: string, intervalMs = 1000): Promise<number> {
  const dir = resolveCampaignFolder(dirArg);
  const line = new ProgressLine(process.stdout, process.stdout.isTTY);
  let last: CampaignSummary | null = null;
  for (;;) {
    const s = await askDaemonAbout(dir, "campaign");
    if (s === null) {
      if (last === null)
        throw new StateError(
          "CAMPAIGN_NOT_FOUND",
          `no slurmopt daemon drives ${dir}; "slurmopt status ${dirArg}" shows it`,
        );
      break;
    }
    last = s;
    if (!LIVE.has(s.daemonState)) break;
    line.update(summaryLine(s));
    await sleep(intervalMs);
  }
  line.end();
  process.stdout.write(`${summaryLine(last)}\n`);
  if (last.lastError) process.stdout.write(`last error: ${last.lastError}\n`);
  // The daemon let it go: ended, with that ending's code; else (stopped, dropped) 0.
  return watchedCampaignExitCode(readCampaignStatus(dir), EXIT.ok);
}

/** `slurmopt logs [<dir>] [--follow]`: the daemon's log, or a campaign's slurmopt.log. */
export async function logsCommand(dirArg: string | undefined, follow: boolean): Promise<number> {
  const file =
    dirArg === undefined ? daemonPaths().log : join(resolveCampaignFolder(dirArg), "slurmopt.log");
  let offset = printFrom(file, 0);
  while (follow) {
    await sleep(500);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      continue;
    }
    if (size < offset) offset = 0; // rotated: the new file starts from the beginning
    offset = printFrom(file, offset);
  }
  return EXIT.ok;
}

function printFrom(file: string, offset: number): number {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return offset;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = offset;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      process.stdout.write(buf.subarray(0, n));
      pos += n;
    }
    return pos;
  } finally {
    closeSync(fd);
  }
}
