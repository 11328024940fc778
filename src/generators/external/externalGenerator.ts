/**
 * The external generator: OmniOpt2's protocol (docs/external-generators.md).
 *
 * One call per point. Call K (K = the number of earlier calls in this campaign, counted from
 * the numbered folders on disk) gets a fresh folder <campaignDir>/external_generator_tmp/<K>/
 * holding input.json; the command, split on whitespace and run without a shell in the campaign's
 * workdir, gets that folder as its last argument and writes results.json there. Its stdout and
 * stderr stay in the folder, with outcome.json saying how the call went. The seed written is the
 * campaign seed + K, so seeded generators do not repeat themselves.
 *
 * A call fails when the program cannot start, exceeds its time limit (its whole process group is
 * killed), exits non-zero or by a signal, writes no or invalid results.json (readResultsJson), or
 * proposes a point equal to an evaluated, failed, pending or just-proposed one while
 * on_duplicate is "reject". A failed call is retried with a new call (new folder, new seed) up to
 * max_retries times; then either Sobol proposes the remaining points of the round with a warning
 * (on_failure: fallback) or a GeneratorError stops the campaign (on_failure: stop). A generator
 * whose last 1 + max_retries calls all failed gets one call per round until it works again.
 *
 * The generator only returns points: the caller stores them; nothing here touches stored trials.
 */
import { readRegularFile } from "../../files/readRegularFile.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GeneratorError, errorMessage } from "../../errors/errors.js";
import type { ExternalGeneratorSettings } from "../../spec/campaign.js";
import type { Point } from "../../space/parameters.js";
import { formatValue } from "../../space/parameters.js";
import type { Generator, GeneratorInput } from "../generator.js";
import { proposeRandom } from "../randomGenerator.js";
import { proposeSobol } from "../sobolGenerator.js";
import { buildInputDocument } from "./inputDocument.js";
import { toPythonJson } from "./pythonJson.js";
import { readResultsJson } from "./readResultsJson.js";
import { runInProcessGroup, type ProcessEnd } from "./runInProcessGroup.js";
import {
  claimWorkFolder,
  lastCallsFailed,
  readIfPresent,
  writeOutcome,
  type WorkFolder,
} from "./workFolders.js";

export interface ExternalGeneratorOptions {
  readonly settings: ExternalGeneratorSettings;
  /** Where the command runs (the campaign's workdir). */
  readonly workdir: string;
  /** Receives warnings (falling back to Sobol). */
  readonly warn: (message: string) => void;
  /** After a time-out, SIGTERM first and SIGKILL this many ms later (default 2000). */
  readonly killGraceMs?: number;
}

export function createExternalGenerator(options: ExternalGeneratorOptions): Generator {
  // Points the fallback made, so that each trial records the generator that really proposed it.
  const madeBy = new WeakMap<Point, string>();
  return {
    name: "external",
    propose: (input, n) => proposeExternal(input, n, options, madeBy),
    sourceOf: (point) => madeBy.get(point),
  };
}

type CallResult = { point: Point } | { problem: string } | { aborted: true };

async function proposeExternal(
  input: GeneratorInput,
  n: number,
  options: ExternalGeneratorOptions,
  madeBy: WeakMap<Point, string>,
): Promise<Point[]> {
  const { settings } = options;
  const argv = settings.command.replace(/\n/g, " ").trim().split(/\s+/);
  const accepted: Point[] = [];
  for (let i = 0; i < n; i++) {
    let budget = 1 + settings.maxRetries;
    const problems: string[] = [];
    let point: Point | null = null;
    for (let a = 0; a < budget && point === null; a++) {
      const folder = await claimWorkFolder(input.campaignDir);
      if (a === 0 && budget > 1 && (await lastCallsFailed(input.campaignDir, folder.index, budget)))
        budget = 1;
      const r = await callOnce(input, argv, folder, accepted, options);
      if ("aborted" in r) return accepted;
      if ("point" in r) point = r.point;
      else problems.push(`call ${folder.index}: ${r.problem}`);
    }
    if (point !== null) {
      accepted.push(point);
      continue;
    }
    const what =
      `the external generator failed ${problems.length} time(s) in a row ` +
      `(files in ${join(input.campaignDir, "external_generator_tmp")}/<call>/): ${problems.join("; ")}`;
    if (settings.onFailure === "stop")
      throw new GeneratorError(
        "EXTERNAL_GENERATOR_ERROR",
        `${what}. The campaign stops (external_generator.on_failure: stop); fix the generator, then "slurmopt resume"`,
      );
    options.warn(
      `${what}. Sobol proposes the remaining ${n - i} point(s) of this round (external_generator.on_failure: fallback)`,
    );
    for (const made of fallbackPoints(input, accepted, n - i)) {
      madeBy.set(made.point, made.generator);
      accepted.push(made.point);
    }
    break;
  }
  return accepted;
}

