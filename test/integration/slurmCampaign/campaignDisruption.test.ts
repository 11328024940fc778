/**
 * Whole campaigns through cluster disruptions: slurmctld stopped for a while, the only node set
 * DOWN (which kills every job on it) and a cluster without accounting (slurmctld restarted
 * without slurmdbd). They must not run
 * beside other Slurm tests, so they run only when SLURMOPT_SLURM_DISRUPTIVE=1, in a vitest run of
 * their own, one file after the other (scripts/test-all.sh):
 *   SLURMOPT_SLURM_DISRUPTIVE=1 npx vitest run
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterHost, disruptiveEnabled, useDisruptedCluster } from "../slurm/disruptionHooks.js";
import { testDir } from "../../helpers/runCli.js";
import { setClusterMode } from "../slurmCluster.js";
import {
  FAST_POLL_SPEC,
  campaignDir,
  leakedJobs,
  readAttempts,
  readCampaign,
  readTrials,
  runCampaign,
  sacctRows,
  sh,
  squeueOfName,
  uniqueName,
  waitFor,
  writeSpec,
} from "./campaignKit.js";

const host = clusterHost;
const enabled = disruptiveEnabled;

describe.skipIf(!enabled)(
  "campaigns through cluster disruptions (SLURMOPT_SLURM_DISRUPTIVE=1)",
  () => {
    useDisruptedCluster(leakedJobs);

    it("trials whose node is set DOWN end NODE_FAIL, are retried once the node is back, and the campaign completes", async () => {
      const cwd = testDir("sc-nodedown");
      const name = uniqueName("nodedown");
      // The first attempt of each trial runs long enough to be hit; a retry answers at once.
      writeFileSync(
        join(cwd, "prog.sh"),
        `m="first-$SLURMOPT_TRIAL_INDEX"
if [ ! -e "$m" ]; then touch "$m"; sleep 120; fi
echo "RESULT: $1"
`,
      );
      writeSpec(cwd, {
        name,
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        program: "bash ./prog.sh %(x)",
        max_eval: 2,
        parallelism: 2,
        seed: 8,
        strategy: "SOBOL",
        executor: "slurm",
        max_retries: 2,
        slurm: FAST_POLL_SPEC,
      });
      const run = runCampaign(cwd, ["spec.json"]);
      await waitFor(
        "both trials running",
        async () => {
          const jobs = await squeueOfName(name);
          return jobs.filter((j) => j.state === "RUNNING").length === 2 ? jobs : undefined;
        },
        90_000,
      );
      await sh("scontrol", ["update", `nodename=${host}`, "state=down", "reason=slurmopt-test"]);
      const dir = campaignDir(cwd, name);
      try {
        // The controller sees both jobs end NODE_FAIL and queues new attempts (pending: node down).
        await waitFor(
          "the retries queued",
          () =>
            readAttempts(dir).filter((a) => a.attempt_no === 2).length === 2 ? true : undefined,
          90_000,
          1000,
        );
      } finally {
        await sh("scontrol", ["update", `nodename=${host}`, "state=resume"]);
      }
      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      expect(readCampaign(dir).state).toBe("COMPLETED");
      const trials = readTrials(dir);
      expect(trials.map((t) => t.state)).toEqual(["COMPLETED", "COMPLETED"]);
      const attempts = readAttempts(dir);
      expect(attempts.map((a) => [a.trial_index, a.attempt_no, a.fault])).toEqual([
        [0, 1, "NODE_FAIL"],
        [0, 2, null],
        [1, 1, "NODE_FAIL"],
        [1, 2, null],
      ]);
      for (const a of attempts.filter((x) => x.attempt_no === 1)) {
        expect(a.hostname).toBe(host);
        expect(a.reason).toMatch(/node fail/i);
      }
      // The failed node is the only one: the retries were not kept away from it.
      for (const a of attempts.filter((x) => x.attempt_no === 2)) {
        expect(readFileSync(join(a.dir, "job.sbatch"), "utf8")).not.toContain("--exclude");
        expect(a.job_name).toMatch(/a2$/);
      }
      const rows = await sacctRows(readCampaign(dir).uid, 4);
      expect(rows.map((x) => x.state).sort()).toEqual([
        "COMPLETED",
        "COMPLETED",
        "NODE_FAIL",
        "NODE_FAIL",
      ]);
    }, 300_000);

    it("slurmctld stopped mid-campaign: polling waits for it, and once it is back the campaign completes with nothing failed or run twice", async () => {
      const cwd = testDir("sc-ctlddown");
      const name = uniqueName("ctlddown");
      writeSpec(cwd, {
        name,
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        program: 'sleep 3; echo "RESULT: %(x)"',
        max_eval: 6,
        parallelism: 2,
        seed: 9,
        strategy: "SOBOL",
        executor: "slurm",
        slurm: FAST_POLL_SPEC,
      });
      const run = runCampaign(cwd, ["spec.json"]);
      await waitFor(
        "two trials running",
        async () => {
          const jobs = await squeueOfName(name);
          return jobs.filter((j) => j.state === "RUNNING").length === 2 ? jobs : undefined;
        },
        90_000,
      );
      const dir = campaignDir(cwd, name);
      // The running jobs end while slurmctld is away; slurmd keeps them and reports them later.
      await sh("pkill", ["-TERM", "-x", "slurmctld"]);
      try {
        await new Promise((r) => setTimeout(r, 20_000));
        expect(readCampaign(dir).state).toBe("RUNNING");
      } finally {
        await setClusterMode("accounting");
      }
      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      expect(readCampaign(dir).state).toBe("COMPLETED");
      expect(readTrials(dir).map((t) => t.state)).toEqual(Array(6).fill("COMPLETED"));
      const attempts = readAttempts(dir);
      expect(attempts).toHaveLength(6);
      expect(attempts.map((a) => a.fault)).toEqual(Array(6).fill(null));
      const log = readFileSync(join(dir, "slurmopt.log"), "utf8");
      expect(log).toMatch(/squeue failed; asking again next cycle/);
      const rows = await sacctRows(readCampaign(dir).uid, 6);
      expect(rows.map((x) => x.state)).toEqual(Array(6).fill("COMPLETED"));
    }, 300_000);

    it("with `slurm-cluster.sh up --no-accounting`, a campaign completes through the squeue and exit-status fallback", async () => {
      await setClusterMode("no-accounting");
      const probe = await sh("sacct", ["-n", "-X"]).catch((e: unknown) => ({
        stdout: "",
        stderr: (e as { stderr?: string }).stderr ?? "",
      }));
      expect(probe.stderr).toMatch(/accounting storage is disabled/);
      const cwd = testDir("sc-noacct");
      const name = uniqueName("noacct");
      writeSpec(cwd, {
        name,
        parameters: [{ name: "x", type: "range", bounds: [0, 1] }],
        program: 'sleep 1; echo "RESULT: %(x)"',
        max_eval: 8,
        parallelism: 3,
        seed: 9,
        strategy: "SOBOL",
        executor: "slurm",
        slurm: FAST_POLL_SPEC,
      });
      const r = await runCampaign(cwd, ["spec.json"]);
      expect(r.code, r.stderr).toBe(0);
      const dir = campaignDir(cwd, name);
      expect(readCampaign(dir).state).toBe("COMPLETED");
      const trials = readTrials(dir);
      expect(trials).toHaveLength(8);
      for (const t of trials) {
        expect(t.state, t.reason ?? "").toBe("COMPLETED");
        expect(JSON.parse(t.results_json!)).toEqual({
          RESULT: (JSON.parse(t.params_json) as { x: number }).x,
        });
        expect(t.exit_code).toBe(0);
        expect(t.hostname).toBe(host);
      }
      // Job arrays all the same: the first three trials share one job.
      const attempts = readAttempts(dir);
      expect(new Set(attempts.slice(0, 3).map((a) => a.job_id)).size).toBe(1);
    }, 300_000);
  },
);
