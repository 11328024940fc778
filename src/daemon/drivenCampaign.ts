import type { Logger } from "pino";
import type { OpenCampaign } from "../engine/campaignRecord.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { CampaignRunner } from "../engine/campaignRunner.js";
import type { ControllerLoop } from "../engine/controllerLoop.js";
import { takeControlRequest } from "../engine/controlRequests.js";
import { createTrialProgram } from "../engine/createTrialProgram.js";
import { errorMessage } from "../errors/errors.js";
import { writeReport } from "../report/writeReport.js";
import { ResultsCsvRefresher, resultsCsvEvent } from "../report/writeResultsCsv.js";
import { CampaignSession } from "../session/campaignSession.js";
import { CampaignSchedule } from "./campaignSchedule.js";
import { campaignSummary } from "./campaignSummary.js";
import type { ClusterExecutors } from "./clusterExecutors.js";
import type { CronDriver } from "./cronDriver.js";
import type { CampaignSummary } from "./protocol.js";
import { rotatingLogger, type RotatingLogger } from "./rotatingLog.js";
import type { ScheduleSettings } from "../spec/scheduleSchema.js";

export interface DrivenDeps {
  loop: ControllerLoop;
  clusters: ClusterExecutors;
  cron: CronDriver;
  /** The schedules this campaign follows (the daemon's defaults merged with the spec's). */
  schedules: (open: OpenCampaign) => ScheduleSettings;
  logger: Logger;
  paused: boolean;
  /** Called on a pause_at / continue_at schedule (the daemon records it). */
  setPaused: (paused: boolean) => void;
}

/** Why a campaign the daemon drives ended: the daemon decides what to keep in its registry. */
export type EndCause = "daemon-stop" | "folder-gone" | "user" | "lock-lost" | "own";

/**
 * One campaign the daemon drives: its session (store and lock), log, runner (on the cluster's
 * shared executor) and schedules. Made by open(), which reconciles with the cluster first (resume's
 * exactly-once rules: adopt jobs submitted but not recorded, collect jobs that ended).
 */
export class DrivenCampaign {
  paused: boolean;
  cause: EndCause = "own";
  private closed: Promise<void> | null = null;

  private constructor(
    readonly session: CampaignSession,
    readonly runner: CampaignRunner,
    private readonly log: RotatingLogger,
    private readonly csv: ResultsCsvRefresher,
    private readonly deps: DrivenDeps,
    public schedule: CampaignSchedule | null,
  ) {
    this.paused = deps.paused;
  }

  get dir(): string {
    return this.session.dir;
  }

  get uid(): string {
    return this.session.row.uid;
  }

  /** The open store, row and campaign (the report writers and the summary read it). */
  get open(): OpenCampaign {
    return this.session.record();
  }

  static async open(dir: string, deps: DrivenDeps): Promise<DrivenCampaign> {
    const log = rotatingLogger(new CampaignPaths(dir).log);
    const logger = log.logger;
    let driven: DrivenCampaign | null = null;
    let session: CampaignSession | null = null;
    try {
      session = await CampaignSession.open(dir, {
        logger,
        lock: {
          onCompromised: (e) => {
            logger.error({ err: e }, "the campaign lock was taken by another controller; stopping");
            if (driven) {
              driven.cause = "lock-lost";
              driven.runner.stop("STOPPED", "lock lost to another controller");
            }
          },
          onTakeover: (m) => logger.warn(m),
        },
      });
      const s = session;
      const campaign = s.campaign;
      const executor = deps.clusters.executorFor(s.row.uid, campaign);
      await deps.clusters.prepare(campaign);
      s.setState("RUNNING", null);
      const csv = new ResultsCsvRefresher(
        () => s.writeResultsCsv(),
        undefined,
        undefined,
        (problem) => {
          const e = resultsCsvEvent(problem, dir);
          runner.note(e.level, e.message);
        },
      );
      const runner: CampaignRunner = new CampaignRunner({
        session: s,
        executor,
        program: createTrialProgram(campaign),
        logger,
        onChange: () => csv.changed(),
        wake: () => deps.loop.wake(),
        cancelOnStop: false,
      });
      driven = new DrivenCampaign(s, runner, log, csv, deps, null);
      await runner.resume();
      const d = driven;
      d.schedule = new CampaignSchedule(deps.schedules(s.record()), deps.cron, {
        window: (isOpen) => {
          logger.info(`submit window ${isOpen ? "opened" : "closed"}`);
          deps.loop.wake();
        },
        pause: () => deps.setPaused(true),
        continue: () => deps.setPaused(false),
        report: () => d.refreshReport(),
      });
      deps.loop.add(runner, executor);
      return driven;
    } catch (e) {
      logger.error({ err: e }, `the daemon could not take up the campaign: ${errorMessage(e)}`);
      if (session) {
        await deps.clusters.release(session.row.uid, session.campaign).catch(() => undefined);
        await session.close();
      }
      await log.close();
      throw e;
    }
  }

  /** close() was called: its store may already be closed (read the folder instead). */
  get closing(): boolean {
    return this.closed !== null;
  }

  /** Nothing new is proposed or submitted: paused, or outside the submit window. */
  get held(): boolean {
    return this.paused || this.schedule?.windowOpen === false;
  }

  /** What `list` shows. */
  summary(lastError: string | null): CampaignSummary {
    let daemonState = "driving";
    if (this.runner.state !== "running") daemonState = "stopping";
    else if (this.paused) daemonState = "paused";
    else if (this.schedule?.windowOpen === false) daemonState = "window-closed";
    return campaignSummary(this.open, daemonState, lastError);
  }

  /** A stop or cancel asked through the campaign folder (slurmopt stop/cancel of any host). */
  checkControlRequest(): void {
    const request = takeControlRequest(this.dir);
    if (request === null) return;
    this.stop(request);
  }

  stop(request: "stop" | "cancel", cause: EndCause = "user"): void {
    if (this.runner.state !== "running") return;
    this.cause = cause;
    if (request === "cancel") this.runner.stop("CANCELLED", "cancelled by slurmopt cancel");
    else if (cause === "daemon-stop")
      this.runner.stop("STOPPED", "the daemon stopped; it goes on when the daemon starts again");
    else if (cause === "folder-gone")
      this.runner.stop(
        "STOPPED",
        "the campaign folder cannot be used; the daemon takes it up again when it can",
      );
    else this.runner.stop("STOPPED", "stopped by slurmopt stop");
    this.deps.loop.wake();
  }

  /** report_every and the campaign's end: results.csv and report.html rebuilt from the store. */
  refreshReport(): void {
    try {
      this.csv.flush();
      writeReport(this.open);
    } catch (e) {
      this.deps.logger.warn(
        { err: e, dir: this.dir },
        `results.csv or report.html not written: ${errorMessage(e)}; write them with "slurmopt report ${this.dir}"`,
      );
    }
  }

  /** Lets go of the campaign: waits for work in flight, writes results.csv, unlocks. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.schedule?.stop();
      this.deps.loop.remove(this.uid);
      await this.runner.settle();
      this.refreshReport();
      await this.deps.clusters.release(this.uid, this.session.campaign);
      await this.session
        .close()
        .catch((e: unknown) =>
          this.deps.logger.warn({ err: e, dir: this.dir }, "releasing the campaign lock failed"),
        );
      await this.log.close();
    })();
    return this.closed;
  }
}
