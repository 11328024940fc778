import type { Parameter } from "../space/parameters.js";
import type { AttemptWithTrialIndex } from "../store/campaignAttempts.js";
import type { TrialRow } from "../store/rowTypes.js";
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

/** The trials as the page sees them (parameters as arrays in parameter order). */
export function reportTrials(
  rows: readonly TrialRow[],
  parameters: readonly Parameter[],
  attemptsPerTrial: ReadonlyMap<number, number>,
  feasible: (results: Record<string, number>) => boolean,
): ReportTrial[] {
  return rows.map((t) => {
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
      attempts: attemptsPerTrial.get(t.trial_index) ?? 0,
      feasible: t.state === "COMPLETED" && results !== null ? feasible(results) : true,
    };
  });
}

/**
 * The attempts as the timeline draws them: how each ended (a finished attempt that is not
 * its trial's last was retried), or QUEUED / RUNNING while it has not.
 */
export function reportAttempts(
  attempts: readonly AttemptWithTrialIndex[],
  trialState: ReadonlyMap<number, string>,
): ReportAttempt[] {
  const lastNo = new Map<number, number>();
  for (const a of attempts)
    lastNo.set(a.trial_index, Math.max(lastNo.get(a.trial_index) ?? 0, a.attempt_no));
  return attempts.map((a) => {
    let outcome: string;
    if (a.state === "FINISHED")
      outcome =
        a.attempt_no < (lastNo.get(a.trial_index) ?? 0)
          ? "RETRIED"
          : (trialState.get(a.trial_index) ?? "FAILED");
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
  });
}
