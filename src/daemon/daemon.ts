import { accessSync, constants } from "node:fs";
import type { Logger } from "pino";
import { resolveCampaignFolder } from "../engine/campaignFolder.js";
import { CampaignPaths } from "../engine/campaignPaths.js";
import { openCampaignRecord } from "../engine/campaignRecord.js";
import { ControllerLoop } from "../engine/controllerLoop.js";
import { errorMessage, StateError } from "../errors/errors.js";
import type { DashboardHandle } from "../dashboard/dashboardServer.js";
import { storedCampaignSummary } from "./campaignSummary.js";
import { serveDaemonDashboard } from "./daemonDashboard.js";
import { ClusterExecutors } from "./clusterExecutors.js";
import type { CronDriver } from "./cronDriver.js";
import { systemTimeZone } from "./cronDriver.js";
import type { DaemonConfig } from "./daemonConfig.js";
import { DrivenCampaign } from "./drivenCampaign.js";
import type { CampaignSummary, DaemonStatus, Request } from "./protocol.js";
import { Registry, type RegistryRow } from "./registry.js";
import { mergeSchedules } from "./scheduleSettings.js";
import type { DaemonPaths } from "./statePaths.js";

export interface DaemonOptions {
  paths: DaemonPaths;
  logger: Logger;
  cron: CronDriver;
  config: DaemonConfig;
  version: string;
  /** Called once after a `shutdown` request was answered. */
  onShutdownRequest?: () => void;
}

/** How long a stop waits for the campaigns to record their state before it lets go anyway. */
const STOP_GRACE_MS = 60_000;

/**
 * The daemon: drives every campaign of its registry with ONE loop (one executor per cluster:
 * one squeue per poll cycle in total), answers the socket's requests, and runs the schedules.
 * After a restart it takes up every campaign it drove, with resume's exactly-once rules.
 */
export class Daemon {
  readonly startedAt = Date.now();
  private readonly registry: Registry;
  private readonly clusters: ClusterExecutors;
  private readonly loop: ControllerLoop;
  private readonly driven = new Map<string, DrivenCampaign>();
  private readonly byUid = new Map<string, DrivenCampaign>();
  /** Adoptions and endings under way, by folder. */
  private readonly adopting = new Map<string, Promise<DrivenCampaign>>();
  private readonly ending = new Map<string, Promise<void>>();
  private looping: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private stopHousekeeping: (() => void) | null = null;
  private dashboard: DashboardHandle | null = null;
  /** Loop cycles so far (tests wait for cycles, not for wall time). */
  cycles = 0;

  constructor(private readonly o: DaemonOptions) {
    this.registry = new Registry(o.paths.registry);
    this.clusters = new ClusterExecutors(o.logger);
    this.loop = new ControllerLoop({
      idleMs: o.config.idleMs,
      logger: o.logger,
      keepAlive: true,
      held: (uid) => this.byUid.get(uid)?.held === true,
      onCycle: () => this.onCycle(),
    });
  }

  /** Starts the loop and takes up every campaign the registry says to drive. */
  async start(): Promise<void> {
    this.looping = this.loop.run().catch((e: unknown) => {
      this.o.logger.fatal({ err: e }, `the daemon's loop failed: ${errorMessage(e)}`);
    });
    const tz = this.o.config.schedules.timezone ?? systemTimeZone();
    this.stopHousekeeping = this.o.cron.every(this.o.config.housekeeping, tz, () =>
      this.housekeeping(),
    );
    await this.serveDashboard();
    for (const row of this.registry.all()) {
      if (row.wanted !== "drive") continue;
      try {
        await this.adopt(row.dir);
      } catch (e) {
        this.o.logger.error(
          { err: e, dir: row.dir },
          `could not take up ${row.dir}: ${errorMessage(e)}`,
        );
      }
    }
  }

  /**
   * The live dashboard of every campaign in the registry (those whose folder can be read), on
   * loopback with an access token. One that cannot listen is logged; the daemon goes on.
   */
  private async serveDashboard(): Promise<void> {
    this.dashboard = await serveDaemonDashboard(
      this.o.config.dashboard,
      this.registry,
      this.o.logger,
    );
  }

