import { readFileSync } from "node:fs";
import type { Options } from "yargs";
import { InputError } from "../errors/errors.js";
import { parseStructuredText, type TextFormat } from "../spec/parseStructuredText.js";
import type { GroupedFlags } from "./groupedFlags.js";

/**
 * OmniOpt2's --config_yaml / --config_json / --config_toml: a file whose keys are flag names
 * (without --), e.g. `max_eval: 20`, `run_program: "python3 train.py --lr %(lr)"`,
 * `parameter: [{param: [lr, range, "0.001", "0.1", float]}]`, `result_names: [LOSS=min]`.
 * Flags on the command line win over the file. Unknown keys are errors.
 */
export interface WithConfig {
  readonly flags: Record<string, unknown>;
  readonly grouped: GroupedFlags;
  readonly notes: string[];
}

const FORMATS = { config_yaml: "YAML", config_json: "JSON", config_toml: "TOML" } as const;
type ConfigFlag = keyof typeof FORMATS;

export function applyConfigFile(
  flags: Readonly<Record<string, unknown>>,
  grouped: GroupedFlags,
  options: Readonly<Record<string, Options>>,
): WithConfig {
  const given = (Object.keys(FORMATS) as ConfigFlag[]).filter((k) => typeof flags[k] === "string");
  if (given.length === 0) return { flags: { ...flags }, grouped, notes: [] };
  if (given.length > 1)
    throw new InputError(
      "FLAG_INVALID",
      `${given.map((k) => `--${k}`).join(" and ")}: give one configuration file, not several`,
    );
  const flag = given[0]!;
  const path = flags[flag] as string;
  const where = `--${flag} ${path}`;
  const data = loadConfig(path, FORMATS[flag], where);
  const notes: string[] = [];
  const fromFile: Record<string, unknown> = {};
  let parameters: string[][] = [];
  let resultNames: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === "parameter") parameters = parameterWords(value, where, notes);
    else if (key === "result_names") resultNames = words(value, `${where}: "result_names"`);
    else if (key in FORMATS)
      throw new InputError(
        "FLAG_INVALID",
        `${where}: "${key}" cannot name another configuration file`,
      );
    else if (key === "run_program" && Array.isArray(value))
      fromFile[key] = value.flat(2).map(String).join(" ");
    else {
      const option = options[key];
      if (option === undefined)
        throw new InputError(
          "FLAG_INVALID",
          `${where}: unknown key "${key}"; keys are flag names without "--" (docs/omniopt2.md lists them)`,
        );
      fromFile[key] = coerce(value, option, `${where}: "${key}"`);
    }
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  return {
    flags: merged,
    grouped: {
      parameters: grouped.parameters.length > 0 ? grouped.parameters : parameters,
      resultNames: grouped.resultNames.length > 0 ? grouped.resultNames : resultNames,
      rest: grouped.rest,
    },
    notes,
  };
}

function loadConfig(path: string, format: TextFormat, where: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(
      "FLAG_INVALID",
      `${where}: cannot read the file: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  let data: unknown;
  try {
    data = parseStructuredText(text, format);
  } catch (e) {
    throw new InputError(
      "FLAG_INVALID",
      `${where} is not valid ${format}: ${(e as Error).message}; correct the file there (its keys are flag names without "--", docs/omniopt2.md)`,
      { cause: e },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new InputError("FLAG_INVALID", `${where}: must hold a mapping of flag names to values`);
  return data as Record<string, unknown>;
}

/** `parameter`: a list of {param: [words]} (OmniOpt2's form), word lists, or strings. */
function parameterWords(value: unknown, where: string, notes: string[]): string[][] {
  if (!Array.isArray(value))
    throw new InputError(
      "FLAG_INVALID",
      `${where}: "parameter" must be a list, e.g. [{param: [x, range, "0", "1", float]}]`,
    );
  return value.map((entry: unknown, i) => {
    const field = `${where}: parameter[${i}]`;
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      const { param, ...rest } = entry as Record<string, unknown>;
      const extra = Object.keys(rest);
      if (extra.length > 0)
        notes.push(
          `${field} has ${extra.join(", ")} next to "param"; they are ignored (as in OmniOpt2): write them at the top level of the file to use them`,
        );
      return words(param, `${field}.param`);
    }
    return words(entry, field);
  });
}

/** A list of words (numbers become their text) or one string split on whitespace. */
function words(value: unknown, field: string): string[] {
  if (typeof value === "string") return value.trim().split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((w) => typeof w === "string" || typeof w === "number"))
    return value.map(String);
  throw new InputError("FLAG_INVALID", `${field}: must be a list of words or a string`);
}

function coerce(value: unknown, option: Options, field: string): unknown {
  const bad = (what: string): never => {
    throw new InputError("FLAG_INVALID", `${field}: must be ${what}, got ${JSON.stringify(value)}`);
  };
  if (option.array === true) {
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) =>
      typeof v === "string" || typeof v === "number" ? String(v) : bad("a list of strings"),
    );
  }
  switch (option.type) {
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return bad("true or false");
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
      return Number.isFinite(n) ? n : bad("a number");
    }
    default:
      if (typeof value === "string" || typeof value === "number") return String(value);
      return bad("a string");
  }
}
