import type { OpenCampaign } from "../engine/campaignRecord.js";
import { listCampaignAttempts } from "../store/campaignAttempts.js";
import {
  isFailedTrial,
  zeroTrialCounts,
  type TrialRow,
  type TrialState,
} from "../store/rowTypes.js";
import { listTrials } from "../store/trialRows.js";
import { campaignMetrics, isFeasible } from "./campaignMetrics.js";
import { evenSample } from "./downsample.js";
import { modelView, type ModelFitMemory } from "./modelView.js";
import { paretoView } from "./paretoView.js";
import {
  REPORT_DATA_VERSION,
  type ReportData,
  type ReportFailure,
  type ReportNode,
  type ReportTrial,
} from "./reportData.js";
import { stderrTail } from "./stderrTail.js";
import { reportAttempts, reportParameters, reportTrials } from "./trialRecords.js";

/** Most points a point plot (trace, slices, parallel coordinates) draws. */
export const MAX_PLOTTED_TRIALS = 2000;
/** Most attempts the timeline draws. */
export const MAX_TIMELINE_ATTEMPTS = 2000;
/** Most failures listed (the latest ones). */
export const MAX_FAILURES = 300;

/**
 * Everything the report shows, read from the campaign's database (and stderr tails). The live
 * dashboard passes a ModelFitMemory per campaign, so its model view refits the GP's
 * hyperparameters only every so many new trials.
 */
export function buildReportData(
  open: OpenCampaign,
  now = Date.now(),
  modelMemory?: ModelFitMemory,
): ReportData {
  const { db, row, campaign, dir } = open;
  const rows = listTrials(db, row.id);
  const attemptRows = listCampaignAttempts(db, row.id);
  const attemptsPerTrial = new Map<number, number>();
  for (const a of attemptRows)
    attemptsPerTrial.set(a.trial_index, (attemptsPerTrial.get(a.trial_index) ?? 0) + 1);
  const metrics = campaignMetrics(campaign, reportedNames(rows, campaign.objectives));
  const trials = reportTrials(rows, campaign.parameters, attemptsPerTrial, (r) =>
    isFeasible(r, metrics),
  );
  const notes: Record<string, string> = {};
  const counts = countStates(trials);
  const usable = trials
    .map((t, pos) => ({ t, pos }))
    .filter(
      ({ t }) =>
        t.state === "COMPLETED" &&
        t.feasible &&
        campaign.objectives.every((o) => Number.isFinite(t.results?.[o.name])),
    );
  const single = campaign.objectives.length === 1;
  const obj = campaign.objectives[0]!;
  const sign = obj.goal === "max" ? -1 : 1;
  const improvements = new Set<number>();
  let bestValue = Infinity;
  for (const { t, pos } of usable) {
    const v = sign * t.results![obj.name]!;
    if (v < bestValue) {
      bestValue = v;
      improvements.add(pos);
    }
  }
  const pareto = single ? null : paretoView(campaign, usable);
  const best = single
    ? [...improvements].slice(-1).map((pos) => trials[pos]!.index)
    : (pareto?.front ?? []);
  const bestPositions = new Set(
    single ? [...improvements] : usable.filter((u) => best.includes(u.t.index)).map((u) => u.pos),
  );
  const sample = evenSample(trials.length, MAX_PLOTTED_TRIALS, bestPositions);
  if (sample.length < trials.length)
    notes.sample = `${trials.length} trials: the point plots show ${sample.length} of them (evenly spaced, every improvement of the best kept); the table below lists all.`;

  const trialState = new Map(trials.map((t) => [t.index, t.state as string]));
  const allAttempts = reportAttempts(attemptRows, trialState);
  const plain = (o: string): boolean => o === "COMPLETED";
  const special = allAttempts.map((a, i) => (plain(a.outcome) ? -1 : i)).filter((i) => i >= 0);
  const attemptPositions = evenSample(allAttempts.length, MAX_TIMELINE_ATTEMPTS, new Set(special));
  const attempts = attemptPositions.map((i) => allAttempts[i]!);
  if (attempts.length < allAttempts.length)
    notes.timeline = `${allAttempts.length} attempts: the timeline shows ${attempts.length} (every failed, timed-out, retried, running or queued attempt first, then evenly spaced completed ones); the distributions use all.`;

  const lastAttempt = new Map<number, number>();
  for (const a of attemptRows) lastAttempt.set(a.trial_index, a.attempt_no);
  const failedTrials = trials.filter((t) => isFailedTrial(t.state));
  const failures: ReportFailure[] = failedTrials.slice(-MAX_FAILURES).map((t) => {
    const last = attemptRows.findLast((a) => a.trial_index === t.index);
    return {
      trial: t.index,
      state: t.state,
      reason: t.reason,
      exitCode: t.exitCode,
      signal: t.signal,
      host: t.host,
      jobId: last?.job_id ?? null,
      stderrTail: stderrTail(dir, t.index, lastAttempt.get(t.index) ?? 1),
    };
  });
  if (failures.length < failedTrials.length)
    notes.failures = `${failedTrials.length} failed or timed-out trials: the latest ${failures.length} are listed.`;

  const hasGp = campaign.strategy.some((n) => n.model === "gp");
  let model = null;
  let modelNote = "";
  if (!hasGp) modelNote = "No GP node in this campaign's strategy, so no model was fitted.";
  else if (!single)
    modelNote = "The model view is drawn for single-objective campaigns; see the Pareto front.";
  else {
    model = modelView({
      parameters: campaign.parameters,
      objective: obj,
      observations: usable.map(({ t }) => ({
        point: Object.fromEntries(
          campaign.parameters.map((p, k) => [p.name, t.params[k] ?? 0] as const),
        ),
        value: t.results![obj.name]!,
      })),
      seed: campaign.seed,
      ...(modelMemory ? { memory: modelMemory } : {}),
    });
    if (!model) modelNote = "Too few completed trials (at least 5) to fit a GP yet.";
    else {
      const said: string[] = [];
      if (model.fittedOn < model.completed)
        said.push(
          `The GP is fitted on ${model.fittedOn} of ${model.completed} completed trials (the best third and a seeded random sample of the rest).`,
        );
      if (model.hyperparametersFittedAt < model.completed)
        said.push(
          `Its lengthscales (and so the importance) were fitted when ${model.hyperparametersFittedAt} trials had completed: the dashboard refits them after a tenth more (at least 10).`,
        );
      if (said.length > 0) notes.model = said.join(" ");
    }
  }

  const durations = {
    queueWaitS: attemptRows
      .filter((a) => a.submit_time !== null && a.start_time !== null)
      .map((a) => Math.round(Math.max(0, a.start_time! - a.submit_time!) / 100) / 10),
    runTimeS: attemptRows
      .filter((a) => a.start_time !== null && a.end_time !== null)
      .map((a) => Math.round(Math.max(0, a.end_time! - a.start_time!) / 100) / 10),
  };
  const runTimeMs = attemptRows.reduce((sum, a) => {
    if (a.start_time === null) return sum;
    const end = a.end_time ?? (a.state === "RUNNING" ? now : a.start_time);
    return sum + Math.max(0, end - a.start_time);
  }, 0);
  const lastEnd = rows.reduce((m, t) => Math.max(m, t.end_time ?? 0), 0);
  const endOfWall = row.state === "RUNNING" ? now : Math.max(lastEnd, row.updated_at);
  return {
    version: REPORT_DATA_VERSION,
    generatedAt: now,
    campaign: {
      name: row.name,
      uid: row.uid,
      dir: row.dir,
      state: row.state,
      stopReason: row.stop_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      maxEval: campaign.maxEval,
      parallelism: campaign.parallelism,
      executor: campaign.executor,
      strategy: campaign.strategy
        .map((n) => (n.trials === null ? n.label : `${n.label}=${n.trials}`))
        .join(","),
      seed: campaign.seed,
      program: campaign.program,
    },
    parameters: reportParameters(campaign.parameters),
    objectives: [...campaign.objectives],
    metrics,
    counts,
    wallTimeMs: Math.max(0, endOfWall - row.created_at),
    runTimeMs,
    nodes: nodeSummary(trials, rows),
    best,
    trials,
    sample,
    attempts,
    durations,
    failures,
    model,
    modelNote,
    pareto,
    notes,
  };
}

