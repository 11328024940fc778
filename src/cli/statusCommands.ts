import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { EXIT } from "../errors/errors.js";
import { campaignStatus, formatStatus } from "../report/campaignStatus.js";
import { writeResultsCsv } from "../report/writeResultsCsv.js";

/** `slurmopt status <dir> [--json]` */
export function statusCommand(dirArg: string, json: boolean): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg), true);
  try {
    const s = campaignStatus(open.db, open.row, open.campaign);
    process.stdout.write(json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}

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
      const open = openCampaignRecord(dir, true);
      let s;
      try {
        s = campaignStatus(open.db, open.row, open.campaign);
      } finally {
        open.db.close();
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
export function exportCommand(dirArg: string): number {
  const open = openCampaignRecord(resolveCampaignFolder(dirArg));
  try {
    process.stdout.write(`${writeResultsCsv(open.db, open.row.id, open.campaign, open.dir)}\n`);
    return EXIT.ok;
  } finally {
    open.db.close();
  }
}