  /** Answers one socket request. */
  async handle(r: Request): Promise<unknown> {
    switch (r.op) {
      case "ping":
        return { pid: process.pid, version: this.o.version };
      case "status":
        return this.status();
      case "list":
        return this.list();
      case "campaign":
        return this.summaryOf(this.known(r.dir));
      case "adopt": {
        const d = await this.adopt(r.dir);
        return d.summary(null);
      }
      case "pause":
      case "continue":
        return this.setPaused(this.known(r.dir), r.op === "pause");
      case "stop":
      case "cancel":
        return this.stopCampaign(this.known(r.dir), r.op);
      case "shutdown":
        setImmediate(() => this.o.onShutdownRequest?.());
        return { stopping: true };
    }
  }

  status(): DaemonStatus {
    return {
      pid: process.pid,
      version: this.o.version,
      startedAt: this.startedAt,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      socket: this.o.paths.socket,
      stateDir: this.o.paths.stateDir,
      campaigns: this.driven.size,
      loopCycles: this.cycles,
      clusters: this.clusters.summaries(),
      dashboard:
        this.dashboard === null
          ? null
          : { url: this.dashboard.url, host: this.dashboard.host, port: this.dashboard.port },
    };
  }

  list(): CampaignSummary[] {
    return this.registry.all().map((row) => this.summaryOf(row));
  }

  /** The registry row of a folder the daemon knows (the folder as given or resolved). */
  private known(dirArg: string): RegistryRow {
    const row = this.registry.get(dirArg);
    if (row) return row;
    let dir: string | null = null;
    try {
      dir = resolveCampaignFolder(dirArg);
    } catch {
      // not a campaign folder (any more)
    }
    const resolved = dir !== null ? this.registry.get(dir) : null;
    if (resolved) return resolved;
    throw new StateError(
      "CAMPAIGN_NOT_FOUND",
      `the daemon does not drive ${dirArg}; hand it over with "slurmopt adopt ${dirArg}"`,
    );
  }

  /** Takes up a campaign folder (idempotent: a folder already driven is left as it is). */
  adopt(dirArg: string): Promise<DrivenCampaign> {
    if (this.stopping)
      return Promise.reject(new StateError("DAEMON_ERROR", "the daemon is stopping"));
    const dir = resolveCampaignFolder(dirArg);
    const driven = this.driven.get(dir);
    if (driven) return Promise.resolve(driven);
    let p = this.adopting.get(dir);
    if (!p) {
      p = this.takeUp(dir).finally(() => this.adopting.delete(dir));
      this.adopting.set(dir, p);
    }
    return p;
  }

  private async takeUp(dir: string): Promise<DrivenCampaign> {
    await this.ending.get(dir);
    const probe = openCampaignRecord(dir, true);
    const { uid, name } = probe.row;
    const ownSchedule = probe.campaign.schedule ?? null;
    probe.db.close();
    const before = this.registry.get(dir);
    this.registry.upsert({ dir, uid, name });
    try {
      const d = await DrivenCampaign.open(dir, {
        loop: this.loop,
        clusters: this.clusters,
        cron: this.o.cron,
        schedules: () => mergeSchedules(this.o.config.schedules, ownSchedule),
        logger: this.o.logger,
        paused: before?.paused === 1,
        setPaused: (paused) => {
          const row = this.registry.get(dir);
          if (row) this.setPaused(row, paused);
        },
      });
      this.driven.set(dir, d);
      this.byUid.set(d.uid, d);
      this.loop.wake();
      this.o.logger.info({ dir, campaign: name }, "driving campaign");
      return d;
    } catch (e) {
      this.registry.setError(dir, errorMessage(e));
      throw e;
    }
  }

  private setPaused(row: RegistryRow, paused: boolean): CampaignSummary {
    this.registry.setPaused(row.dir, paused);
    const d = this.driven.get(row.dir);
    if (d) {
      d.paused = paused;
      this.o.logger.info({ dir: row.dir }, paused ? "paused" : "continued");
      this.loop.wake();
    }
    return this.summaryOf(this.registry.get(row.dir) ?? row);
  }

