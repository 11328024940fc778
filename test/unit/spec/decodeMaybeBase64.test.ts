import { describe, expect, it } from "vitest";
import { decodeMaybeBase64 } from "../../../src/spec/decodeMaybeBase64.js";

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

describe("decodeMaybeBase64", () => {
  it("decodes OmniOpt2's documented example run program", () => {
    expect(decodeMaybeBase64("ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSIgJiYgZWNobyAiUkVTVUxUMjogJXoi")).toBe(
      'echo "RESULT: %(x)%(y)" && echo "RESULT2: %z"',
    );
  });

  it("decodes base64 of a constraint and of text with padding", () => {
    expect(decodeMaybeBase64(b64("x >= y"))).toBe("x >= y");
    expect(decodeMaybeBase64(b64("x + 2*y <= 10"))).toBe("x + 2*y <= 10");
    expect(b64("a <= 10")).toMatch(/=$/);
    expect(decodeMaybeBase64(b64("a <= 10"))).toBe("a <= 10");
  });

  it("drops the trailing newline of `echo ... | base64` output and surrounding spaces", () => {
    expect(decodeMaybeBase64(`  ${b64("python3 train.py --lr %(lr)\n")}\n`)).toBe(
      "python3 train.py --lr %(lr)",
    );
  });

  it("keeps UTF-8 text that decodes cleanly", () => {
    expect(decodeMaybeBase64(b64('echo "Ergebnis: %(x)" # größer'))).toBe(
      'echo "Ergebnis: %(x)" # größer',
    );
  });

  it.each([
    "echo hi",
    "python3 run.py",
    "python3 run.py --x %(x)",
    "./run.sh",
    "bash",
    "make",
    "test",
    "true",
    "main",
    "node",
    "date",
    "hostname",
    "abcd",
    "x >= y",
    "",
  ])("leaves plain text %j as it is", (text) => {
    expect(decodeMaybeBase64(text)).toBe(text);
  });

  it("leaves text whose base64 decoding is binary or has control characters as it is", () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString("base64");
    expect(decodeMaybeBase64(binary)).toBe(binary);
    const bell = b64("echo \u0007 hi");
    expect(decodeMaybeBase64(bell)).toBe(bell);
  });

  it("leaves text of the wrong length or with characters outside the alphabet as it is", () => {
    expect(decodeMaybeBase64("YWJ")).toBe("YWJ");
    expect(decodeMaybeBase64("YWJjZA=")).toBe("YWJjZA=");
    expect(decodeMaybeBase64("YW-j")).toBe("YW-j");
  });
});
