import { describe, expect, it } from "vitest";
import { stripPgidMarker, execNotStarted } from "../../../src/transport/sshExec.js";
import { NoAnswerError } from "../../../src/transport/sshReconnect.js";
import {
  remoteCommandLine,
  remoteScript,
  remoteShellPath,
} from "../../../src/transport/sshRemoteCommand.js";

const noExtras = { setupLines: [], pathPrefix: [], env: undefined, cwd: undefined };

function decode(line: string): string {
  const m = /^exec \/bin\/sh -c 'eval "\$\(echo ([A-Za-z0-9+/=]+) \| base64 -d\)"'$/.exec(line);
  if (!m) throw new Error(`unexpected command line: ${line}`);
  return Buffer.from(m[1]!, "base64").toString("utf8");
}

describe("remoteScript", () => {
  it("reports the process group first and execs the quoted argv last", () => {
    const script = remoteScript({ ...noExtras, argv: ["sbatch", "--parsable", "job script.sh"] });
    const lines = script.trimEnd().split("\n");
    expect(lines[0]).toBe(`printf 'slurmopt-pgid %s\\n' "$$" >&2`);
    expect(lines.at(-1)).toBe("exec sbatch --parsable 'job script.sh'");
  });

  it("runs setup lines in braces with stdout sent to stderr, then PATH, env and cd", () => {
    const script = remoteScript({
      argv: ["squeue"],
      setupLines: ["module load slurm", "source ~/venv/bin/activate"],
      pathPrefix: ["/opt/slurm/bin", "~/bin", "/odd dir"],
      env: { SLURMOPT_X: "a'b" },
      cwd: "~/runs/c 1",
    });
    expect(script.split("\n").slice(1)).toEqual([
      "{",
      "module load slurm",
      "source ~/venv/bin/activate",
      "} >&2",
      `PATH=/opt/slurm/bin:"$HOME"/bin:'/odd dir':"$PATH"`,
      "export PATH",
      `SLURMOPT_X='a'\\''b'`,
      "export SLURMOPT_X",
      `cd "$HOME"/'runs/c 1' || { echo "slurmopt: cannot change to directory ""$HOME"/'runs/c 1' >&2; exit 1; }`,
      "exec squeue",
      "",
    ]);
  });

  it("refuses an empty argv and environment names that are not shell names", () => {
    expect(() => remoteScript({ ...noExtras, argv: [] })).toThrow(/empty command/);
    expect(() => remoteScript({ ...noExtras, argv: ["true"], env: { "A-B": "1" } })).toThrow(
      /environment variable name "A-B"/,
    );
  });
});

describe("remoteCommandLine", () => {
  it("carries the script base64-encoded in one quoted word of safe characters", () => {
    const script = remoteScript({
      ...noExtras,
      argv: ["printf", "%s\n", "it's $HOME `x` !bang ümlaut"],
    });
    const line = remoteCommandLine(script);
    expect(decode(line)).toBe(script);
    // Only characters that mean the same in sh, bash, zsh, tcsh and fish inside single quotes.
    const quoted = /'(.*)'$/.exec(line)![1]!;
    expect(quoted).toMatch(/^[A-Za-z0-9+/=$()"| -]+$/);
  });
});

describe("remoteShellPath", () => {
  it("expands ~ through $HOME and quotes everything else", () => {
    expect(remoteShellPath("~")).toBe('"$HOME"');
    expect(remoteShellPath("~/a b")).toBe(`"$HOME"/'a b'`);
    expect(remoteShellPath("/abs/path")).toBe("/abs/path");
    expect(remoteShellPath("/a;b")).toBe("'/a;b'");
  });
});

describe("stripPgidMarker", () => {
  it("removes the marker line and returns the group id", () => {
    expect(stripPgidMarker("slurmopt-pgid 4242\nreal error\n")).toEqual({
      stderr: "real error\n",
      pgid: 4242,
    });
  });
  it("finds the marker after noise from the login shell's rc files", () => {
    expect(stripPgidMarker("bashrc noise\nslurmopt-pgid 7\nmore\n")).toEqual({
      stderr: "bashrc noise\nmore\n",
      pgid: 7,
    });
  });
  it("leaves stderr alone without a complete marker line", () => {
    expect(stripPgidMarker("slurmopt-pgid 12")).toEqual({ stderr: "slurmopt-pgid 12", pgid: null });
    expect(stripPgidMarker("x slurmopt-pgid 12\n")).toEqual({
      stderr: "x slurmopt-pgid 12\n",
      pgid: null,
    });
  });
});

describe("execNotStarted", () => {
  it("is true only for failures before the exec request was sent", () => {
    expect(execNotStarted(new Error("Not connected"))).toBe(true);
    expect(execNotStarted(new Error("No response from server"))).toBe(true);
    expect(execNotStarted(new Error("(SSH) Channel open failure: open failed"))).toBe(true);
    expect(execNotStarted(new Error("Unable to exec"))).toBe(false);
    expect(execNotStarted(new Error("connection closed while the command ran"))).toBe(false);
  });
  it("is false for a request left unanswered past its deadline (the command may have started)", () => {
    expect(execNotStarted(new NoAnswerError("starting the command", 1000))).toBe(false);
  });
});
