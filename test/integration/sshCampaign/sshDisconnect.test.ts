/**
 * The SSH connection of a running campaign is cut (the server side of the session killed, as a
 * network cut would) several times: the controller reconnects, reruns what is idempotent,
 * reconciles a cut sbatch by job name, and every trial runs exactly once.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { mulberry32, runCli, type CliResult } from "../../helpers/runCli.js";
import {
  CLI_ENV,
  campaignDirOf,
  cutSessions,
  exactlyOnceProblems,
  settledSacctRows,
  writeSbatchWrapper,
  writeSshSpec,
  logMessages,
  useOwnSshd,
} from "./sshCampaignKit.js";

// This file's own sshd: cutting all of its sessions cuts only the campaigns of this file.
// SLURMOPT_SSHCUT_PORT / _DIR move it, to repeat this file beside another run of the suite.
const OWN = {
  port: Number(process.env.SLURMOPT_SSHCUT_PORT ?? 2232),
  dir: process.env.SLURMOPT_SSHCUT_DIR ?? "/tmp/slurmopt-sshd-sshcuts",
};
const SCRIPT = join(import.meta.dirname, "..", "..", "..", "scripts", "sshd-loopback.sh");
const file = useOwnSshd(OWN);

const count = (messages: string[], msg: string): number => messages.filter((m) => m === msg).length;

describe("a campaign whose SSH connection is cut", () => {
  it("completes after several cuts at random instants, every trial run exactly once (sacct by job name and array task id)", async () => {
    const { cwd, name } = file.fresh("sshcut");
    const spec = writeSshSpec(cwd, name, file.sshd, { maxEval: 24, parallelism: 4, sleepS: 2 });
    let done: CliResult | null = null;
    const cli = runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 400_000 }).then((r) => {
      done = r;
      return r;
    });
    // SLURMOPT_CUT_SEED replays the cut instants of a failed run (its seed is in the message).
    const seed = Number(process.env.SLURMOPT_CUT_SEED ?? Date.now() % 100_000);
    console.log(`sshDisconnect: cut seed ${seed}`);
    const random = mulberry32(seed);
    let cuts = 0;
    // Cut only once the campaign runs (its first job scripts exist), then every 1-3 s.
    while (done === null && !existsSync(join(cwd, "remote", name))) await sleep(100);
    while (done === null) {
      await sleep(1000 + 2000 * random());
      if (done === null && (await cutSessions(OWN)) > 0) cuts++;
    }
    const r = await cli;
    console.log(`sshDisconnect: cut seed ${seed}, ${cuts} cuts`);
    expect(r.code, `seed ${seed}, ${cuts} cuts\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/24 completed, 0 failed/);
    expect(cuts, `seed ${seed}`).toBeGreaterThanOrEqual(4);

    const dir = campaignDirOf(r.stderr);
    const rows = await settledSacctRows(dir);
    expect(exactlyOnceProblems(dir, cwd, rows, 24), `seed ${seed}, ${cuts} cuts`).toEqual([]);
    const messages = logMessages(dir);
    // A cut may also land on a reconnection's handshake (then it only delays the connect).
    expect(count(messages, "ssh: connection dropped")).toBeGreaterThanOrEqual(3);
    expect(count(messages, "ssh: reconnected")).toBeGreaterThanOrEqual(3);
  }, 420_000);

  it("reconciles an sbatch whose answer the cut lost by job name, and submits nothing twice", async () => {
    const { cwd, name } = file.fresh("sshsbcut");
    // An sbatch on the cluster side's PATH that submits with the real one, then (the first 3
    // times) cuts the SSH session before the job id can travel back.
    const calls = join(cwd, "sbatch-calls");
    const bin = writeSbatchWrapper(cwd, (realSbatch) => [
      `out=$(${realSbatch} "$@"); rc=$?`,
      `echo "$rc $out" >> ${calls}`,
      `n=$(wc -l < ${calls})`,
      'if [ "$rc" = 0 ] && [ $n -le 3 ]; then',
      `  SLURMOPT_SSHD_PORT=${OWN.port} SLURMOPT_SSHD_DIR=${OWN.dir} bash ${SCRIPT} kill-sessions >/dev/null 2>&1`,
      "  sleep 1",
      "fi",
      'printf "%s\\n" "$out"',
      'exit "$rc"',
    ]);
    const spec = writeSshSpec(cwd, name, file.sshd, {
      maxEval: 12,
      parallelism: 4,
      sleepS: 1,
      ssh: { path_prefix: bin },
    });
    const r = await runCli(["run", spec], { cwd, env: CLI_ENV, timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 completed, 0 failed/);

    const dir = campaignDirOf(r.stderr);
    const messages = logMessages(dir);
    expect(count(messages, "sbatch gave no clear answer; reconciling by job name")).toBe(3);
    // Each of the three cut submissions was adopted, not submitted again: every sbatch call
    // made a job of its own, and sacct shows each trial's job once.
    const submissions = readFileSync(calls, "utf8").trim().split("\n");
    expect(submissions.every((l) => l.startsWith("0 "))).toBe(true);
    const rows = await settledSacctRows(dir);
    expect(new Set(rows.map((row) => row.jobId)).size).toBe(submissions.length);
    expect(exactlyOnceProblems(dir, cwd, rows, 12)).toEqual([]);
  }, 300_000);
});
