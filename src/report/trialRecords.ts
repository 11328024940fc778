import type { Parameter } from "../space/parameters.js";
import type { ReportAttemptRow, ReportTrialRow } from "../store/reportScans.js";
import type { ReportAttempt, ReportParameter, ReportTrial } from "./reportData.js";

export function reportParameters(parameters: readonly Parameter[]): ReportParameter[] {
  return parameters.map((p) =>
    p.kind === "range"
      ? {
          name: p.name,
          kind: p.kind,
          log: p.log,
          valueType: p.valueType,
          values: [],
          low: p.low,
          high: p.high,
          conditional: p.activeIf !== undefined,
        }
      : {
          name: p.name,
          kind: p.kind,
          log: false,
          valueType: p.valueType,
          values: p.kind === "choice" ? [...p.values] : [p.value],
          low: null,
          high: null,
          conditional: p.activeIf !== undefined,
        },
  );
}

/** A trial as the page sees it (parameters as an array in parameter order). */
export function reportTrial(
  t: ReportTrialRow,
  parameters: readonly Parameter[],
  feasible: (results: Record<string, number>) => boolean,
): ReportTrial {
  const params = JSON.parse(t.params_json) as Record<string, string | number>;
  const results = t.results_json ? (JSON.parse(t.results_json) as Record<string, number>) : null;
  return {
    index: t.trial_index,
    state: t.state,
    params: parameters.map((p) => params[p.name] ?? null),
    results,
    node: t.generation_node,
    generator: t.generator,
    created: t.created_at,
    submit: t.submit_time,
    start: t.start_time,
    end: t.end_time,
    host: t.hostname,
    exitCode: t.exit_code,
    signal: t.signal,
    reason: t.reason,
    attempts: t.attempt_count,
    feasible: t.state === "COMPLETED" && results !== null ? feasible(results) : true,
    ...(t.below_max_budget === 1 ? { belowMaxBudget: true as const } : {}),
  };
}

/**
 * An attempt as the timeline draws it: how it ended (a finished attempt that is not its
 * trial's last was retried), or QUEUED / RUNNING while it has not.
 */
export function reportAttempt(a: ReportAttemptRow): ReportAttempt {
  let outcome: string;
  if (a.state === "FINISHED") outcome = a.attempt_no < a.last_no ? "RETRIED" : a.trial_state;
  else if (a.state === "RUNNING") outcome = "RUNNING";
  else outcome = "QUEUED";
  return {
    trial: a.trial_index,
    attempt: a.attempt_no,
    outcome,
    submit: a.submit_time,
    start: a.start_time,
    end: a.end_time,
    host: a.hostname,
    jobId:
      a.job_id === null
        ? null
        : a.array_task_id === null
          ? a.job_id
          : `${a.job_id}_${a.array_task_id}`,
    exitCode: a.exit_code,
    reason: a.reason ?? a.fault,
  };
}
