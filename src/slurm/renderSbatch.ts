import { InputError } from "../errors/errors.js";
import { WAIT_STATUS_PERL } from "../executor/waitStatus.js";
import { shellQuote } from "../transport/shellQuote.js";
import { formatSlurmDuration, parseSlurmMemoryMb } from "./slurmTime.js";

/**
 * Renders the sbatch scripts in slurm-templates/. A template is plain shell with three
 * placeholders, each replaced by a block this module builds from typed, validated values:
 *   {{directives}}  the #SBATCH lines
 *   {{attempt}}     shell variables for the attempt (or, for an array, a case statement on
 *                   SLURM_ARRAY_TASK_ID) and the program's exported environment
 *   {{setup}}       the spec's setup lines (module load ..., environment activation), verbatim
 * Values inside the blocks are shell-quoted (variables) or directive-quoted (#SBATCH lines).
 */

export const TEMPLATE_PLACEHOLDERS = ["directives", "attempt", "setup"] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** Resources and policies, the same for every job of a campaign. */
export interface JobDirectives {
  jobName: string;
  partition: string | null;
  /** Seconds, or null for the partition's default. */
  timeLimitS: number | null;
  /** Memory per node in Slurm's syntax ("2G", "500M", "1024"), or null for the default. */
  mem: string | null;
  cpusPerTask: number;
  nodes: number;
  /** `--gres=gpu:N` is written only when N > 0. */
  gpus: number;
  account: string | null;
  reservation: string | null;
  qos: string | null;
  /** Node names to avoid. */
  exclude: readonly string[];
  constraint: string | null;
  /** Verbatim extra directives from the spec, e.g. "--mail-type=END". */
  extraDirectives: readonly string[];
  /** Signal sent to the batch shell `delayS` seconds before the time limit (B: = batch shell). */
  signal: { name: string; delayS: number } | null;
  /** Write --no-requeue, so a node failure ends the attempt and slurmopt decides on a retry. */
  noRequeue: boolean;
}

/** What one attempt runs. */
export interface AttemptScript {
  /** Absolute attempt directory: stdout, stderr, exit-status file. */
  dir: string;
  workdir: string;
  /** Shell command, run by /bin/sh -c in workdir. */
  command: string;
  /** Exported to the program. */
  env: Readonly<Record<string, string>>;
}

export interface TrialScriptInput {
  directives: JobDirectives;
  attempt: AttemptScript;
  setup: readonly string[];
}

export interface ArrayScriptInput {
  directives: JobDirectives;
  /** Array task index -> attempt. */
  tasks: ReadonlyMap<number, AttemptScript>;
  /** At most this many tasks run at once (%K); null for no throttle. */
  throttle: number | null;
  /** Directory for Slurm's own per-task output files (linked into each attempt directory). */
  arrayDir: string;
  setup: readonly string[];
}

/** The rendered script, kept in the attempt directory (an array's: in its array directory, linked). */
export const JOB_SCRIPT_FILE = "job.sbatch";

/** Slurm's own output of the batch shell (slurmstepd messages: time limit, memory kill). */
export const SLURM_OUT_FILE = "slurm.out";
export const SLURM_ERR_FILE = "slurm.err";

function invalid(what: string, value: string, fix: string): never {
  throw new InputError(
    "SPEC_INVALID",
    `slurm ${what} ${JSON.stringify(value)} is not usable: ${fix}`,
  );
}

/** Quotes one #SBATCH argument the way sbatch parses it (double quotes, backslash escapes). */
export function directiveQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) invalid("value", value, "it contains a line break or NUL");
  if (/^[A-Za-z0-9_@%+=:,./[\]-]+$/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A literal path inside an sbatch filename pattern: "%" must be written "%%". */
export function slurmPathPattern(path: string): string {
  return path.replace(/%/g, "%%");
}

const SIMPLE_WORD = /^[A-Za-z0-9_.:+@-]+$/;

function word(what: string, value: string): string {
  if (!SIMPLE_WORD.test(value)) invalid(what, value, "use letters, digits and _ . : + @ - only");
  return value;
}

/** Normalises a signal name ("SIGUSR1", "usr1", "USR1" -> "USR1"). */
export function signalName(name: string): string {
  const n = name.toUpperCase().replace(/^SIG/, "");
  if (!/^(USR1|USR2|TERM|INT|HUP|QUIT|ALRM|CONT|URG|WINCH|RTMIN(\+\d+)?|RTMAX(-\d+)?)$/.test(n)) {
    invalid("signal", name, "use USR1, USR2, TERM, INT, HUP, QUIT or ALRM");
  }
  return n;
}

function positiveInt(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) invalid(what, String(n), "use a whole number of at least 1");
  return n;
}

