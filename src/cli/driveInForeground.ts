import { writeFileSync } from "node:fs";
import type { CampaignRunner } from "../engine/campaignRunner.js";
import { takeControlRequest } from "../engine/controlRequests.js";
import { createExecutor, prepareExecutor } from "../engine/createExecutor.js";
import { CONTINUATION_REASON } from "../controllerJob/renderControllerScript.js";
import { campaignExitCode } from "./campaignExitCode.js";
import { driveCampaign } from "../engine/driveCampaign.js";
import { EXIT } from "../errors/errors.js";
import { createLogger } from "../log/logger.js";
import { formatStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { writeFinalReport } from "../report/writeReport.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { CampaignSession } from "../session/campaignSession.js";
import { ProgressLine, progressText } from "./progressLine.js";

function answerControlRequest(runner: CampaignRunner, dir: string): void {
  const request = takeControlRequest(dir);
  if (request === "cancel") runner.stop("CANCELLED", "cancelled by slurmopt cancel");
  else if (request === "stop") runner.stop("STOPPED", "stopped by slurmopt stop");
}

export interface ForegroundOptions {
  quiet: boolean;
  cancelOnExit: boolean;
  /** Reconcile unfinished attempts first (resume). */
  resume: boolean;
  /** Runs once the campaign lock is held (resume's spec changes). */
  afterLock?: (session: CampaignSession) => void;
  /** Write report.html at the end (default true; --no-report). */
  report?: boolean;
  /** resume --as-copy: a copied campaign folder gets a uid of its own. */
  asCopy?: boolean;
}

/**
 * Drives one campaign in the foreground: takes the campaign lock, reconciles (on resume),
 * runs the loop with a progress line, answers signals and stop/cancel requests, and prints the
 * final status. Returns the exit code.
 */
export async function driveInForeground(dir: string, options: ForegroundOptions): Promise<number> {
  const paths = new CampaignPaths(dir);
  const logger = createLogger({ file: paths.log });
  let handle: ReturnType<typeof driveCampaign> | null = null;
  const session = await CampaignSession.open(dir, {
    logger,
    asCopy: options.asCopy === true,
    lock: {
      onCompromised: (e) => {
        logger.error({ err: e }, "the campaign lock was taken by another controller; stopping");
        process.stderr.write(
          `slurmopt: the campaign lock was lost (${e.message}); stopping without further submissions\n`,
        );
        handle?.runner.stop("STOPPED", "lock lost to another controller");
      },
      onTakeover: (m) => {
        logger.warn(m);
        process.stderr.write(`slurmopt: ${m}\n`);
      },
    },
  });
  try {
    options.afterLock?.(session);
  } catch (e) {
    await session.close();
    throw e;
  }
  const executor = createExecutor(session.campaign, logger);
  const line = new ProgressLine(process.stdout, !options.quiet && process.stdout.isTTY);
  const startedAt = Date.now();
  let signals = 0;
  // A signal before the campaign is driven (the first moments of a controller job) stops it
  // as soon as it is.
  let pendingStop: [state: "STOPPED", reason: string] | null = null;
  const stopWhenReady = (state: "STOPPED", reason: string): void => {
    if (handle) handle.runner.stop(state, reason);
    else pendingStop ??= [state, reason];
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      process.stderr.write(
        `\nslurmopt: second ${sig}: exiting now (the stored state is consistent)\n`,
      );
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(
      `\nslurmopt: ${sig}: stopping; ${options.cancelOnExit ? "cancelling running trials" : `running trials keep running (resume with "slurmopt resume ${dir}")`}\n`,
    );
    stopWhenReady("STOPPED", `stopped by ${sig}`);
  };
  // Inside a controller job (controller.sbatch), USR1 means: the job's time limit is near;
  // stop submitting, record the state and exit 75 so the job script queues a continuation.
  let continuing = false;
  const onContinue = (): void => {
    continuing = true;
    stopWhenReady("STOPPED", CONTINUATION_REASON);
  };
  const inControllerJob = process.env.SLURMOPT_CONTROLLER_JOB === "1";
  if (inControllerJob) {
    process.on("SIGUSR1", onContinue);
    // The job script passes the signal on only from now on: before its handler is installed,
    // Node would take USR1 as the request to open its debugger, and the hand-over would be lost.
    const ready = process.env.SLURMOPT_READY_FILE;
    if (ready) writeFileSync(ready, `${process.pid}\n`, { mode: 0o600 });
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The loop always holds a timer or an I/O handle while it works; if Node's event loop runs
  // empty before the campaign ended, an operation can never finish: say so, never exit 0.
  const onStall = (): void => {
    process.stderr.write(
      `slurmopt: internal error: the controller stalled (an operation can never finish); nothing stored is lost: continue with "slurmopt resume ${dir}"\n`,
    );
    logger.error("the controller stalled: Node's event loop ran empty before the campaign ended");
    process.exitCode = EXIT.failure;
  };
  process.once("beforeExit", onStall);
  try {
    handle = driveCampaign(session, {
      executor,
      logger,
      cancelOnStop: options.cancelOnExit,
      // Only for a progress line someone sees (a terminal): the status reads every trial.
      ...(line.enabled
        ? { onProgress: (s: CampaignStatus) => line.update(progressText(s, startedAt)) }
        : {}),
      onCycle: () => {
        if (handle) answerControlRequest(handle.runner, dir);
      },
      beforeStart: async (runner) => {
        if (pendingStop) runner.stop(...pendingStop);
        // Stopped before it started (a controller job's early signal): nothing to check or
        // reconcile now; the next controller does it. The signal's delay is short.
        if (runner.state !== "running") return;
        // SSH host key and login, Slurm commands, remote_dir: fail here, before any proposal.
        await prepareExecutor(executor, { resume: options.resume });
        if (options.resume && runner.state === "running") await runner.resume();
        answerControlRequest(runner, dir);
      },
    });
    const status = await handle.done;
    line.end();
    const report = options.report === false ? null : writeFinalReport(session.record(), logger);
    process.stdout.write(
      `${formatStatus(status)}\nresults: ${paths.resultsCsv}\n${report ? `report: ${report}\n` : ""}`,
    );
    return campaignExitCode(status, continuing);
  } finally {
    process.off("SIGUSR1", onContinue);
    // Without a listener Node 20 dies of a late USR1 (or opens its debugger): keep one that
    // ignores it while the controller shuts down.
    if (inControllerJob) process.on("SIGUSR1", () => undefined);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("beforeExit", onStall);
    await executor.close();
    await session.close();
    logger.flush();
  }
}
