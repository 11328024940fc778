import { describe, expect, it } from "vitest";
import {
  checkHostKey,
  entryMatchesHost,
  hashHostName,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  matchHostPatterns,
  parseKnownHosts,
  sha256Fingerprint,
} from "../../../src/transport/knownHosts.js";
import { addHostKeyCommand, hostKeyError } from "../../../src/transport/sshHostKeyErrors.js";

// Real keys made by ssh-keygen (throwaway); fingerprints as printed by `ssh-keygen -lf`.
const HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIO2ctz6PBD/QhDrjXsaFiyVJDx9/1PAbhWc3f7LMLeBk";
const HOST_FP = "SHA256:WJEbyxxjrXmNys7mLAdse05khanLJSRC2sD3EwZyWGk";
const OTHER_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIPgdsOv/Gazbauw0k594ePw1kIpMhz64ybGrUbcoA7Dk";
const ECDSA_KEY =
  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMkp8hQp3xyinb0UH7uHVoCzrX/Mf0kXes2cK3qVQGWPEYuJel4Z6Ymq9xSuw4q6QggqXt4cyC5vlmGbmnNuYO0=";
const ECDSA_FP = "SHA256:LItDQJmFZv7Zn5duQcVx2of4YOrjtmxGySgcnzF1sms";
const RSA_KEY =
  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDrSbJR5SiNEXe+yr+2oQW7eZ60fmAa9Dvfus8f2O/n6GwA43kHlNcooRkcVeF3ijdfmk84OoRVPSF649+eSAZciqPX5LP6nZhqr9DagCz1EiNYoZ5Zr5PDTZvGKg25DrBOalMv3rDb2zGgxlBNI2IG8IUosVcaschI6GKaUfbm8w==";
// `ssh-keygen -H` output for "[127.0.0.1]:2222" and for "node7.cluster.example.org".
const HASHED_LOOPBACK = "|1|Br0+NpbsIg7bolTbkloP6L0giOw=|MdcJO77to55V2g3jNgmdkLbWDdY=";
const HASHED_NODE7 = "|1|6W8+U/VxGkr5GAb5NsKFygMaNtQ=|zv0sNg8IHC9rL3g9BOdmxfEDJEA=";

const hostKey = Buffer.from(HOST_KEY, "base64");
const otherKey = Buffer.from(OTHER_KEY, "base64");
const ecdsaKey = Buffer.from(ECDSA_KEY, "base64");

function parse(text: string) {
  return parseKnownHosts(text, "/home/u/.ssh/known_hosts");
}

describe("knownHostsName", () => {
  it("uses the bare host for port 22 and [host]:port otherwise, in lower case", () => {
    expect(knownHostsName("Login.Cluster.org", 22)).toBe("login.cluster.org");
    expect(knownHostsName("127.0.0.1", 2222)).toBe("[127.0.0.1]:2222");
  });
});

describe("sha256Fingerprint and keyTypeOfBlob", () => {
  it("match ssh-keygen -lf for ed25519 and ecdsa keys", () => {
    expect(sha256Fingerprint(hostKey)).toBe(HOST_FP);
    expect(sha256Fingerprint(ecdsaKey)).toBe(ECDSA_FP);
  });
  it("read the key type embedded in the key data", () => {
    expect(keyTypeOfBlob(hostKey)).toBe("ssh-ed25519");
    expect(keyTypeOfBlob(Buffer.from(RSA_KEY, "base64"))).toBe("ssh-rsa");
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBeNull();
  });
});

describe("parseKnownHosts", () => {
  it("parses plain, comma-list, bracketed-port, hashed and marked lines with line numbers", () => {
    const { entries, problems } = parse(
      [
        "# comment",
        "",
        `login1,login2.cluster.org,10.0.0.5 ssh-ed25519 ${HOST_KEY} admin@cluster`,
        `[127.0.0.1]:2222 ecdsa-sha2-nistp256 ${ECDSA_KEY}`,
        `${HASHED_NODE7} ssh-ed25519 ${HOST_KEY}`,
        `@revoked * ssh-ed25519 ${OTHER_KEY}`,
        `@cert-authority *.cluster.org ssh-rsa ${RSA_KEY} CA key`,
      ].join("\n"),
    );
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(entries[0]!.hosts).toEqual({
      kind: "patterns",
      patterns: ["login1", "login2.cluster.org", "10.0.0.5"],
    });
    expect(entries[0]!.comment).toBe("admin@cluster");
    expect(entries[1]!.keyType).toBe("ecdsa-sha2-nistp256");
    expect(entries[2]!.hosts.kind).toBe("hashed");
    expect(entries[3]!.marker).toBe("revoked");
    expect(entries[4]!.marker).toBe("cert-authority");
    expect(entries[4]!.comment).toBe("CA key");
  });

  it("skips and reports malformed lines instead of trusting them", () => {
    const { entries, problems } = parse(
      [
        `host1 ssh-ed25519`,
        `host2 ssh-rsa ${HOST_KEY}`,
        `@trusted host3 ssh-ed25519 ${HOST_KEY}`,
        `|1|abc|def ssh-ed25519 ${HOST_KEY}`,
        `host4 ssh-ed25519 not*base64`,
        `host5 ssh-ed25519 ${HOST_KEY}`,
      ].join("\r\n"),
    );
    expect(entries.map((e) => e.line)).toEqual([6]);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5]);
    expect(problems[1]!.message).toContain('does not match the key data ("ssh-ed25519")');
    expect(problems[2]!.message).toContain('unknown marker "@trusted"');
  });
});