/** The #SBATCH lines for a job (arrays add --array and their own output paths). */
export function renderDirectives(
  d: JobDirectives,
  output: { out: string; err: string; array?: string },
): string {
  const lines: string[] = [];
  const add = (option: string, value?: string): void => {
    lines.push(
      value === undefined ? `#SBATCH ${option}` : `#SBATCH ${option}=${directiveQuote(value)}`,
    );
  };
  if (d.jobName === "") invalid("job name", d.jobName, "it is empty");
  add("--job-name", d.jobName);
  if (output.array !== undefined) add("--array", output.array);
  if (d.partition !== null) add("--partition", word("partition", d.partition));
  if (d.timeLimitS !== null) add("--time", formatSlurmDuration(d.timeLimitS));
  if (d.mem !== null) {
    if (parseSlurmMemoryMb(d.mem) === null)
      invalid("mem", d.mem, 'write a size such as "500M" or "4G"');
    add("--mem", d.mem.trim());
  }
  add("--cpus-per-task", String(positiveInt("cpus_per_task", d.cpusPerTask)));
  add("--nodes", String(positiveInt("nodes_per_job", d.nodes)));
  if (!Number.isInteger(d.gpus) || d.gpus < 0)
    invalid("gpus", String(d.gpus), "use a whole number >= 0");
  if (d.gpus > 0) add("--gres", `gpu:${d.gpus}`);
  if (d.account !== null) add("--account", word("account", d.account));
  if (d.reservation !== null) add("--reservation", word("reservation", d.reservation));
  if (d.qos !== null) add("--qos", word("qos", d.qos));
  const exclude = d.exclude.filter((n) => n !== "").map((n) => word("exclude node", n));
  if (exclude.length > 0) add("--exclude", exclude.join(","));
  if (d.constraint !== null) add("--constraint", d.constraint);
  add("--output", output.out);
  add("--error", output.err);
  add("--open-mode", "append");
  if (d.noRequeue) add("--no-requeue");
  if (d.signal !== null && d.signal.delayS > 0) {
    if (!Number.isInteger(d.signal.delayS))
      invalid("signal delay", String(d.signal.delayS), "use whole seconds");
    add("--signal", `B:${signalName(d.signal.name)}@${d.signal.delayS}`);
  }
  for (const extra of d.extraDirectives) {
    const e = extra.trim();
    if (!/^-{1,2}[A-Za-z]/.test(e) || /[\n\r\0]/.test(e)) {
      invalid(
        "extra directive",
        extra,
        'write one sbatch option per entry, such as "--mail-type=END"',
      );
    }
    lines.push(`#SBATCH ${e}`);
  }
  return lines.join("\n");
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variable assignments and exports of one attempt, indented by `indent`. */
function attemptLines(a: AttemptScript, signal: string, indent: string): string[] {
  for (const [k, v] of [
    ["dir", a.dir],
    ["workdir", a.workdir],
  ] as const) {
    if (!v.startsWith("/")) invalid(`attempt ${k}`, v, "it must be an absolute path");
  }
  const lines = [
    `slurmopt_dir=${shellQuote(a.dir)}`,
    `slurmopt_workdir=${shellQuote(a.workdir)}`,
    `slurmopt_command=${shellQuote(a.command)}`,
    `slurmopt_signal=${signal}`,
    `slurmopt_wait_perl=${shellQuote(WAIT_STATUS_PERL)}`,
    `export SLURMOPT_ATTEMPT_DIR=${shellQuote(a.dir)}`,
  ];
  for (const [name, value] of Object.entries(a.env)) {
    if (!ENV_NAME.test(name))
      invalid("environment variable name", name, "use letters, digits and _");
    if (name.startsWith("slurmopt_"))
      invalid("environment variable name", name, "slurmopt_* is reserved");
    if (value.includes("\0")) invalid(`environment variable ${name}`, value, "it contains NUL");
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  return lines.map((l) => indent + l);
}

function setupBlock(setup: readonly string[]): string {
  for (const line of setup) if (line.includes("\0")) invalid("setup line", line, "it contains NUL");
  return setup.length === 0 ? ":" : setup.join("\n");
}

/** Replaces {{placeholder}}s; an unknown or missing placeholder is an InputError naming the template. */
export function fillTemplate(
  template: string,
  values: Readonly<Record<TemplatePlaceholder, string>>,
  templateName: string,
): string {
  for (const p of TEMPLATE_PLACEHOLDERS) {
    if (!template.includes(`{{${p}}}`)) {
      throw new InputError(
        "SPEC_INVALID",
        `slurm template ${templateName} lacks the placeholder {{${p}}}; start from slurm-templates/ and keep {{directives}}, {{attempt}} and {{setup}}`,
      );
    }
  }
  return template.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_m, name: string) => {
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new InputError(
        "SPEC_INVALID",
        `slurm template ${templateName} uses the unknown placeholder {{${name}}}; known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}`,
      );
    }
    // A function replacement keeps "$&" and friends in values literal.
    return values[name as TemplatePlaceholder];
  });
}

