import { relativeFromAbsoluteAttemptDir } from "../engine/campaignPaths.js";
import type { Db } from "./openStore.js";

/**
 * Numbered migrations (SQL, or a function for what SQL cannot say); the database's version is
 * PRAGMA user_version. Each migration runs in its own transaction. Never edit a released
 * migration: add a new one.
 */
export const MIGRATIONS: readonly (string | ((db: Db) => void))[] = [
  // 1: campaigns, trials, attempts
  `
  CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    dir TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    state TEXT NOT NULL,
    stop_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE trials (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    trial_index INTEGER NOT NULL,
    state TEXT NOT NULL,
    params_json TEXT NOT NULL,
    generator TEXT NOT NULL,
    generation_node TEXT NOT NULL,
    node_position INTEGER NOT NULL,
    generation_ms REAL,
    created_at INTEGER NOT NULL,
    submit_time INTEGER,
    start_time INTEGER,
    end_time INTEGER,
    results_json TEXT,
    sems_json TEXT,
    extras_json TEXT,
    exit_code INTEGER,
    signal TEXT,
    reason TEXT,
    hostname TEXT,
    program_string TEXT,
    rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, trial_index)
  );
  CREATE INDEX trials_state ON trials (campaign_id, state);
  CREATE INDEX trials_rev ON trials (rev);
  -- rev orders trial changes, so a runner re-reads only the trials that changed.
  CREATE TRIGGER trials_rev_insert AFTER INSERT ON trials BEGIN
    UPDATE trials SET rev = (SELECT MAX(rev) FROM trials) + 1 WHERE id = NEW.id;
  END;
  CREATE TRIGGER trials_rev_update AFTER UPDATE OF state, results_json, start_time, end_time, reason ON trials BEGIN
    UPDATE trials SET rev = (SELECT MAX(rev) FROM trials) + 1 WHERE id = NEW.id;
  END;
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    trial_id INTEGER NOT NULL REFERENCES trials(id),
    attempt_no INTEGER NOT NULL,
    state TEXT NOT NULL,
    executor TEXT NOT NULL,
    job_name TEXT NOT NULL,
    job_id TEXT,
    array_task_id INTEGER,
    pid INTEGER,
    pid_start INTEGER,
    dir TEXT NOT NULL,
    submit_time INTEGER,
    start_time INTEGER,
    end_time INTEGER,
    exit_code INTEGER,
    signal TEXT,
    fault TEXT,
    reason TEXT,
    hostname TEXT,
    UNIQUE (trial_id, attempt_no)
  );
  CREATE INDEX attempts_state ON attempts (state);
  CREATE INDEX attempts_job_name ON attempts (job_name);
  CREATE TABLE campaign_events (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    time INTEGER NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL
  );
  `,
  // 2: progress values (NAME@STEP: value lines) per trial and step, for early stopping
  `
  CREATE TABLE trial_progress (
    trial_id INTEGER NOT NULL REFERENCES trials(id),
    metric TEXT NOT NULL,
    step REAL NOT NULL,
    value REAL NOT NULL,
    time INTEGER NOT NULL,
    PRIMARY KEY (trial_id, metric, step)
  ) WITHOUT ROWID;
  CREATE INDEX trial_progress_step ON trial_progress (metric, step);
  `,
  // 3: attempt directories relative to the campaign folder (jobs/<trial>/<attempt>), so that a
  // moved campaign folder resumes in place; a row that does not end that way stays absolute
  (db: Db) => {
    const rows = db.prepare(`SELECT id, dir FROM attempts WHERE dir LIKE '/%'`).all() as {
      id: number;
      dir: string;
    }[];
    const update = db.prepare(`UPDATE attempts SET dir = ? WHERE id = ?`);
    for (const r of rows) {
      const relative = relativeFromAbsoluteAttemptDir(r.dir);
      if (relative !== null) update.run(relative, r.id);
    }
  },
  // 4: budgets (successive halving): the budget a trial runs at, its bracket and rung, the trial
  // whose configuration it runs again (parent_index) and the bottom-rung trial that first ran it
  // (config_index); below_max_budget = 1 keeps a trial at a lower budget out of the best trials
  `
  ALTER TABLE trials ADD COLUMN budget REAL;
  ALTER TABLE trials ADD COLUMN bracket INTEGER;
  ALTER TABLE trials ADD COLUMN rung INTEGER;
  ALTER TABLE trials ADD COLUMN parent_index INTEGER;
  ALTER TABLE trials ADD COLUMN config_index INTEGER;
  ALTER TABLE trials ADD COLUMN below_max_budget INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX trials_bracket ON trials (campaign_id, bracket) WHERE bracket IS NOT NULL;
  `,
  // 5: a job submitted ahead (Slurm) names the running job it starts after, so a resumed
  // controller submits it with the same dependency and never runs more than the parallelism
  `ALTER TABLE attempts ADD COLUMN after_job TEXT;`,
  // 6: what each output file (results.csv, report.html) was last written from (the campaign's
  // change mark then), so that a resume of a finished campaign rewrites only stale outputs
  `
  CREATE TABLE output_marks (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    output TEXT NOT NULL,
    mark TEXT NOT NULL,
    PRIMARY KEY (campaign_id, output)
  ) WITHOUT ROWID;
  `,
];
