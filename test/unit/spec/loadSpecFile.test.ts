import { beforeEach, describe, expect, it, vi } from "vitest";

/** The spec "files" of these tests: read through a mocked readRegularFile, never from disk. */
const files = new Map<string, string>();

vi.mock("../../../src/files/readRegularFile.js", () => ({
  readRegularFile: (path: string) => {
    const text = files.get(path);
    if (text === undefined)
      return {
        ok: false,
        missing: true,
        problem: `ENOENT: no such file or directory, open '${path}'`,
      };
    return { ok: true, text };
  },
}));

const { loadSpecFile } = await import("../../../src/spec/loadSpecFile.js");
const { InputError } = await import("../../../src/errors/errors.js");

describe("loadSpecFile", () => {
  beforeEach(() => files.clear());

  it("reads YAML (.yaml and .yml, also in capitals)", () => {
    const yaml =
      "name: demo\nparameters:\n  - {name: x, type: range, bounds: [0, 1]}\nmax_eval: 5\n";
    files.set("/s/spec.yaml", yaml);
    files.set("/s/spec.YML", yaml);
    const expected = {
      name: "demo",
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      max_eval: 5,
    };
    expect(loadSpecFile("/s/spec.yaml")).toEqual(expected);
    expect(loadSpecFile("/s/spec.YML")).toEqual(expected);
  });

  it("reads JSON and TOML", () => {
    files.set("/s/spec.json", '{"name": "demo", "max_eval": 5}');
    files.set("/s/spec.toml", 'name = "demo"\nmax_eval = 5\n[slurm]\npartition = "gpu"\n');
    expect(loadSpecFile("/s/spec.json")).toEqual({ name: "demo", max_eval: 5 });
    expect(loadSpecFile("/s/spec.toml")).toEqual({
      name: "demo",
      max_eval: 5,
      slurm: { partition: "gpu" },
    });
  });

  it("reads files with other extensions as YAML", () => {
    files.set("/s/campaign.spec", "name: demo\n");
    expect(loadSpecFile("/s/campaign.spec")).toEqual({ name: "demo" });
  });

  it("says which file cannot be read", () => {
    expect(() => loadSpecFile("/s/missing.yaml")).toThrow(
      /^cannot read spec file \/s\/missing\.yaml: ENOENT/,
    );
  });

  it("names the format a file fails to parse as", () => {
    files.set("/s/bad.json", '{"name": "demo",}');
    files.set("/s/bad.yaml", "name: [demo\n");
    files.set("/s/bad.toml", "name = \n");
    expect(() => loadSpecFile("/s/bad.json")).toThrow(
      /^spec file \/s\/bad\.json is not valid JSON: /,
    );
    expect(() => loadSpecFile("/s/bad.yaml")).toThrow(
      /^spec file \/s\/bad\.yaml is not valid YAML: /,
    );
    expect(() => loadSpecFile("/s/bad.toml")).toThrow(
      /^spec file \/s\/bad\.toml is not valid TOML: /,
    );
  });

  it("refuses a file that does not hold a mapping", () => {
    for (const [path, text] of [
      ["/s/list.yaml", "- a\n- b\n"],
      ["/s/scalar.yaml", "just text\n"],
      ["/s/empty.yaml", ""],
      ["/s/null.json", "null"],
    ] as const) {
      files.set(path, text);
      expect(() => loadSpecFile(path)).toThrow(/must hold a mapping of spec fields/);
    }
  });

  it("raises InputError with SPEC_INVALID", () => {
    try {
      loadSpecFile("/s/none.yaml");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InstanceType<typeof InputError>).code).toBe("SPEC_INVALID");
      return;
    }
    throw new Error("no error");
  });
});
