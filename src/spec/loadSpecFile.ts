import { extname } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { InputError } from "../errors/errors.js";
import { readRegularFile } from "../files/readRegularFile.js";

/** A spec or config file larger than this is refused (specs are a few KB; this stops /dev/zero). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Reads a spec (or OmniOpt2 config) file: YAML (.yaml/.yml), JSON (.json) or TOML (.toml). */
export function loadSpecFile(path: string): Record<string, unknown> {
  const read = readRegularFile(path, MAX_SPEC_BYTES);
  if (!read.ok)
    throw new InputError("SPEC_INVALID", `cannot read spec file ${path}: ${read.problem}`);
  const text = read.text;
  const ext = extname(path).toLowerCase();
  let data: unknown;
  try {
    if (ext === ".json") data = JSON.parse(text);
    else if (ext === ".toml") data = parseToml(text);
    else data = parseYaml(text);
  } catch (e) {
    throw new InputError(
      "SPEC_INVALID",
      `spec file ${path} is not valid ${ext === ".json" ? "JSON" : ext === ".toml" ? "TOML" : "YAML"}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new InputError(
      "SPEC_INVALID",
      `spec file ${path} must hold a mapping of spec fields (name, parameters, program, ...)`,
    );
  return data as Record<string, unknown>;
}
