import type { OpenCampaign } from "../engine/campaignRecord.js";
import type { Point } from "../space/parameters.js";
import { isFailedTrial, zeroTrialCounts } from "../store/rowTypes.js";
import {
  iterateReportTrials,
  lastAttemptOf,
  reportedNumberKeys,
  type ReportTrialRow,
} from "../store/reportScans.js";
import { attemptSummary, MAX_TIMELINE_ATTEMPTS } from "./attemptTimeline.js";
import { campaignMetrics, isFeasible } from "./campaignMetrics.js";
import { evenSample } from "./downsample.js";
import { modelView, type ModelFitMemory } from "./modelView.js";
import { paretoView, type UsableTrial } from "./paretoView.js";
import {
  REPORT_DATA_VERSION,
  type MetricInfo,
  type ReportData,
  type ReportFailure,
  type ReportNode,
  type ReportSummary,
  type ReportTrial,
} from "./reportData.js";
import { stderrTail } from "./stderrTail.js";
import { reportParameters, reportTrial } from "./trialRecords.js";

/** Most points a point plot (trace, slices, parallel coordinates) draws. */
export const MAX_PLOTTED_TRIALS = 2000;
export { MAX_TIMELINE_ATTEMPTS };
/** Most failures listed (the latest ones). */
export const MAX_FAILURES = 300;

/**
 * Everything the report shows, read from the campaign's database (and stderr tails), with
 * every trial in memory: what the live dashboard serves. The live dashboard passes a
 * ModelFitMemory per campaign, so its model view refits the GP's hyperparameters only every
 * so many new trials. report.html is written from the summary and the trials streamed
 * (writeReport.ts), never all in memory.
 */
export function buildReportData(
  open: OpenCampaign,
  now = Date.now(),
  modelMemory?: ModelFitMemory,
): ReportData {
  const summary = buildReportSummary(open, now, modelMemory);
  return { ...summary, trials: [...reportTrialStream(open, summary.metrics)] };
}

/** The trials as the page sees them, in trial order, one at a time from the store. */
export function* reportTrialStream(
  open: OpenCampaign,
  metrics: readonly MetricInfo[],
): Generator<ReportTrial> {
  const feasible = (r: Record<string, number>): boolean => isFeasible(r, metrics);
  for (const row of iterateReportTrials(open.db, open.row.id))
    yield reportTrial(row, open.campaign.parameters, feasible);
}

/**
 * The report's data but the trials, from streamed passes over the store: memory grows with
 * what the page draws (the plotted sample's positions, the timeline's attempts, the latest
 * failures, two numbers per attempt), with the usable trials' objective values only for the
 * Pareto view (several objectives) and the model view (a GP in the strategy), not with every
 * trial's row.
 */
