import { describe, expect, it } from "vitest";
import { rememberingPrompt } from "../../../src/transport/sshPassphrasePrompt.js";

describe("rememberingPrompt", () => {
  it("asks once per key file: a later transport gets the typed passphrase without a prompt", async () => {
    const asked: string[] = [];
    const ask = (file: string): Promise<string | null> => {
      asked.push(file);
      return Promise.resolve("secret");
    };
    const memory = new Map<string, string>();
    expect(await rememberingPrompt(ask, memory)("/k/id")).toBe("secret");
    expect(await rememberingPrompt(ask, memory)("/k/id")).toBe("secret");
    expect(asked).toEqual(["/k/id"]);
    expect(await rememberingPrompt(ask, memory)("/k/other")).toBe("secret");
    expect(asked).toEqual(["/k/id", "/k/other"]);
  });

  it("offers a remembered passphrase once per transport, then asks again (it was wrong)", async () => {
    const answers = ["right"];
    const ask = (): Promise<string | null> => Promise.resolve(answers.shift() ?? null);
    const memory = new Map([["/k/id", "wrong"]]);
    const prompt = rememberingPrompt(ask, memory);
    expect(await prompt("/k/id")).toBe("wrong");
    expect(await prompt("/k/id")).toBe("right");
    expect(memory.get("/k/id")).toBe("right");
  });

  it("remembers nothing when the user gave no answer", async () => {
    const memory = new Map<string, string>();
    expect(await rememberingPrompt(() => Promise.resolve(null), memory)("/k/id")).toBeNull();
    expect(memory.size).toBe(0);
  });
});
