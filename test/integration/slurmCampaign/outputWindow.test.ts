/**
 * The output window on Slurm: a finished job's stdout is read as the local executor reads it,
 * its last 16 MiB only (OUTPUT_WINDOW_BYTES, README "What is read"), so a program that prints
 * gigabytes cannot take the controller's memory. The same campaign run with both executors
 * ends the same way.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT_WINDOW_BYTES } from "../../../src/executor/exitStatusFile.js";
import { testDir } from "../../helpers/runCli.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  FAST_POLL_SPEC,
  campaignDir,
  leakedJobs,
  readTrials,
  runCampaign,
  uniqueName,
  writeSpec,
} from "./campaignKit.js";

/** A result line before or after more than the window of filler. */
const LOUD = `if [ "$1" = start ]; then echo "RESULT: 1"; fi
head -c ${OUTPUT_WINDOW_BYTES + 1024 * 1024} /dev/zero | tr '\\0' y
echo
if [ "$1" = end ]; then echo "RESULT: 2"; fi
`;

async function outcomes(executor: "slurm" | "local"): Promise<Record<string, string>> {
  const cwd = testDir(`window-${executor}`);
  const name = uniqueName(`window-${executor}`);
  writeFileSync(join(cwd, "loud.sh"), LOUD);
  const spec = writeSpec(cwd, {
    name,
    parameters: [{ name: "where", type: "choice", values: ["start", "end"] }],
    program: `sh ${join(cwd, "loud.sh")} %(where)`,
    max_eval: 2,
    parallelism: 2,
    strategy: "FACTORIAL",
    executor,
    ...(executor === "slurm" ? { slurm: FAST_POLL_SPEC } : {}),
  });
  const r = await runCampaign(cwd, [spec, "--no-report"]);
  expect(r.code, r.stderr).toBe(0);
  const out: Record<string, string> = {};
  for (const t of readTrials(campaignDir(cwd, name))) {
    const { where } = JSON.parse(t.params_json) as { where: string };
    out[where] = `${t.state} ${t.results_json ?? t.reason ?? ""}`;
  }
  return out;
}

describe.skipIf(slurmSkipped())("the 16 MiB output window, on Slurm as locally", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it("reads a job's last 16 MiB: a result line before more than that is not seen, one after it is", async () => {
    const [slurm, local] = await Promise.all([outcomes("slurm"), outcomes("local")]);
    expect(slurm.end).toBe('COMPLETED {"RESULT":2}');
    expect(slurm.start).toMatch(/^FAILED .*no result line "RESULT: <number>"/);
    expect(slurm).toEqual(local);
  }, 300_000);
});
