import { extname } from "node:path";
import { InputError } from "../errors/errors.js";
import { readRegularFile } from "../files/readRegularFile.js";
import { parseStructuredText } from "./parseStructuredText.js";

/** A spec or config file larger than this is refused (specs are a few KB; this stops /dev/zero). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Reads a spec (or OmniOpt2 config) file: YAML (.yaml/.yml), JSON (.json) or TOML (.toml). */
export function loadSpecFile(path: string): Record<string, unknown> {
  const read = readRegularFile(path, MAX_SPEC_BYTES);
  if (!read.ok)
    throw new InputError("SPEC_INVALID", `cannot read spec file ${path}: ${read.problem}`);
  const text = read.text;
  const ext = extname(path).toLowerCase();
  const format = ext === ".json" ? "JSON" : ext === ".toml" ? "TOML" : "YAML";
  let data: unknown;
  try {
    data = parseStructuredText(text, format);
  } catch (e) {
    throw new InputError(
      "SPEC_INVALID",
      `spec file ${path} is not valid ${format}: ${(e as Error).message}; correct the file there`,
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
