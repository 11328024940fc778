import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { EXIT, InputError, SlurmoptError } from "../errors/errors.js";
import { CampaignSession } from "../session/campaignSession.js";
import type { TrialRecord, TrialResults } from "../session/publicTypes.js";
import type { ParamValue } from "../space/parameters.js";
import { formatShownParameters, pointOfShown } from "../space/shownParameters.js";
import type { RunArgs } from "./campaignFromArgs.js";
import { campaignPlanFromArgs } from "./priorTrialsFromArgs.js";

/**
 * The ask/tell command line: each command opens the campaign through the library's session,
 * makes one call and prints what it returned. Nothing here reads or writes the store itself.
 */

/**
 * What a campaign created for ask/tell runs when someone drives it with run/resume anyway: it
 * has no program of its own (the client evaluates its trials).
 */
export const SERVICE_PROGRAM =
  'echo "slurmopt: this campaign was created for ask/tell (slurmopt create) and has no program; give one with resume --spec" >&2; exit 1';

/** `slurmopt create [spec] [flags]`: creates runs/<name>/<N>/ and prints its path; runs nothing. */
export async function createCommand(args: RunArgs, json: boolean): Promise<number> {
  const warnings: string[] = [];
  const { campaign, trials } = campaignPlanFromArgs(
    args,
    process.cwd(),
    { warn: (m) => warnings.push(m) },
    SERVICE_PROGRAM,
  );
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const session = await CampaignSession.create(campaign, {}, trials);
  try {
    process.stdout.write(
      json
        ? `${JSON.stringify({ dir: session.dir, name: campaign.name, seed: campaign.seed })}\n`
        : `${session.dir}\n`,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Opens the campaign (no lock: ask/tell share it), runs `f`, closes. */
async function withSession<T>(dirArg: string, f: (s: CampaignSession) => Promise<T> | T) {
  const session = await CampaignSession.open(resolveCampaignFolder(dirArg));
  try {
    return await f(session);
  } finally {
    await session.close();
  }
}

/**
 * The session names its method in its messages ("report: trial 3: ..."); on the command line
 * the command the user typed is named instead ("progress: trial 3: ..."), with the same error
 * class and code.
 */
async function naming<T>(command: string, method: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof SlurmoptError) || !e.message.includes(method)) throw e;
    const Class = e.constructor as typeof SlurmoptError;
    const message = e.message
      .replace(new RegExp(`^${method}:`), `${command}:`)
      .replace(new RegExp(`not from ${method}\\b`), `not from slurmopt ${command}`);
    throw new Class(e.code, message, { cause: e, unreachable: e.unreachable });
  }
}

/** `slurmopt ask <dir> [--n N] [--json]`: up to N trials to evaluate (pending until told). */
export async function askCommand(dirArg: string, n: number, json: boolean): Promise<number> {
  if (!Number.isInteger(n) || n < 1)
    throw new InputError("FLAG_INVALID", `--n: expected a whole number of at least 1, got ${n}`);
  const asked = await withSession(dirArg, (s) => s.ask(n));
  if (json) process.stdout.write(`${JSON.stringify(asked)}\n`);
  else if (asked.length === 0)
    process.stderr.write(
      "no trial to evaluate now: the parallelism is used up, the strategy waits for results, or max_eval is reached (slurmopt status says which)\n",
    );
  else
    // An inactive parameter is left out of the line (the program does not get it); --json
    // shows it as null.
    for (const t of asked)
      process.stdout.write(`${t.index}\t${formatAssignments(pointOfShown(t.parameters))}\n`);
  return EXIT.ok;
}

/**
 * The count of `slurmopt ask DIR [COUNT] [--n N]`: the positional or --n, given once (default 1).
 * Checked here, as yargs would read a count that is not a number as NaN.
 */
export function askCount(positional: string | undefined, flag: number | undefined): number {
  if (positional === undefined) return flag ?? 1;
  const n = Number(positional);
  if (positional.trim() === "" || !Number.isInteger(n) || n < 1)
    throw new InputError(
      "FLAG_INVALID",
      `ask: the count must be a whole number of at least 1, got ${JSON.stringify(positional)} (slurmopt ask DIR 3, or --n 3)`,
    );
  if (flag !== undefined && flag !== n)
    throw new InputError(
      "FLAG_INVALID",
      `ask: count given twice (${positional} and --n ${flag}); give it once: "slurmopt ask DIR ${positional}" or "--n ${flag}"`,
    );
  return n;
}

/** `slurmopt tell <dir> <trial> NAME=VALUE... [--sem NAME=VALUE...]` */
export async function tellCommand(
  dirArg: string,
  trial: string,
  results: readonly string[],
  sems: readonly string[],
  json: boolean,
): Promise<number> {
  const index = trialIndex("tell", trial);
  const told: TrialResults = {
    values: numbers("tell", results, "a result"),
    sems: numbers("tell", sems, "an SEM (--sem)"),
  };
  if (Object.keys(told.values).length === 0)
    throw new InputError(
      "RESULT_INVALID",
      `tell: no result given; write them as NAME=VALUE, e.g. slurmopt tell ${dirArg} ${trial} RESULT=0.31`,
    );
  const record = await withSession(dirArg, (s) => s.tell(index, told));
  printRecord(record, json);
  return EXIT.ok;
}

/**
 * `slurmopt progress <dir> <trial> <step> NAME=VALUE...`: intermediate values of a trial at a
 * step (the session's report), stored as a progress line NAME@STEP of a run trial is.
 */
