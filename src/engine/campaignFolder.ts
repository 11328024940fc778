import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { InputError, StateError } from "../errors/errors.js";
import { CAMPAIGN_FILES, CampaignPaths } from "./campaignPaths.js";

const DB_FILE = CAMPAIGN_FILES.db;

/**
 * Creates the next campaign folder runs/<name>/<N>/ (N the first free integer, as OmniOpt2
 * does). mkdir of the numbered folder is atomic, so two runs started at once get different N.
 */
export function createCampaignFolder(runDir: string, name: string): string {
  const base = join(runDir, name);
  makeFolders(base);
  for (let n = 0; ; n++) {
    const dir = join(base, String(n));
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw folderError(dir, e);
    }
  }
}

/**
 * mkdir -p, one level at a time (Node's recursive mkdir loops for ever under /proc). Any
 * failure is an InputError naming the folder: a run_dir that is a file, unwritable, or a name
 * too long for the file system.
 */
function makeFolders(path: string): void {
  const abs = resolve(path);
  const parts = abs.split(sep).filter((p) => p !== "");
  let at: string = sep;
  for (const part of parts) {
    at = join(at, part);
    try {
      mkdirSync(at, { mode: 0o700 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && isFolder(at)) continue;
      throw folderError(at, e);
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function folderError(path: string, cause: unknown): InputError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === "EEXIST" || code === "ENOTDIR"
      ? "a file of that name is in the way"
      : code === "ENAMETOOLONG"
        ? "the name is too long for the file system (use a shorter name or run_dir)"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "no permission to write there"
          : ((cause as Error).message ?? String(cause));
  return new InputError(
    "SPEC_INVALID",
    `cannot create the campaign folder ${path}: ${why}; give a run_dir (--run_dir) that is a writable folder`,
    { cause },
  );
}

/**
 * Resolves what the user gave to status/export/resume: a campaign folder holding campaign.db,
 * the database file itself, or runs/<name> (meaning its latest N).
 */
export function resolveCampaignFolder(input: string, cwd = process.cwd()): string {
  const path = resolve(cwd, input);
  if (path.endsWith(DB_FILE) && existsSync(path)) return resolve(path, "..");
  if (existsSync(new CampaignPaths(path).db)) return path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const numbers = readdirSync(path)
      .filter((e) => /^\d+$/.test(e) && existsSync(new CampaignPaths(join(path, e)).db))
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
