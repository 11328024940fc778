import { setTimeout as sleep } from "node:timers/promises";
import { cancelQueuedControllerJob } from "../controllerJob/controllerJobState.js";
import { CONTINUATION_REASON } from "../controllerJob/renderControllerScript.js";
import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { isCampaignLocked, readOwner } from "../engine/campaignLock.js";
import { writeControlRequest, type ControlRequest } from "../engine/controlRequests.js";
import { EXIT, InputError, StateError } from "../errors/errors.js";
import { CampaignSession } from "../session/campaignSession.js";
import { resumeSession } from "../session/resumeSession.js";
import type { Campaign } from "../spec/campaign.js";
import type { CampaignRow } from "../store/rowTypes.js";
import { askDaemonAbout, handToDaemon, summaryLine } from "./daemonCampaignCommands.js";

export interface ResumeOptions {
  spec?: string | undefined;
  maxEval?: number | undefined;
  parallelism?: number | undefined;
  quiet: boolean;
  cancelOnExit: boolean;
  /** Write report.html when the run ends (default true). */
  report?: boolean;
  /** Hand the campaign to the daemon instead of driving it here. */
  detach?: boolean;
  /** The folder is a copy of a campaign whose folder still exists: give it its own identity. */
  asCopy?: boolean;
}

/** What the daemon reports for a campaign it is driving right now. */
const LIVE_IN_DAEMON = new Set(["driving", "paused", "window-closed", "stopping"]);

/**
 * `slurmopt resume <dir>` (in place; OmniOpt2's --continue_previous_job is run --continue): reconciles with the
 * executor first (adopts running jobs, collects finished ones, learns unrecorded job ids),
 * then goes on proposing until max_eval.
 */
export async function resumeCommand(dirArg: string, options: ResumeOptions): Promise<number> {
  // Validated as `run` validates them, before anything is opened or written.
  positiveWholeNumber("--max_eval", options.maxEval);
  positiveWholeNumber("--parallelism", options.parallelism);
  const dir = resolveCampaignFolder(dirArg);
  const driven = await askDaemonAbout(dir, "campaign");
  if (driven !== null && LIVE_IN_DAEMON.has(driven.daemonState))
    throw new StateError(
      "CAMPAIGN_LOCKED",
      `the slurmopt daemon drives ${dir} (${driven.daemonState}); "slurmopt follow ${dirArg}" shows it, "slurmopt stop ${dirArg}" takes it from the daemon`,
    );
  if (options.detach === true) {
    if (
      options.spec !== undefined ||
      options.maxEval !== undefined ||
      options.parallelism !== undefined
    )
      throw new StateError(
        "RESUME_INCOMPATIBLE",
        "resume --detach hands the campaign to the daemon as it is stored; apply --spec/--max_eval/--parallelism with a foreground resume first",
      );
    const s = await handToDaemon(dir);
    process.stdout.write(`${dir}\n`);
    process.stderr.write(`slurmopt: the daemon drives it (${summaryLine(s)})\n`);
    return EXIT.ok;
  }
  const stored = await storedCampaign(dir);
  if (options.parallelism === undefined && !(stored.campaign.parallelism >= 1))
    throw new InputError(
      "FLAG_INVALID",
      `the stored parallelism ${stored.campaign.parallelism} of ${dir} runs no trial; resume with --parallelism N (N >= 1)`,
    );
  // A continuation a controller job queued before its time limit goes on only with a campaign
  // that stopped for it (or whose controller died): not after a stop, a cancel or its end.
  const continuationOf = process.env.SLURMOPT_CONTINUATION_OF;
  if (continuationOf) {
    const row = stored.row;
    if (!awaitsContinuation(row)) {
      process.stderr.write(
        `slurmopt: campaign ${row.name} in ${dir} is ${row.state}${row.stop_reason ? ` (${row.stop_reason})` : ""}; this continuation of controller job ${continuationOf} leaves it so\n`,
      );
      return EXIT.ok;
    }
  }
  // A campaign with nothing left to run answers without reading its trials (unless changed;
  // a copy given its own identity is resumed in full).
  const changes =
    options.spec !== undefined ||
    options.maxEval !== undefined ||
    options.parallelism !== undefined;
  if (!changes && options.asCopy !== true) {
    const { resumeFinished } = await import("./resumeFinished.js");
    const code = await resumeFinished(dir, { report: options.report !== false });
    if (code !== null) return code;
  }
  const { driveInForeground } = await import("./driveInForeground.js");
  return driveInForeground(dir, {
    quiet: options.quiet,
    cancelOnExit: options.cancelOnExit,
    resume: true,
    asCopy: options.asCopy === true,
    // Changes are applied once this controller holds the campaign lock.
    afterLock: (session) => {
      const total = resumeSession(session, {
        spec: options.spec,
        maxEval: options.maxEval,
        parallelism: options.parallelism,
        cwd: process.cwd(),
        warnings: { warn: (m) => process.stderr.write(`warning: ${m}\n`) },
      });
      process.stderr.write(
        `slurmopt: resuming campaign ${session.campaign.name} in ${dir} (${total} trials so far)\n`,
      );
    },
    report: options.report !== false,
  });
}

