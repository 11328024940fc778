/** Shared pieces of the Slurm integration tests: settings, attempts, polling until done. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type {
  AttemptEvent,
  AttemptResult,
  AttemptToRun,
  Executor,
} from "../../../src/executor/executor.js";
import type { SlurmSettings } from "../../../src/spec/campaign.js";

export function slurmSettings(over: Partial<SlurmSettings> = {}): SlurmSettings {
  return {
    partition: null,
    timeSeconds: null,
    mem: "100M",
    cpusPerTask: 1,
    nodes: 1,
    gpus: 0,
    account: null,
    reservation: null,
    qos: null,
    exclude: null,
    constraint: null,
    extraDirectives: [],
    setup: [],
    signal: "USR1",
    signalDelaySeconds: 0,
    template: null,
    arrayTemplate: null,
    maxArraySize: 1000,
    pollIntervalSeconds: 1,
    maxPollIntervalSeconds: 2,
    maxRetries: 2,
    outputGraceSeconds: 10,
    ...over,
  };
}

const uids = new Set<string>();

/** A fresh campaign folder with a unique uid (remembered for leakedJobs). */
export function testCampaign(name: string): { dir: string; uid: string; name: string } {
  const uid = randomBytes(4).toString("hex");
  uids.add(uid);
  return { dir: mkdtempSync(join(tmpdir(), `slurmopt-it-${name}-`)), uid, name };
}

/** Jobs of this file's test campaigns that still wait or run (a test leaked them). */
export async function leakedJobs(): Promise<string[]> {
  const r = await promisify(execFile)("squeue", ["--me", "--noheader", "--format=%i|%T|%j"]);
  return r.stdout.split("\n").filter((line) => [...uids].some((uid) => line.includes(`-${uid}-`)));
}

let nextAttemptId = 1;

export function attempt(
  c: { dir: string; uid: string; name: string },
  trialIndex: number,
  command: string,
  over: Partial<AttemptToRun> = {},
): AttemptToRun {
  const attemptId = nextAttemptId++;
  return {
    attemptId,
    trialId: trialIndex + 1,
    trialIndex,
    attemptNo: 1,
    campaignUid: c.uid,
    campaignName: c.name,
    jobName: `${c.name}-${c.uid}-t${trialIndex}a1`,
    command,
    env: { SLURMOPT_TRIAL_INDEX: String(trialIndex) },
    workdir: c.dir,
    dir: join(c.dir, "jobs", String(trialIndex), "1"),
    timeoutMs: null,
    ...over,
  };
}

/** Polls until every attempt has finished; returns all events in order. */
export async function pollUntilFinished(
  executor: Executor,
  attemptIds: readonly number[],
  timeoutMs: number,
  everyMs = 500,
): Promise<{ events: AttemptEvent[]; results: Map<number, AttemptResult>; polls: number }> {
  const events: AttemptEvent[] = [];
  const results = new Map<number, AttemptResult>();
  const deadline = Date.now() + timeoutMs;
  let polls = 0;
  while (attemptIds.some((id) => !results.has(id))) {
    if (Date.now() > deadline) {
      const missing = attemptIds.filter((id) => !results.has(id));
      throw new Error(`attempts ${missing.join(", ")} did not finish within ${timeoutMs} ms`);
    }
    polls++;
    for (const e of await executor.poll()) {
      events.push(e);
      if (e.type === "finished") results.set(e.attemptId, e.result);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return { events, results, polls };
}