async function callOnce(
  input: GeneratorInput,
  argv: readonly string[],
  folder: WorkFolder,
  accepted: readonly Point[],
  options: ExternalGeneratorOptions,
): Promise<CallResult> {
  const { settings } = options;
  const seed = input.seed + folder.index;
  const doc = buildInputDocument(input, { seed, alsoPending: accepted });
  await writeFile(join(folder.dir, "input.json"), `${toPythonJson(doc)}\n`);
  const end = await runInProcessGroup([...argv, folder.dir], {
    cwd: options.workdir,
    stdoutFile: join(folder.dir, "stdout"),
    stderrFile: join(folder.dir, "stderr"),
    timeoutMs: settings.timeoutSeconds * 1000,
    signal: input.signal,
    // The controller stops proposing on its first SIGINT/SIGTERM: a call in flight is useless then.
    alsoStopOn: ["SIGINT", "SIGTERM"],
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
  });
  if (end.aborted) {
    await writeOutcome(folder.dir, {
      ok: false,
      seed,
      seconds: end.seconds,
      problem: "stopped: the campaign is stopping",
    });
    return { aborted: true };
  }
  let result: CallResult;
  try {
    result = await judge(input, argv, folder, end, accepted, settings);
  } catch (e) {
    result = { problem: `could not read its results: ${errorMessage(e)}` };
  }
  await writeOutcome(folder.dir, {
    ok: "point" in result,
    seed,
    seconds: Math.round(end.seconds * 1000) / 1000,
    problem: "problem" in result ? result.problem : null,
  });
  return result;
}

async function judge(
  input: GeneratorInput,
  argv: readonly string[],
  folder: WorkFolder,
  end: ProcessEnd,
  accepted: readonly Point[],
  settings: ExternalGeneratorSettings,
): Promise<CallResult> {
  if (end.startError !== null)
    return {
      problem: `cannot start "${argv[0]}": ${end.startError}; check external_generator.command (--external_generator)`,
    };
  if (end.timedOut)
    return {
      problem: `still running after ${settings.timeoutSeconds}s: killed with its process group (raise external_generator.timeout if it needs longer)`,
    };
  const stderr = await stderrTail(folder.dir);
  if (end.signal !== null) return { problem: `killed by signal ${end.signal}${stderr}` };
  if (end.exitCode !== 0) return { problem: `exited with code ${end.exitCode}${stderr}` };
  const file = readRegularFile(join(folder.dir, "results.json"), MAX_RESULTS_JSON_BYTES);
  if (!file.ok && !file.missing) return { problem: `results.json: ${file.problem}` };
  const read = readResultsJson(file.ok ? file.text : null, input.space, input.constraints);
  if (!read.ok) return { problem: read.problems.join("; ") };
  if (settings.onDuplicate === "reject") {
    const dup = duplicateOf(input, accepted, read.point);
    if (dup !== null)
      return {
        problem: `proposed ${describePoint(read.point)}, equal to ${dup}; asking again (external_generator.on_duplicate: reject)`,
      };
  }
  return { point: read.point };
}

/** results.json holds one point: a larger file (or a FIFO, a device) is refused unread. */
export const MAX_RESULTS_JSON_BYTES = 1024 * 1024;

/** What an equal earlier point is ("an evaluated trial", ...), or null. */
function duplicateOf(
  input: GeneratorInput,
  accepted: readonly Point[],
  point: Point,
): string | null {
  const key = input.space.key(point);
  const same = (p: Point): boolean => input.space.key(p) === key;
  if (input.completed.some((o) => same(o.point))) return "an evaluated trial";
  if (input.pending.some(same)) return "a pending or running trial";
  if (accepted.some(same)) return "a point it proposed earlier in this round";
  if (input.failed.some(same)) return "a failed trial";
  return null;
}

/** Sobol (random when Sobol cannot serve the space) for the points the generator could not give. */
function fallbackPoints(
  input: GeneratorInput,
  accepted: readonly Point[],
  m: number,
): { point: Point; generator: string }[] {
  const fallbackInput: GeneratorInput = {
    ...input,
    pending: [...input.pending, ...accepted],
    // Past the draws earlier nodes of the campaign can have used with this seed.
    proposedByNode:
      input.completed.length + input.failed.length + input.pending.length + accepted.length,
  };
  try {
    return proposeSobol(fallbackInput, m).map((point) => ({ point, generator: "sobol" }));
  } catch (e) {
    if (e instanceof GeneratorError && e.code === "GENERATOR_ERROR")
      return proposeRandom(fallbackInput, m).map((point) => ({ point, generator: "random" }));
    throw e;
  }
}

/** "; stderr: <last lines>" or "". */
async function stderrTail(dir: string): Promise<string> {
  const text = ((await readIfPresent(join(dir, "stderr"))) ?? "").trim();
  if (text === "") return "";
  const tail = text.split("\n").slice(-3).join(" | ");
  return `; stderr: ${tail.length > 400 ? `...${tail.slice(-400)}` : tail}`;
}

function describePoint(point: Point): string {
  return `{${Object.entries(point)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(", ")}}`;
}