const signalOf = (d: JobDirectives): string =>
  d.signal === null ? "TERM" : signalName(d.signal.name);

/** Renders the script of one trial job; its Slurm output goes to the attempt directory. */
export function renderTrialScript(
  template: string,
  input: TrialScriptInput,
  templateName = "trial.sbatch",
): string {
  const dir = input.attempt.dir.replace(/\/+$/, "");
  const directives = renderDirectives(input.directives, {
    out: `${slurmPathPattern(dir)}/${SLURM_OUT_FILE}`,
    err: `${slurmPathPattern(dir)}/${SLURM_ERR_FILE}`,
  });
  const attempt = attemptLines(input.attempt, signalOf(input.directives), "").join("\n");
  return fillTemplate(
    template,
    { directives, attempt, setup: setupBlock(input.setup) },
    templateName,
  );
}

/** "0-3,7%2": the --array value for these task ids. */
export function arraySpec(ids: readonly number[], throttle: number | null): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",") + (throttle !== null ? `%${positiveInt("array throttle", throttle)}` : "");
}

/** Renders a job array script: a case statement maps SLURM_ARRAY_TASK_ID to each attempt. */
export function renderArrayScript(
  template: string,
  input: ArrayScriptInput,
  templateName = "trial-array.sbatch",
): string {
  if (input.tasks.size === 0) invalid("job array", "", "it has no tasks");
  const ids = [...input.tasks.keys()];
  for (const id of ids)
    if (!Number.isInteger(id) || id < 0) invalid("array index", String(id), "use integers >= 0");
  const arrayDir = input.arrayDir.replace(/\/+$/, "");
  if (!arrayDir.startsWith("/"))
    invalid("array directory", arrayDir, "it must be an absolute path");
  const directives = renderDirectives(input.directives, {
    out: `${slurmPathPattern(arrayDir)}/slurm-%a.out`,
    err: `${slurmPathPattern(arrayDir)}/slurm-%a.err`,
    array: arraySpec(ids, input.throttle),
  });
  const signal = signalOf(input.directives);
  const lines = ['case "${SLURM_ARRAY_TASK_ID:-}" in'];
  for (const id of [...ids].sort((a, b) => a - b)) {
    lines.push(`${id})`, ...attemptLines(input.tasks.get(id)!, signal, "  "), "  ;;");
  }
  lines.push(
    "*)",
    '  echo "slurmopt: array task ${SLURM_ARRAY_TASK_ID:-(none)} is not part of this batch" >&2',
    "  exit 97",
    "  ;;",
    "esac",
    `slurmopt_slurm_out=${shellQuote(arrayDir)}/slurm-"$SLURM_ARRAY_TASK_ID".out`,
    `slurmopt_slurm_err=${shellQuote(arrayDir)}/slurm-"$SLURM_ARRAY_TASK_ID".err`,
    `slurmopt_job_script=${shellQuote(`${arrayDir}/${JOB_SCRIPT_FILE}`)}`,
  );
  return fillTemplate(
    template,
    { directives, attempt: lines.join("\n"), setup: setupBlock(input.setup) },
    templateName,
  );
}
