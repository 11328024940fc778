import { existsSync } from "node:fs";
import { join } from "node:path";
import { attemptDirOf, newAttempt, type CampaignIdentity } from "../engine/attemptPlan.js";
import { createExecutor, prepareExecutor } from "../engine/createExecutor.js";
import { createTrialProgram } from "../engine/createTrialProgram.js";
import { ClusterError, InputError, errorMessage } from "../errors/errors.js";
import type { AttemptToRun } from "../executor/executor.js";
import { CampaignSession } from "../session/campaignSession.js";
import { SlurmExecutor } from "../slurm/slurmExecutor.js";
import type { Campaign, StrategyNode } from "../spec/campaign.js";
import type { Point } from "../space/parameters.js";
import { pointOfShown } from "../space/shownParameters.js";

/** The folder `slurmopt run` would create (runs/<name>/<first free N>), without creating it. */
function nextCampaignDir(c: Campaign): string {
  for (let n = 0; ; n++) {
    const dir = join(c.runDir, c.name, String(n));
    if (!existsSync(dir)) return dir;
  }
}

/**
 * The first batch a Slurm campaign would submit, as attempts: the first strategy node's points
 * for the free slots (an external generator is not started by a dry run: Sobol stands in).
 */
async function firstBatch(
  c: Campaign,
  dir: string,
): Promise<{ batch: AttemptToRun[]; note: string | null }> {
  const first = c.strategy[0]!;
  const external = first.model === "external";
  const sobol: StrategyNode = { ...first, model: "sobol", label: "SOBOL" };
  const shown = external ? { ...c, strategy: [sobol, ...c.strategy.slice(1)] } : c;
  // The same proposal pipeline as the run, on a campaign held in memory.
  const preview = CampaignSession.inMemory(shown, dir);
  let points: { point: Point; budget: number | undefined }[];
  let uid: string;
  try {
    points = (await preview.ask(Math.min(c.parallelism, c.maxEval))).map((t) => ({
      point: pointOfShown(t.parameters),
      budget: t.budget,
    }));
    uid = preview.row.uid;
  } finally {
    await preview.close();
  }
  const identity: CampaignIdentity = {
    campaign: c,
    uid,
    dir,
    executorKind: "slurm",
  };
  const program = createTrialProgram(c);
  const max = Math.max(1, c.slurm.maxArraySize);
  const batch = points.map(({ point, budget }, i): AttemptToRun => {
    const a = newAttempt(identity, i, 1, Math.floor(i / max) * max);
    const dir = attemptDirOf(identity, a.dir);
    // With budgets the first batch is the bottom rung: each trial is its configuration's first.
    const { command, env } = program.render(point, {
      index: i,
      id: i + 1,
      attemptDir: dir,
      ...(budget !== undefined ? { budget: { budget, configIndex: null } } : {}),
    });
    return {
      attemptId: i + 1,
      trialId: i + 1,
      trialIndex: i,
      attemptNo: 1,
      campaignUid: identity.uid,
      campaignName: c.name,
      jobName: a.jobName,
      command,
      env,
      workdir: c.ssh?.workdir ?? c.workdir,
      dir,
      timeoutMs: c.workerTimeoutSeconds === null ? null : c.workerTimeoutSeconds * 1000,
    };
  });
  const note = external
    ? "the first node is an external generator, which a dry run does not start: Sobol points stand in"
    : null;
  return { batch, note };
}

/**
 * `run --dry-run` of a Slurm campaign: renders the job scripts of the first batch and prints
 * them (nothing is written or submitted), then runs the preflight check when the cluster can be
 * asked. A failing preflight throws (exit 2); a cluster that cannot be asked is only noted.
 */
export async function printSlurmDryRun(c: Campaign, write: (text: string) => void): Promise<void> {
  const dir = nextCampaignDir(c);
  const { batch, note } = await firstBatch(c, dir);
  const executor = createExecutor(c);
  try {
    if (!(executor instanceof SlurmExecutor)) return;
    const scripts = await executor.render(batch);
    const out: string[] = [];
    const how =
      scripts.length === 1 && batch.length > 1
        ? "as one job array"
        : `in ${scripts.length} job script(s)`;
    out.push(
      `first batch: ${batch.length} trial(s) ${how}; the campaign id in the job names is drawn anew for the real run`,
    );
    if (note !== null) out.push(`note: ${note}`);
    for (const s of scripts)
      out.push("", `--- ${s.path} (not written, not submitted) ---`, s.script.trimEnd());
    // The scripts first: a failing preflight (exit 2) still shows what would have been sent.
    write(`${out.join("\n")}\n\n`);
    try {
      await prepareExecutor(executor, { resume: false });
      write("preflight: partition, time limit and memory fit the cluster's limits\n");
    } catch (e) {
      if (e instanceof InputError || !(e instanceof ClusterError)) throw e;
      write(`preflight: not checked (${errorMessage(e)})\n`);
    }
  } finally {
    await executor.close();
  }
}
