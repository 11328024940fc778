import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { StateError } from "../errors/errors.js";

export const DB_FILE = "campaign.db";

/**
 * Creates the next campaign folder runs/<name>/<N>/ (N the first free integer, as OmniOpt2
 * does). mkdir of the numbered folder is atomic, so two runs started at once get different N.
 */
export function createCampaignFolder(runDir: string, name: string): string {
  const base = join(runDir, name);
  mkdirSync(base, { recursive: true, mode: 0o700 });
  for (let n = 0; ; n++) {
    const dir = join(base, String(n));
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
  }
}

/**
 * Resolves what the user gave to status/export/resume: a campaign folder holding campaign.db,
 * the database file itself, or runs/<name> (meaning its latest N).
 */
export function resolveCampaignFolder(input: string, cwd = process.cwd()): string {
  const path = resolve(cwd, input);
  if (path.endsWith(DB_FILE) && existsSync(path)) return resolve(path, "..");
  if (existsSync(join(path, DB_FILE))) return path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const numbers = readdirSync(path)
      .filter((e) => /^\d+$/.test(e) && existsSync(join(path, e, DB_FILE)))
      .map(Number)
      .sort((a, b) => a - b);
    const latest = numbers.at(-1);
    if (latest !== undefined) return join(path, String(latest));
  }
  throw new StateError(
    "CAMPAIGN_NOT_FOUND",
    `no campaign at "${input}": give a campaign folder holding ${DB_FILE} (runs/<name>/<N>) or runs/<name> for its latest run`,
  );
}
