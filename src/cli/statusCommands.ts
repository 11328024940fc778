import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { EXIT } from "../errors/errors.js";
import { formatStatus, resultsCsvProblem } from "../report/campaignStatus.js";
import { RESULTS_CSV_WRITTEN_AGAIN } from "../report/writeResultsCsv.js";
import { CampaignSession } from "../session/campaignSession.js";

/** `slurmopt status <dir> [--json]` */
export async function statusCommand(dirArg: string, json: boolean): Promise<number> {
  const dir = resolveCampaignFolder(dirArg);
  const session = await CampaignSession.open(dir, { readonly: true });
  try {
    const s = session.status();
    const daemon = await daemonStateOf(dir);
    if (json) process.stdout.write(`${JSON.stringify({ ...s, daemon }, null, 2)}\n`);
    else
      process.stdout.write(
        `${formatStatus(s)}\n${daemon === null ? "" : `the slurmopt daemon drives it: ${daemon}\n`}`,
      );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/**
 * What the daemon does with the campaign when it drives it (driving, paused, window-closed,
 * stopping); null when no daemon runs, it does not drive this folder, or it cannot be asked.
 */
async function daemonStateOf(dir: string): Promise<string | null> {
  const { askDaemonAbout } = await import("./daemonCampaignCommands.js");
  try {
    const s = await askDaemonAbout(dir, "campaign", 5000);
    return s !== null && DRIVEN.has(s.daemonState) ? s.daemonState : null;
  } catch {
    return null;
  }
}

const DRIVEN = new Set(["driving", "paused", "window-closed", "stopping"]);

/**
 * `slurmopt status <dir> --watch`: the status again every `intervalS` seconds (the screen
 * cleared on a terminal; with --json one JSON document per line) until the campaign is no
 * longer RUNNING, or until SIGINT/SIGTERM.
 */
export async function statusWatchCommand(
  dirArg: string,
  intervalS: number,
  json: boolean,
): Promise<number> {
  const dir = resolveCampaignFolder(dirArg);
  const tty = process.stdout.isTTY && !json;
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    for (;;) {
      const session = await CampaignSession.open(dir, { readonly: true });
      let s;
      try {
        s = session.status();
      } finally {
        await session.close();
      }
      const text = json ? JSON.stringify(s) : formatStatus(s);
      process.stdout.write(
        tty ? `\x1b[2J\x1b[H${text}\n(every ${intervalS} s; Ctrl-C to stop)\n` : `${text}\n`,
      );
      if (s.state !== "RUNNING" || stopped) return EXIT.ok;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0.2, intervalS) * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      if (stopped) return EXIT.ok;
      if (!json && !tty) process.stdout.write("\n");
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** `slurmopt export <dir>`: rewrites results.csv from the store and prints its path. */
export async function exportCommand(dirArg: string): Promise<number> {
  const session = await CampaignSession.open(resolveCampaignFolder(dirArg));
  try {
    const path = session.writeResultsCsv();
    // A failing rewrite the controller recorded is over now: status stops warning of it.
    if (resultsCsvProblem(session.db, session.campaignId) !== null)
      session.log("info", RESULTS_CSV_WRITTEN_AGAIN);
    process.stdout.write(`${path}\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
