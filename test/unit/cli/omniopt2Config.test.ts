import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyConfigFile } from "../../../src/cli/omniopt2Config.js";
import { InputError } from "../../../src/errors/errors.js";

const NO_GROUPS = { parameters: [], resultNames: [], rest: [] };

function refusal(flag: string, name: string, text: string): InputError {
  const path = join(mkdtempSync(join(tmpdir(), "slurmopt-config-")), name);
  writeFileSync(path, text);
  try {
    applyConfigFile({ [flag]: path }, NO_GROUPS, { max_eval: { type: "number" } });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("accepted");
}

describe("a defective --config_yaml/--config_json/--config_toml", () => {
  it.each([
    ["config_yaml", "bad.yaml", 'max_eval: 2\nrun_program: "echo\n', "YAML", "line 3, column 1"],
    ["config_json", "bad.json", '{"max_eval": 2,\n "x" 1}\n', "JSON", "line 2, column 6"],
    ["config_toml", "bad.toml", 'max_eval = 2\nrun_program = "a\n', "TOML", "line 2, column 17"],
  ])("--%s: one line naming the file, the place and the fix", (flag, name, text, format, at) => {
    const e = refusal(flag, name, text);
    expect(e.code).toBe("FLAG_INVALID");
    expect(e.message).not.toContain("\n");
    expect(e.message).toMatch(
      new RegExp(`^--${flag} \\S+${name.replace(".", "\\.")} is not valid ${format}: ${at}: `),
    );
    expect(e.message).toContain("correct the file there");
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });
});
