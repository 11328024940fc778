import { describe, expect, it } from "vitest";
import { preferredHostKeyAlgorithms } from "../../../src/transport/sshConnection.js";
import {
  DEFAULT_RECONNECT,
  NoAnswerError,
  abortableDelay,
  backoffDelayMs,
  isConnectionLoss,
} from "../../../src/transport/sshReconnect.js";

const policy = { ...DEFAULT_RECONNECT, initialDelayMs: 500, maxDelayMs: 30_000 };

describe("backoffDelayMs", () => {
  it("doubles from the initial delay and caps at the maximum (upper end of the jitter)", () => {
    const top = (n: number): number => backoffDelayMs(n, policy, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(top)).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
  it("jitters into the upper half: [cap/2, cap]", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(2, policy);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});

describe("isConnectionLoss", () => {
  it("counts ssh2's and Node's connection errors as losses", () => {
    for (const m of [
      "No response from server",
      "Not connected",
      "Keepalive timeout",
      "read ECONNRESET",
    ]) {
      expect(isConnectionLoss(new Error(m), false)).toBe(true);
    }
    expect(isConnectionLoss(Object.assign(new Error("x"), { code: "EPIPE" }), false)).toBe(true);
  });
  it("treats SFTP status answers as answers, except no-connection / connection-lost", () => {
    expect(isConnectionLoss(Object.assign(new Error("No such file"), { code: 2 }), false)).toBe(
      false,
    );
    expect(
      isConnectionLoss(Object.assign(new Error("Permission denied"), { code: 3 }), false),
    ).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error("lost"), { code: 7 }), false)).toBe(true);
  });
  it("counts a request left unanswered past its deadline, and a closed SFTP channel, as losses", () => {
    expect(isConnectionLoss(new NoAnswerError("SFTP read /x", 1000), false)).toBe(true);
    expect(
      isConnectionLoss(new Error("SFTP channel closed; cannot send SFTP open /x"), false),
    ).toBe(true);
  });
  it("is always true once the connection is known to be closed", () => {
    expect(isConnectionLoss(Object.assign(new Error("Failure"), { code: 4 }), true)).toBe(true);
  });
  it("is false for other errors", () => {
    expect(isConnectionLoss(new Error("(SSH) Channel open failure: open failed"), false)).toBe(
      false,
    );
    expect(isConnectionLoss("a string", false)).toBe(false);
  });
});

describe("abortableDelay", () => {
  it("rejects with the abort reason as soon as it is aborted", async () => {
    const c = new AbortController();
    const p = abortableDelay(60_000, c.signal);
    c.abort(new Error("closed"));
    await expect(p).rejects.toThrow("closed");
  });
  it("resolves after the delay", async () => {
    await expect(abortableDelay(5, new AbortController().signal)).resolves.toBeUndefined();
  });
});

describe("preferredHostKeyAlgorithms", () => {
  it("puts the key types recorded in known_hosts first, keeping the rest", () => {
    const algos = preferredHostKeyAlgorithms(["ssh-rsa"]);
    expect(algos.slice(0, 3)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(algos).toContain("ssh-ed25519");
    expect(new Set(algos).size).toBe(algos.length);
  });
  it("ignores types ssh2 cannot negotiate", () => {
    expect(
      preferredHostKeyAlgorithms(["sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp384"])[0],
    ).toBe("ecdsa-sha2-nistp384");
  });
});