describe("host matching", () => {
  it("matches wildcards and honours negation in comma lists", () => {
    expect(matchHostPatterns(["*.cluster.org", "!login9.cluster.org"], "login1.cluster.org")).toBe(
      true,
    );
    expect(matchHostPatterns(["*.cluster.org", "!login9.cluster.org"], "login9.cluster.org")).toBe(
      false,
    );
    expect(matchHostPatterns(["node?"], "node7")).toBe(true);
    expect(matchHostPatterns(["node?"], "node17")).toBe(false);
    expect(matchHostPatterns(["a.b"], "aXb")).toBe(false);
    expect(matchHostPatterns(["LOGIN1"], "login1")).toBe(true);
  });

  it("distinguishes ports: [host]:port entries do not match port 22 and vice versa", () => {
    const { entries } = parse(
      `[login1]:2222 ssh-ed25519 ${HOST_KEY}\nlogin2 ssh-ed25519 ${HOST_KEY}`,
    );
    expect(entryMatchesHost(entries[0]!, knownHostsName("login1", 2222))).toBe(true);
    expect(entryMatchesHost(entries[0]!, knownHostsName("login1", 22))).toBe(false);
    expect(entryMatchesHost(entries[0]!, knownHostsName("login1", 2223))).toBe(false);
    expect(entryMatchesHost(entries[1]!, knownHostsName("login2", 22))).toBe(true);
    expect(entryMatchesHost(entries[1]!, knownHostsName("login2", 2222))).toBe(false);
  });

  it("matches hashed entries written by ssh-keygen -H, including [host]:port", () => {
    const { entries } = parse(
      `${HASHED_LOOPBACK} ssh-ed25519 ${HOST_KEY}\n${HASHED_NODE7} ssh-ed25519 ${HOST_KEY}`,
    );
    expect(entryMatchesHost(entries[0]!, "[127.0.0.1]:2222")).toBe(true);
    expect(entryMatchesHost(entries[0]!, "127.0.0.1")).toBe(false);
    expect(entryMatchesHost(entries[1]!, knownHostsName("NODE7.cluster.example.org", 22))).toBe(
      true,
    );
    expect(entryMatchesHost(entries[1]!, "node8.cluster.example.org")).toBe(false);
  });

  it("hashHostName reproduces ssh-keygen -H for the same salt", () => {
    const salt = Buffer.from("6W8+U/VxGkr5GAb5NsKFygMaNtQ=", "base64");
    expect(hashHostName("node7.cluster.example.org", salt)).toBe(HASHED_NODE7);
  });
});

