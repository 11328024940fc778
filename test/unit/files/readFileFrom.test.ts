import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileFrom, readFileTail, readFileTailSync } from "../../../src/files/readFileFrom.js";

const dir = mkdtempSync(join(tmpdir(), "slurmopt-readfile-"));
const path = join(dir, "out");
writeFileSync(path, "0123456789");
const missing = join(dir, "missing");
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString("utf8"));

describe("readFileFrom, readFileTail, readFileTailSync", () => {
  it("read a span of the file, null when it does not exist", async () => {
    expect(text(await readFileFrom(path, 3))).toBe("3456789");
    expect(text(await readFileFrom(path, 3, 4))).toBe("3456");
    expect(text(await readFileFrom(path, 10))).toBe("");
    expect(text(await readFileFrom(path, 12))).toBe("");
    expect(await readFileFrom(missing, 0)).toBeNull();
    expect(text(await readFileTail(path, 4))).toBe("6789");
    expect(text(await readFileTail(path, 40))).toBe("0123456789");
    expect(await readFileTail(missing, 4)).toBeNull();
    expect(text(readFileTailSync(path, 4))).toBe("6789");
    expect(text(readFileTailSync(path, 40))).toBe("0123456789");
    expect(readFileTailSync(missing, 4)).toBeNull();
  });
});