export function buildReportSummary(
  open: OpenCampaign,
  now = Date.now(),
  modelMemory?: ModelFitMemory,
): ReportSummary {
  const { db, row, campaign, dir } = open;
  const objectiveNames = new Set(campaign.objectives.map((o) => o.name));
  const metrics = campaignMetrics(
    campaign,
    new Set(reportedNumberKeys(db, row.id).filter((k) => !objectiveNames.has(k))),
  );
  const notes: Record<string, string> = {};
  const single = campaign.objectives.length === 1;
  const obj = campaign.objectives[0]!;
  const sign = obj.goal === "max" ? -1 : 1;
  const hasGp = campaign.strategy.some((n) => n.model === "gp");
  const counts = zeroTrialCounts();
  const nodes = new NodeSummary();
  /** Single objective: the positions (and trial indices) where the best value improved. */
  const improvements: { pos: number; index: number }[] = [];
  let bestValue = Infinity;
  /** Several objectives: the usable trials' values, for the Pareto view. */
  const usable: UsableTrial[] = [];
  const observations: { point: Point; value: number }[] = [];
  let latestFailed: { trial: ReportTrial; id: number }[] = [];
  let failedTotal = 0;
  let lastEnd = 0;
  let n = 0;
  for (const r of iterateReportTrials(db, row.id)) {
    const t = reportTrial(r, campaign.parameters, (v) => isFeasible(v, metrics));
    const pos = n++;
    counts[t.state]++;
    nodes.add(t, r);
    lastEnd = Math.max(lastEnd, r.end_time ?? 0);
    if (isFailedTrial(t.state)) {
      failedTotal++;
      latestFailed.push({ trial: t, id: r.id });
      if (latestFailed.length >= 2 * MAX_FAILURES) latestFailed = latestFailed.slice(-MAX_FAILURES);
    }
    const usableTrial =
      t.state === "COMPLETED" &&
      t.feasible &&
      campaign.objectives.every((o) => Number.isFinite(t.results?.[o.name]));
    if (!usableTrial) continue;
    // With budgets a trial below the max budget is never best (docs/early-stopping.md), as in
    // `slurmopt best` (bestTrials.ts); the model view still sees its value.
    const maxBudget = r.below_max_budget === 0;
    if (!single) {
      if (maxBudget) usable.push({ index: t.index, results: t.results!, pos });
    } else {
      const v = sign * t.results![obj.name]!;
      if (maxBudget && v < bestValue) {
        bestValue = v;
        improvements.push({ pos, index: t.index });
      }
      if (hasGp)
        observations.push({
          point: Object.fromEntries(
            campaign.parameters.map((p, k) => [p.name, t.params[k] ?? 0] as const),
          ),
          value: t.results![obj.name]!,
        });
    }
  }
  const pareto = single ? null : paretoView(campaign, usable);
  const frontSet = new Set(pareto?.front ?? []);
  const best = single ? improvements.slice(-1).map((i) => i.index) : (pareto?.front ?? []);
  const bestPositions = new Set(
    single
      ? improvements.map((i) => i.pos)
      : usable.filter((u) => frontSet.has(u.index)).map((u) => u.pos),
  );
  const sample = evenSample(n, MAX_PLOTTED_TRIALS, bestPositions);
  if (sample.length < n)
    notes.sample = `${n} trials: the point plots show ${sample.length} of them (evenly spaced, every improvement of the best kept); the table below lists all.`;

  const timeline = attemptSummary(db, row.id, now);
  if (timeline.attempts.length < timeline.total)
    notes.timeline = `${timeline.total} attempts: the timeline shows ${timeline.attempts.length} (every failed, timed-out, retried, running or queued attempt first, then evenly spaced completed ones); the distributions use all.`;

  const failures: ReportFailure[] = latestFailed.slice(-MAX_FAILURES).map(({ trial: t, id }) => {
    const last = lastAttemptOf(db, id);
    return {
      trial: t.index,
      state: t.state,
      reason: t.reason,
      exitCode: t.exitCode,
      signal: t.signal,
      host: t.host,
      jobId: last?.job_id ?? null,
      stderrTail: stderrTail(dir, t.index, last?.attempt_no ?? 1),
    };
  });
  if (failures.length < failedTotal)
    notes.failures = `${failedTotal} failed or timed-out trials: the latest ${failures.length} are listed.`;

  let model = null;
  let modelNote = "";
  if (!hasGp) modelNote = "No GP node in this campaign's strategy, so no model was fitted.";
  else if (!single)
    modelNote = "The model view is drawn for single-objective campaigns; see the Pareto front.";
  else {
    model = modelView({
      parameters: campaign.parameters,
      objective: obj,
      observations,
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
    runTimeMs: timeline.runTimeMs,
    nodes: nodes.list(),
    best,
    sample,
    attempts: timeline.attempts,
    durations: timeline.durations,
    failures,
    model,
    modelNote,
    pareto,
    notes,
  };
}

/** Trials, completed and failed ones and the mean proposal time per strategy node and generator. */
class NodeSummary {
  private readonly byNode = new Map<string, ReportNode & { genSum: number; genN: number }>();

  add(t: ReportTrial, row: ReportTrialRow): void {
    const key = `${t.node}\u0000${t.generator}`;
    let e = this.byNode.get(key);
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
      this.byNode.set(key, e);
    }
    e.trials++;
    if (t.state === "COMPLETED") e.completed++;
    if (isFailedTrial(t.state)) e.failed++;
    const g = row.generation_ms;
    if (g !== null) {
      e.genSum += g;
      e.genN++;
    }
  }

  list(): ReportNode[] {
    return [...this.byNode.values()].map(({ genSum, genN, ...n }) => ({
      ...n,
      meanGenerationMs: genN > 0 ? genSum / genN : null,
    }));
  }
}
