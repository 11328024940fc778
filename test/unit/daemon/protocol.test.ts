import { describe, expect, it } from "vitest";
import {
  MAX_REQUEST_BYTES,
  parseReply,
  parseRequest,
  PROTOCOL_VERSION,
} from "../../../src/daemon/protocol.js";

describe("daemon protocol", () => {
  it("accepts a versioned request and keeps its id", () => {
    const r = parseRequest(
      JSON.stringify({ v: PROTOCOL_VERSION, id: 7, op: "pause", dir: "/x/runs/a/0" }),
    );
    expect(r).toEqual({ request: { v: 1, id: 7, op: "pause", dir: "/x/runs/a/0" } });
  });

  it("answers text that is not JSON with MALFORMED", () => {
    const r = parseRequest("hello{");
    expect("error" in r && !r.error.ok && r.error.error.code).toBe("MALFORMED");
  });

  it("answers a JSON array or number with MALFORMED", () => {
    for (const line of ["[1,2]", "42", "null"]) {
      const r = parseRequest(line);
      expect("error" in r && !r.error.ok && r.error.error.code).toBe("MALFORMED");
    }
  });

  it("refuses another protocol version, naming both", () => {
    const r = parseRequest(JSON.stringify({ v: 2, id: 3, op: "list" }));
    expect("error" in r).toBe(true);
    if (!("error" in r) || r.error.ok) throw new Error("expected an error");
    expect(r.error.error.code).toBe("VERSION");
    expect(r.error.error.message).toContain("this daemon speaks 1");
    expect(r.error.id).toBe(3);
  });

  it("refuses an unknown operation and unknown keys with INVALID", () => {
    for (const raw of [
      { v: 1, op: "exec", command: "rm -rf /" },
      { v: 1, op: "list", command: "id" },
      { v: 1, op: "adopt" },
      { v: 1, op: "adopt", dir: "" },
    ]) {
      const r = parseRequest(JSON.stringify(raw));
      if (!("error" in r) || r.error.ok) throw new Error(`accepted ${JSON.stringify(raw)}`);
      expect(r.error.error.code).toBe("INVALID");
    }
  });

  it("parses replies and rejects lines that are not replies", () => {
    expect(parseReply('{"v":1,"id":1,"ok":true,"result":{"pid":5}}')).toEqual({
      v: 1,
      id: 1,
      ok: true,
      result: { pid: 5 },
    });
    expect(parseReply('{"v":1,"ok":false,"error":{"code":"INVALID","message":"m"}}')?.ok).toBe(
      false,
    );
    expect(parseReply("nope")).toBeNull();
    expect(parseReply('{"v":1}')).toBeNull();
  });

  it("caps requests well below a megabyte", () => {
    expect(MAX_REQUEST_BYTES).toBeLessThanOrEqual(1024 * 1024);
  });
});