function reportedNames(
  rows: readonly TrialRow[],
  objectives: readonly { name: string }[],
): Set<string> {
  const names = new Set<string>();
  const skip = new Set(objectives.map((o) => o.name));
  for (const t of rows) {
    if (!t.results_json) continue;
    for (const [k, v] of Object.entries(JSON.parse(t.results_json) as Record<string, unknown>))
      if (!skip.has(k) && typeof v === "number") names.add(k);
  }
  return names;
}

function countStates(trials: readonly ReportTrial[]): Record<TrialState, number> {
  const counts = zeroTrialCounts();
  for (const t of trials) counts[t.state]++;
  return counts;
}

function nodeSummary(trials: readonly ReportTrial[], rows: readonly TrialRow[]): ReportNode[] {
  const byNode = new Map<string, ReportNode & { genSum: number; genN: number }>();
  trials.forEach((t, i) => {
    const key = `${t.node}\u0000${t.generator}`;
    let e = byNode.get(key);
    if (!e) {
      e = {
        node: t.node,
        generator: t.generator,
        trials: 0,
        completed: 0,
        failed: 0,
        meanGenerationMs: null,
        genSum: 0,
        genN: 0,
      };
      byNode.set(key, e);
    }
    e.trials++;
    if (t.state === "COMPLETED") e.completed++;
    if (isFailedTrial(t.state)) e.failed++;
    const g = rows[i]!.generation_ms;
    if (g !== null) {
      e.genSum += g;
      e.genN++;
    }
  });
  return [...byNode.values()].map(({ genSum, genN, ...n }) => ({
    ...n,
    meanGenerationMs: genN > 0 ? genSum / genN : null,
  }));
}
