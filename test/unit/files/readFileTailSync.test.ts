/**
 * readFileTailSync sizes the file it opened, not whatever its path names a moment later: here
 * the path is gone (renamed, rotated) between the open and the size, as a stat of the path sees.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    statSync: () => {
      throw Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
    },
  };
});

const { readFileTailSync } = await import("../../../src/files/readFileFrom.js");

describe("readFileTailSync", () => {
  it("reads the tail of the file it opened, whatever its path names afterwards", () => {
    const path = join(mkdtempSync(join(tmpdir(), "slurmopt-tail-")), "stdout");
    writeFileSync(path, "line 1\nRESULT: 0.25\n");
    expect(readFileTailSync(path, 13)?.toString()).toBe("RESULT: 0.25\n");
  });
});
