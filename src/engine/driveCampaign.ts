import type { Logger } from "pino";
import type { Executor } from "../executor/executor.js";
import { campaignStatus, type CampaignStatus } from "../report/campaignStatus.js";
import {
  ResultsCsvRefresher,
  resultsCsvEvent,
  writeResultsCsv,
} from "../report/writeResultsCsv.js";
import type { CampaignSession } from "../session/campaignSession.js";
import { CampaignRunner } from "./campaignRunner.js";
import { ControllerLoop } from "./controllerLoop.js";
import { createTrialProgram } from "./createTrialProgram.js";

export interface DriveOptions {
  executor: Executor;
  logger: Logger;
  cancelOnStop?: boolean;
  /** Called with the current status at most every `progressMs`. */
  onProgress?: (s: CampaignStatus) => void;
  progressMs?: number;
  idleMs?: number;
  /** Called once per loop cycle (control requests). */
  onCycle?: () => void;
  /** Runs before the loop starts (resume reconciliation). */
  beforeStart?: ((runner: CampaignRunner) => Promise<unknown>) | undefined;
}

export interface DriveHandle {
  runner: CampaignRunner;
  loop: ControllerLoop;
  done: Promise<CampaignStatus>;
}

/**
 * Drives one campaign with an executor until it completes or is stopped: the session (which
 * holds the campaign lock) proposes, the executor runs, the runner collects and records.
 */
export function driveCampaign(session: CampaignSession, options: DriveOptions): DriveHandle {
  const { db, dir } = session;
  const status = (): CampaignStatus => campaignStatus(db, session.refreshRow(), session.campaign);
  // The runner is created below; the refresher's problems go to the campaign's events, which
  // `slurmopt status` shows.
  let note: (problem: string | null) => void = () => undefined;
  const csv = new ResultsCsvRefresher(
    () => writeResultsCsv(db, session.campaignId, session.campaign, dir),
    undefined,
    undefined,
    (problem) => note(problem),
  );
  let lastProgress = Number.NEGATIVE_INFINITY;
  let progressCostMs = 0;
  // The status costs some SQL: at least 50 times its own cost apart, so a long campaign's
  // progress line costs a bounded share of the controller's time (as the results.csv refresh).
  const progress = (force = false): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    const interval = Math.max(options.progressMs ?? 500, 50 * progressCostMs);
    if (!force && now - lastProgress < interval) return;
    options.onProgress(status());
    lastProgress = performance.now();
    progressCostMs = lastProgress - now;
  };
  const loop = new ControllerLoop({
    idleMs: options.idleMs ?? 1000,
    logger: options.logger,
    onCycle: () => {
      options.onCycle?.();
      progress();
    },
  });
  const runner = new CampaignRunner({
    session,
    executor: options.executor,
    program: createTrialProgram(session.campaign),
    logger: options.logger,
    onChange: () => csv.changed(),
    wake: () => loop.wake(),
    cancelOnStop: options.cancelOnStop ?? false,
  });
  note = (problem) => {
    const e = resultsCsvEvent(problem, dir);
    runner.note(e.level, e.message);
  };
  loop.add(runner, options.executor);
  const start = options.beforeStart ? options.beforeStart(runner) : Promise.resolve();
  const done = start
    .then(() => loop.run())
    .then(() => {
      csv.flush();
      csv.close();
      progress(true);
      return status();
    });
  return { runner, loop, done };
}