function positiveWholeNumber(flag: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1))
    throw new InputError(
      "FLAG_INVALID",
      `${flag}: expected a whole number of at least 1, got ${String(value)}`,
    );
}

/** The campaign's row and campaign as stored now. */
async function storedCampaign(dir: string): Promise<{ row: CampaignRow; campaign: Campaign }> {
  const session = await CampaignSession.open(dir);
  try {
    return { row: session.row, campaign: session.campaign };
  } finally {
    await session.close();
  }
}

/** Whether the campaign waits for a controller job's continuation (or its controller died). */
function awaitsContinuation(row: CampaignRow): boolean {
  return (
    row.state === "RUNNING" || (row.state === "STOPPED" && row.stop_reason === CONTINUATION_REASON)
  );
}

/**
 * `slurmopt stop <dir>` / `slurmopt cancel <dir>`: asks the controller that owns the campaign
 * (on any host sharing the folder) to stop, and waits for it to let go of the campaign.
 * With no controller running, `cancel` cancels the campaign's unfinished trials itself; a
 * controller job's continuation waiting in the queue is cancelled by both.
 */
export async function controlCommand(
  dirArg: string,
  request: ControlRequest,
  waitSeconds: number,
): Promise<number> {
  const dir = resolveCampaignFolder(dirArg);
  // A campaign the daemon drives is stopped by the daemon (it answers once it let go).
  const viaDaemon = await askDaemonAbout(dir, request, waitSeconds * 1000);
  if (viaDaemon !== null) {
    process.stdout.write(
      `${request === "stop" ? "stopped" : "cancelled"} by the daemon (${summaryLine(viaDaemon)})\n`,
    );
    return EXIT.ok;
  }
  if (!isCampaignLocked(dir)) {
    // --in-slurm: a continuation waiting in the queue must not take the campaign up again.
    const queued = await cancelQueuedControllerJob(dir);
    if (queued) process.stdout.write(`cancelled the queued controller job ${queued}\n`);
    if (request === "stop") {
      const session = await CampaignSession.open(dir);
      const row = session.row;
      const waiting = awaitsContinuation(row) && (queued !== null || row.state === "STOPPED");
      if (waiting) session.setState("STOPPED", "stopped by slurmopt stop");
      await session.close();
      process.stdout.write(
        waiting ? "stopped\n" : `no controller drives ${dir}; nothing to stop\n`,
      );
      return EXIT.ok;
    }
    await storedCampaign(dir); // a folder without a campaign is refused before the request
    writeControlRequest(dir, "cancel");
    const { driveInForeground } = await import("./driveInForeground.js");
    return driveInForeground(dir, {
      quiet: true,
      cancelOnExit: true,
      resume: true,
    });
  }
  const owner = readOwner(dir);
  writeControlRequest(dir, request);
  process.stdout.write(
    `asked the controller${owner ? ` on ${owner.host} (pid ${owner.pid})` : ""} to ${request}; waiting up to ${waitSeconds} s\n`,
  );
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    if (!isCampaignLocked(dir)) {
      process.stdout.write(`${request === "stop" ? "stopped" : "cancelled"}\n`);
      return EXIT.ok;
    }
    await sleep(250);
  }
  throw new StateError(
    "CAMPAIGN_LOCKED",
    `the controller of ${dir} did not stop within ${waitSeconds} s; it may be busy submitting: try again, or end it with kill`,
  );
}