  private async stopCampaign(
    row: RegistryRow,
    request: "stop" | "cancel",
  ): Promise<CampaignSummary> {
    const d = this.driven.get(row.dir);
    if (!d) {
      if (request === "cancel")
        throw new StateError("CAMPAIGN_NOT_FOUND", `the daemon does not drive ${row.dir} now`);
      if (row.wanted === "drive") this.registry.setWanted(row.dir, "stopped", null);
      return this.summaryOf(this.registry.get(row.dir) ?? row);
    }
    d.stop(request);
    await this.whenEnded(d);
    return this.summaryOf(this.registry.get(row.dir) ?? row);
  }

  private whenEnded(d: DrivenCampaign): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        const e = this.ending.get(d.dir);
        if (!this.driven.has(d.dir) && !e) resolve();
        else if (e) void e.then(() => resolve());
        else setTimeout(check, 100);
      };
      check();
    });
  }

  private summaryOf(row: RegistryRow): CampaignSummary {
    const d = this.driven.get(row.dir);
    if (d && !d.closing) return d.summary(row.last_error);
    return storedCampaignSummary(row);
  }

  /** Once per loop cycle: stop and cancel requests through the folder, campaigns that ended. */
  private onCycle(): void {
    this.cycles++;
    for (const d of this.driven.values()) {
      try {
        if (d.runner.state === "running") d.checkControlRequest();
      } catch (e) {
        this.o.logger.warn(
          { err: e, dir: d.dir },
          `reading a control request failed: ${errorMessage(e)}`,
        );
      }
      if (d.runner.state === "finished" && !this.ending.has(d.dir)) this.end(d);
    }
  }

  /** A campaign ended: the registry records what to do after a restart, then it is let go. */
  private end(d: DrivenCampaign): void {
    const final = d.runner.finalState;
    if (d.cause !== "daemon-stop" && d.cause !== "folder-gone") {
      const wanted = final === "STOPPED" ? "stopped" : "done";
      this.registry.setWanted(d.dir, wanted, final);
      if (d.cause === "lock-lost")
        this.registry.setError(d.dir, "another controller took the campaign's lock");
    }
    this.o.logger.info({ dir: d.dir, state: final, reason: d.runner.stopReason }, "campaign ended");
    const p = d
      .close()
      .catch((e: unknown) =>
        this.o.logger.error(
          { err: e, dir: d.dir },
          `closing the campaign failed: ${errorMessage(e)}`,
        ),
      )
      .finally(() => {
        this.driven.delete(d.dir);
        if (this.byUid.get(d.uid) === d) this.byUid.delete(d.uid);
        this.ending.delete(d.dir);
      });
    this.ending.set(d.dir, p);
  }

  /** Checks that each folder is still there and readable; compacts the registry's journal. */
  housekeeping(): void {
    try {
      this.registry.compact();
    } catch (e) {
      this.o.logger.warn({ err: e }, `compacting the registry failed: ${errorMessage(e)}`);
    }
    for (const row of this.registry.all()) {
      let problem: string | null = null;
      try {
        accessSync(new CampaignPaths(row.dir).db, constants.R_OK | constants.W_OK);
      } catch (e) {
        problem = `the campaign folder cannot be used: ${errorMessage(e)}`;
      }
      if (problem !== row.missing) this.registry.setMissing(row.dir, problem);
      const d = this.driven.get(row.dir);
      if (problem !== null && d) {
        this.o.logger.error({ dir: row.dir }, problem);
        d.stop("stop", "folder-gone");
      } else if (problem === null && row.missing !== null && row.wanted === "drive" && !d) {
        this.adopt(row.dir).catch((e: unknown) =>
          this.o.logger.error(
            { err: e, dir: row.dir },
            `could not take up ${row.dir}: ${errorMessage(e)}`,
          ),
        );
      }
    }
  }

  /** Stops every campaign (their jobs go on; they continue when the daemon starts again). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopHousekeeping?.();
      await Promise.allSettled([...this.adopting.values()]);
      for (const d of this.driven.values()) d.stop("stop", "daemon-stop");
      this.loop.wake();
      const deadline = Date.now() + STOP_GRACE_MS;
      while (this.driven.size > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      this.loop.stop();
      await this.looping;
      for (const d of this.driven.values()) await d.close();
      await Promise.allSettled([...this.ending.values()]);
      await this.clusters.closeAll();
      await this.dashboard?.close();
      this.registry.close();
    })();
    return this.stopping;
  }
}