describe("checkHostKey", () => {
  const name = "[127.0.0.1]:2222";

  it("accepts exactly the recorded key", () => {
    const { entries } = parse(`[127.0.0.1]:2222 ssh-ed25519 ${HOST_KEY}`);
    const verdict = checkHostKey(entries, name, hostKey);
    expect(verdict.status).toBe("ok");
  });

  it("accepts a key recorded on any of several lines (key rotation)", () => {
    const { entries } = parse(
      `${name} ssh-ed25519 ${OTHER_KEY}\n${HASHED_LOOPBACK} ssh-ed25519 ${HOST_KEY}`,
    );
    expect(checkHostKey(entries, name, hostKey)).toMatchObject({
      status: "ok",
      entry: { line: 2 },
    });
  });

  it("reports a changed key when the host has a different key of the same type", () => {
    const { entries } = parse(`[127.0.0.1]:2222 ssh-ed25519 ${OTHER_KEY}`);
    const verdict = checkHostKey(entries, name, hostKey);
    expect(verdict).toMatchObject({ status: "changed", entries: [{ line: 1 }] });
  });

  it("reports unknown for a host with no entry, even if the key is known for another host", () => {
    const { entries } = parse(
      `login1 ssh-ed25519 ${HOST_KEY}\n[127.0.0.1]:2223 ssh-ed25519 ${HOST_KEY}`,
    );
    expect(checkHostKey(entries, name, hostKey)).toMatchObject({
      status: "unknown",
      otherTypes: [],
    });
  });

  it("reports unknown (not changed) when only other key types are recorded", () => {
    const { entries } = parse(`${name} ecdsa-sha2-nistp256 ${ECDSA_KEY}`);
    const verdict = checkHostKey(entries, name, hostKey);
    expect(verdict).toMatchObject({
      status: "unknown",
      otherTypes: [{ keyType: "ecdsa-sha2-nistp256" }],
    });
  });

  it("refuses a revoked key even when a plain line also records it", () => {
    const { entries } = parse(
      `${name} ssh-ed25519 ${HOST_KEY}\n@revoked * ssh-ed25519 ${HOST_KEY}`,
    );
    expect(checkHostKey(entries, name, hostKey)).toMatchObject({
      status: "revoked",
      entry: { line: 2 },
    });
  });

  it("refuses a revoked key presented by a host that has no line of its own", () => {
    const { entries } = parse(`@revoked login9 ssh-ed25519 ${OTHER_KEY}`);
    expect(checkHostKey(entries, name, otherKey)).toMatchObject({
      status: "revoked",
      entry: { line: 1 },
    });
  });

  it("does not accept a key through a @cert-authority line", () => {
    const { entries } = parse(`@cert-authority [127.0.0.1]:* ssh-ed25519 ${HOST_KEY}`);
    const verdict = checkHostKey(entries, name, hostKey);
    expect(verdict).toMatchObject({ status: "unknown", certAuthorities: [{ line: 1 }] });
  });

  it("lists recorded key types for algorithm preference", () => {
    const { entries } = parse(
      `${name} ecdsa-sha2-nistp256 ${ECDSA_KEY}\n${name} ssh-ed25519 ${HOST_KEY}\n@revoked ${name} ssh-ed25519 ${OTHER_KEY}\nother ssh-rsa ${RSA_KEY}`,
    );
    expect(knownKeyTypes(entries, name)).toEqual(["ecdsa-sha2-nistp256", "ssh-ed25519"]);
  });
});

describe("hostKeyError messages", () => {
  const ctx = {
    host: "127.0.0.1",
    port: 2222,
    lookupName: "[127.0.0.1]:2222",
    files: ["/home/u/.ssh/known_hosts"],
  };

  it("is null for an accepted key", () => {
    const { entries } = parse(`[127.0.0.1]:2222 ssh-ed25519 ${HOST_KEY}`);
    expect(hostKeyError(checkHostKey(entries, ctx.lookupName, hostKey), hostKey, ctx)).toBeNull();
  });

  it("names the fingerprint and the exact ssh-keyscan command for an unknown host", () => {
    const err = hostKeyError(checkHostKey([], ctx.lookupName, hostKey), hostKey, ctx)!;
    expect(err.code).toBe("SSH_HOST_KEY");
    expect(err.message).toContain(HOST_FP);
    expect(err.message).toContain(
      "ssh-keyscan -p 2222 -t ed25519 127.0.0.1 >> /home/u/.ssh/known_hosts",
    );
    expect(err.message).toContain("never accepts unknown host keys");
  });

  it("says when the known_hosts files searched do not exist", () => {
    const verdict = checkHostKey([], ctx.lookupName, hostKey);
    const none = hostKeyError(verdict, hostKey, { ...ctx, missing: ctx.files })!;
    expect(none.message).toContain("(searched /home/u/.ssh/known_hosts; none of them exists)");
    const two = {
      ...ctx,
      files: ["/a/known_hosts", "/b/known_hosts"],
      missing: ["/b/known_hosts"],
    };
    expect(hostKeyError(verdict, hostKey, two)!.message).toContain(
      "(searched /a/known_hosts, /b/known_hosts; /b/known_hosts does not exist)",
    );
  });

  it("warns loudly about a changed key, naming file and line and how to replace it", () => {
    const { entries } = parse(`# c\n[127.0.0.1]:2222 ssh-ed25519 ${OTHER_KEY}`);
    const err = hostKeyError(checkHostKey(entries, ctx.lookupName, hostKey), hostKey, ctx)!;
    expect(err.message).toContain("HAS CHANGED");
    expect(err.message).toContain("man-in-the-middle");
    expect(err.message).toContain("/home/u/.ssh/known_hosts:2");
    expect(err.message).toContain(HOST_FP);
    expect(err.message).toContain("ssh-keygen -R '[127.0.0.1]:2222' -f /home/u/.ssh/known_hosts");
  });

  it("omits -p for port 22 and suggests an interactive ssh -J through a jump host", () => {
    expect(addHostKeyCommand({ ...ctx, port: 22, lookupName: "127.0.0.1" }, "ssh-rsa")).toBe(
      "ssh-keyscan -t rsa 127.0.0.1 >> /home/u/.ssh/known_hosts",
    );
    expect(addHostKeyCommand({ ...ctx, jump: "gw.example.org" }, "ssh-ed25519")).toContain(
      "ssh -J gw.example.org -o UserKnownHostsFile=/home/u/.ssh/known_hosts -p 2222 127.0.0.1 true",
    );
  });
});
