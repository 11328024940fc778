/**
 * Early stopping of a Slurm campaign driven over SSH (the loopback sshd): the controller reads
 * each running job's stdout over SFTP from where it stopped, stores the progress lines, and
 * scancels the trials the median rule stops; they are EARLY_STOPPED with their last value as
 * data, the good ones complete.
 */
import Database from "better-sqlite3";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/runCli.js";
import {
  CLI_ENV,
  campaignDirOf,
  logMessages,
  settledSacctRows,
  storedAttempts,
  useOwnSshd,
} from "./sshCampaignKit.js";

const OWN = { port: 2238, dir: "/tmp/slurmopt-sshd-sshestop" };
const file = useOwnSshd(OWN);

interface Row {
  trial_index: number;
  state: string;
  results_json: string | null;
  reason: string | null;
  steps: number;
}

function trialsOf(dir: string): Row[] {
  const db = new Database(join(dir, "campaign.db"), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT t.trial_index, t.state, t.results_json, t.reason,
                (SELECT COUNT(*) FROM trial_progress p WHERE p.trial_id = t.id) AS steps
         FROM trials t ORDER BY t.trial_index`,
      )
      .all() as Row[];
  } finally {
    db.close();
  }
}

describe("early stopping over SSH", () => {
  it("reads progress lines over SFTP, scancels the bad trials (EARLY_STOPPED, last value kept) and completes the good ones", async () => {
    const { cwd, name } = file.fresh("sshes");
    const sshd = file.sshd;
    // Trials 0-2 print RESULT@1..4 = 1 and complete; the others print RESULT@s = 5 for two
    // minutes unless stopped: worse than the median (1) at step 1 whatever the timing.
    const spec = {
      name,
      parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
      program: [
        'if [ "$SLURMOPT_TRIAL_INDEX" -lt 3 ]; then v=1; n=4; else v=5; n=480; fi',
        's=1; while [ "$s" -le "$n" ]; do echo "RESULT@$s: $v"; sleep 0.25; s=$((s + 1)); done',
        'echo "RESULT: $v"',
      ].join("; "),
      max_eval: 6,
      parallelism: 2,
      seed: 5,
      strategy: "SOBOL",
      executor: "slurm",
      early_stopping: { strategy: "median", min_progression: 1, min_trials: 2 },
      slurm: { mem: "100M", poll_interval: 1, max_poll_interval: 2, output_grace: 10 },
      ssh: {
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        identity_file: sshd.userKey,
        known_hosts: sshd.knownHosts,
        ssh_config: "none",
        remote_dir: join(cwd, "remote"),
      },
    };
    const path = join(cwd, `${name}.json`);
    writeFileSync(path, JSON.stringify(spec, null, 2));
    const r = await runCli(["run", path], { cwd, env: CLI_ENV, timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const dir = campaignDirOf(r.stderr);

    const trials = trialsOf(dir);
    expect(trials).toHaveLength(6);
    for (const t of trials) {
      const where = `trial ${t.trial_index}: ${t.reason ?? ""}`;
      if (t.trial_index < 3) {
        expect(t.state, where).toBe("COMPLETED");
        expect(JSON.parse(t.results_json!), where).toEqual({ RESULT: 1 });
        expect(t.steps, where).toBe(4);
      } else {
        expect(t.state, where).toBe("EARLY_STOPPED");
        expect(JSON.parse(t.results_json!), where).toEqual({ RESULT: 5 });
        expect(t.reason).toMatch(/^early stopped: RESULT@\d+ = 5 worse than the median 1 of /);
        // Stopped long before its 480 steps.
        expect(t.steps, where).toBeGreaterThanOrEqual(1);
        expect(t.steps, where).toBeLessThan(480);
      }
    }
    const log = logMessages(dir);
    for (const i of [3, 4, 5])
      expect(
        log.some((m) => m.startsWith(`trial ${i}: early stopped: `) && m.endsWith("cancelling it")),
      ).toBe(true);
    // Slurm saw the stops as cancels (scancel), the good trials' jobs completed.
    const rows = await settledSacctRows(dir);
    for (const a of storedAttempts(dir)) {
      const row = rows.find(
        (x) => x.name === a.jobName && x.arrayTaskId === a.arrayTaskId && x.jobId === a.jobId,
      );
      expect(row, `sacct row of trial ${a.trialIndex}`).toBeDefined();
      expect(row!.state).toMatch(a.trialIndex < 3 ? /^COMPLETED$/ : /^CANCELLED/);
    }
  }, 300_000);
});
