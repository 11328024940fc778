import { posix } from "node:path";

/**
 * The one place that spells the names of a campaign folder's files (like submitit's
 * JobPaths): runs/<name>/<N>/ locally, and the same `jobs/` and `slurm-arrays/` layout below
 * the campaign's folder on the cluster (<remote_dir>/<name>/<uid>) with SSH. Campaign folders
 * are POSIX paths (Slurm runs on Linux), so they are joined the POSIX way.
 */
export const CAMPAIGN_FILES = {
  /** The store: the only truth of the campaign. */
  db: "campaign.db",
  /** A new store is built under this name and renamed into place. */
  dbCreating: "campaign.db.creating",
  /** Derived from the store. */
  resultsCsv: "results.csv",
  /** The controller's pino log. */
  log: "slurmopt.log",
  /** proper-lockfile's lock directory (its mtime is the controller's heartbeat). */
  lockDir: "controller.lock",
  /** Names the controller holding the lock (host, pid). */
  ownerFile: "controller.json",
  /** Held by the one controller that removes a dead controller's lock. */
  takeoverDir: "controller.lock.takeover",
  /** stop/cancel asked of the controller by another shell. */
  controlRequest: "control-request",
  /** --in-slurm: the controller's job script, and the log of its submissions. */
  controllerScript: "controller.sbatch",
  controllerJobsLog: "controller-jobs.log",
  /** jobs/<trial index>/<attempt number>/: one attempt's script, output and exit status. */
  jobs: "jobs",
  /** slurm-arrays/<job name>/: a job array's script and Slurm output. */
  arrays: "slurm-arrays",
  /** external_generator_tmp/<K>/: one call of an external generator. */
  externalWork: "external_generator_tmp",
} as const;

/** jobs/<trial index>/<attempt number>: how an attempt directory is stored. */
export function relativeAttemptDir(trialIndex: number, attemptNo: number): string {
  return posix.join(CAMPAIGN_FILES.jobs, String(trialIndex), String(attemptNo));
}

/**
 * The stored form of an absolute attempt directory <root>/jobs/<trial>/<attempt> (rows written
 * before schema 3), or null when it does not end that way.
 */
export function relativeFromAbsoluteAttemptDir(dir: string): string | null {
  const m = /(?:^|\/)jobs\/(\d+)\/(\d+)\/*$/.exec(dir);
  return m === null ? null : relativeAttemptDir(Number(m[1]), Number(m[2]));
}

export class CampaignPaths {
  constructor(readonly dir: string) {}

  /** The campaign folder (or, on the cluster, the campaign's jobs root) of an attempt directory. */
  static ofAttemptDir(attemptDir: string): CampaignPaths {
    // <root>/jobs/<trial>/<attempt>
    return new CampaignPaths(posix.dirname(posix.dirname(posix.dirname(attemptDir))));
  }

  private file(name: string): string {
    return posix.join(this.dir, name);
  }

  get db(): string {
    return this.file(CAMPAIGN_FILES.db);
  }
  get dbCreating(): string {
    return this.file(CAMPAIGN_FILES.dbCreating);
  }
  get resultsCsv(): string {
    return this.file(CAMPAIGN_FILES.resultsCsv);
  }
  get log(): string {
    return this.file(CAMPAIGN_FILES.log);
  }
  get lockDir(): string {
    return this.file(CAMPAIGN_FILES.lockDir);
  }
  get ownerFile(): string {
    return this.file(CAMPAIGN_FILES.ownerFile);
  }
  get takeoverDir(): string {
    return this.file(CAMPAIGN_FILES.takeoverDir);
  }
  get controlRequest(): string {
    return this.file(CAMPAIGN_FILES.controlRequest);
  }
  get controllerScript(): string {
    return this.file(CAMPAIGN_FILES.controllerScript);
  }
  get controllerJobsLog(): string {
    return this.file(CAMPAIGN_FILES.controllerJobsLog);
  }
  /** A controller job's output; `%j` gives sbatch's pattern. */
  controllerOut(jobId: string): string {
    return this.file(`controller-${jobId}.out`);
  }
  get externalWork(): string {
    return this.file(CAMPAIGN_FILES.externalWork);
  }
  attemptDir(trialIndex: number, attemptNo: number): string {
    return posix.join(this.dir, relativeAttemptDir(trialIndex, attemptNo));
  }
  /**
   * An attempt directory as stored (relative to this folder since schema 3, so that a moved
   * campaign folder keeps working; absolute in older rows that could not be converted).
   */
  resolveAttemptDir(stored: string): string {
    return posix.isAbsolute(stored) ? stored : posix.join(this.dir, stored);
  }
  arrayDir(jobName: string): string {
    return posix.join(this.dir, CAMPAIGN_FILES.arrays, jobName);
  }
}
