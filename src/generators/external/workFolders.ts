import { CampaignPaths } from "../../engine/campaignPaths.js";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GeneratorError } from "../../errors/errors.js";

/** The folder below the campaign directory holding one numbered folder per call (as OmniOpt2). */

/** What each call's folder records about how the call went (outcome.json). */
export interface CallOutcome {
  readonly ok: boolean;
  readonly seed: number;
  readonly seconds: number;
  /** Why the call was not used (null when ok). */
  readonly problem: string | null;
}

export interface WorkFolder {
  /** The call number K: the number of earlier calls in this campaign. */
  readonly index: number;
  readonly dir: string;
}

/**
 * Creates the next numbered folder <campaignDir>/external_generator_tmp/<K>/ (K = one more than
 * the highest existing number, 0 for the first call). The number is claimed by mkdir, so two
 * callers never share a folder. Nothing is kept in memory: a resumed campaign continues the count.
 */
export async function claimWorkFolder(campaignDir: string): Promise<WorkFolder> {
  const root = new CampaignPaths(campaignDir).externalWork;
  try {
    await mkdir(root, { recursive: true });
  } catch (e) {
    throw folderError(root, e);
  }
  let index = (await numberedFolders(root)).at(-1);
  index = index === undefined ? 0 : index + 1;
  for (;;) {
    const dir = join(root, String(index));
    try {
      await mkdir(dir);
      return { index, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw folderError(dir, e);
      index++;
    }
  }
}

/** The numbers of the call folders, ascending. */
async function numberedFolders(root: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

export async function writeOutcome(dir: string, outcome: CallOutcome): Promise<void> {
  const tmp = join(dir, ".outcome.json.tmp");
  await writeFile(tmp, `${JSON.stringify(outcome, null, 2)}\n`);
  await rename(tmp, join(dir, "outcome.json"));
}

/**
 * Whether each of the last `count` calls before `beforeIndex` failed (all of them must exist and
 * have recorded a failure). Used to give a generator that keeps failing one try per point only.
 */
export async function lastCallsFailed(
  campaignDir: string,
  beforeIndex: number,
  count: number,
): Promise<boolean> {
  if (count <= 0 || beforeIndex < count) return false;
  const root = new CampaignPaths(campaignDir).externalWork;
  for (let k = beforeIndex - count; k < beforeIndex; k++) {
    try {
      const o = JSON.parse(
        await readFile(join(root, String(k), "outcome.json"), "utf8"),
      ) as Partial<CallOutcome>;
      if (o.ok !== false) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Reads a file, or null when it does not exist. */
export async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function folderError(path: string, cause: unknown): GeneratorError {
  return new GeneratorError(
    "EXTERNAL_GENERATOR_ERROR",
    `external generator: cannot create the work folder ${path}: ${(cause as Error).message}; check that the campaign folder is writable`,
    { cause },
  );
}