export async function progressCommand(
  dirArg: string,
  trial: string,
  step: string,
  values: readonly string[],
): Promise<number> {
  const index = trialIndex("progress", trial);
  const at = step.trim() === "" ? NaN : Number(step);
  if (!Number.isFinite(at) || at < 0)
    throw new InputError(
      "RESULT_INVALID",
      `progress: the step must be a number >= 0 (an epoch, an iteration, the budget used), got "${step}"`,
    );
  const reported = numbers("progress", values, "a value");
  await naming("progress", "report", () =>
    withSession(dirArg, (s) => s.report(index, at, reported)),
  );
  return EXIT.ok;
}

/**
 * `slurmopt should-stop <dir> <trial> [--json]`: the campaign's early_stopping rule on the
 * trial's latest reported step. Prints `stop` (the trial is now EARLY_STOPPED: stop evaluating
 * it) or `continue`; exits 0 either way.
 */
export async function shouldStopCommand(
  dirArg: string,
  trial: string,
  json: boolean,
): Promise<number> {
  const index = trialIndex("should-stop", trial);
  const { stop, record } = await naming("should-stop", "shouldStop", () =>
    withSession(dirArg, (s) => {
      const stop = s.shouldStop(index);
      return { stop, record: s.trials().find((t) => t.index === index)! };
    }),
  );
  process.stdout.write(
    json
      ? `${JSON.stringify({ stop, trial: record })}\n`
      : `${stop ? `stop\t${record.reason ?? ""}` : "continue"}\n`,
  );
  return EXIT.ok;
}

/** `slurmopt fail <dir> <trial> [--reason TEXT]` */
export async function failCommand(
  dirArg: string,
  trial: string,
  reason: string | undefined,
  json: boolean,
): Promise<number> {
  const index = trialIndex("fail", trial);
  const record = await withSession(dirArg, (s) => s.fail(index, reason ?? ""));
  printRecord(record, json);
  return EXIT.ok;
}

/** `slurmopt abandon <dir> <trial> [--reason TEXT]` */
export async function abandonCommand(
  dirArg: string,
  trial: string,
  reason: string | undefined,
  json: boolean,
): Promise<number> {
  const index = trialIndex("abandon", trial);
  const record = await withSession(dirArg, (s) => s.abandon(index, reason ?? "abandoned"));
  printRecord(record, json);
  return EXIT.ok;
}

/**
 * `slurmopt attach <dir> NAME=VALUE... [--sem NAME=VALUE...]`: parameters and, optionally,
 * results (a name is a parameter's or a metric's: a spec never uses one name for both).
 */
export async function attachCommand(
  dirArg: string,
  assignments: readonly string[],
  sems: readonly string[],
  json: boolean,
): Promise<number> {
  const record = await withSession(dirArg, (s) => {
    const parameters: Record<string, ParamValue> = {};
    const valueTexts: string[] = [];
    for (const a of assignments) {
      const [name] = splitAssignment("attach", a);
      if (s.space.parameter(name)) parameters[name] = splitAssignment("attach", a)[1];
      else valueTexts.push(a);
    }
    const values = numbers("attach", valueTexts, "a result");
    const semValues = numbers("attach", sems, "an SEM (--sem)");
    const metrics = new Set(s.campaign.objectives.map((o) => o.name));
    for (const name of Object.keys(values))
      if (!metrics.has(name) && !knownMetric(s, name))
        throw new InputError(
          "POINT_INVALID",
          `attach: "${name}" is neither a parameter (${s.space.parameters.map((p) => p.name).join(", ")}) nor a result of the campaign (${[...metrics].join(", ")})`,
        );
    const hasResults = Object.keys(values).length > 0;
    if (!hasResults && Object.keys(semValues).length > 0)
      throw new InputError("RESULT_INVALID", "attach: --sem without a result");
    return s.attach(parameters, hasResults ? { values, sems: semValues } : undefined);
  });
  printRecord(record, json);
  return EXIT.ok;
}

/** Results beyond the objectives that a campaign records (tracking metrics, OCC's results). */
function knownMetric(s: CampaignSession, name: string): boolean {
  const c = s.campaign;
  return (
    (c.trackingMetrics ?? []).some((m) => m === name) ||
    (c.occ?.results ?? []).some((o) => o.name === name) ||
    (c.outcomeConstraints ?? []).some((o) => o.metric === name)
  );
}

function printRecord(t: TrialRecord, json: boolean): void {
  process.stdout.write(
    json
      ? `${JSON.stringify(t)}\n`
      : `trial ${t.index}: ${t.state}${t.reason ? ` (${t.reason})` : ""}\t${formatShownParameters(t.parameters)}${Object.keys(t.values).length > 0 ? `\t${formatAssignments(t.values)}` : ""}\n`,
  );
}

function formatAssignments(values: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

function trialIndex(verb: string, text: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new InputError(
      "TRIAL_UNKNOWN",
      `${verb}: the trial must be a trial index (a whole number >= 0, as ask printed it), got "${text}"`,
    );
  return Number(text);
}

function splitAssignment(verb: string, text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new InputError(
      "FLAG_INVALID",
      `${verb}: "${text}" is not NAME=VALUE (e.g. RESULT=0.31 or x=1.5)`,
    );
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function numbers(verb: string, texts: readonly string[], what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of texts) {
    const [name, value] = splitAssignment(verb, t);
    const v = value.trim() === "" ? NaN : Number(value);
    if (!Number.isFinite(v))
      throw new InputError(
        "RESULT_INVALID",
        `${verb}: ${what} ${name}=${JSON.stringify(value)} is not a finite number; tell numbers only (use "slurmopt fail" for a trial that gave none)`,
      );
    if (name in out) throw new InputError("RESULT_INVALID", `${verb}: ${name} is given twice`);
    out[name] = v;
  }
  return out;
}
