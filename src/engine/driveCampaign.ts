import type { Logger } from "pino";
import type { Executor } from "../executor/executor.js";
import { generatorFactory } from "../generators/generatorRegistry.js";
import { campaignStatus, type CampaignStatus } from "../report/campaignStatus.js";
import { ResultsCsvRefresher, writeResultsCsv } from "../report/writeResultsCsv.js";
import type { OpenCampaign } from "./campaignRecord.js";
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

/** Runs one campaign in the foreground until it completes or is stopped. */
export function driveCampaign(open: OpenCampaign, options: DriveOptions): DriveHandle {
  const { db, row, campaign, dir } = open;
  const csv = new ResultsCsvRefresher(() => writeResultsCsv(db, row.id, campaign, dir));
  let lastProgress = Number.NEGATIVE_INFINITY;
  let progressCostMs = 0;
  // The status reads every trial: at least 50 times its own cost apart, so a long campaign's
  // progress line costs a bounded share of the controller's time (as the results.csv refresh).
  const progress = (force = false): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    const interval = Math.max(options.progressMs ?? 500, 50 * progressCostMs);
    if (!force && now - lastProgress < interval) return;
    options.onProgress(campaignStatus(db, row, campaign));
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
    db,
    row,
    campaign,
    executor: options.executor,
    program: createTrialProgram(campaign),
    generatorFor: generatorFactory(campaign, { warn: (m) => runner.warn(m) }),
    logger: options.logger,
    onChange: () => csv.changed(),
    wake: () => loop.wake(),
    cancelOnStop: options.cancelOnStop ?? false,
  });
  loop.add(runner, options.executor);
  const start = options.beforeStart ? options.beforeStart(runner) : Promise.resolve();
  const done = start
    .then(() => loop.run())
    .then(() => {
      csv.flush();
      progress(true);
      return campaignStatus(db, row, campaign);
    });
  return { runner, loop, done };
}
