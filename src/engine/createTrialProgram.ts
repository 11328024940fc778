import {
  ATTEMPT_DIR_ENV,
  TRIAL_ID_ENV,
  TRIAL_INDEX_ENV,
  parameterEnvName,
  renderCommand,
  withInactiveValues,
} from "../evaluate/commandTemplate.js";
import { combineOcc } from "../evaluate/occ.js";
import { classifyOutcome, parseResults } from "../evaluate/parseResults.js";
import { smacInstanceFor, smacSeedFor } from "../evaluate/smacRunDetails.js";
import { buildSmacArgv, classifySmacOutcome, parseSmacOutput } from "../evaluate/smacTarget.js";
import type { AttemptResult } from "../executor/executor.js";
import {
  metricNames,
  type Campaign,
  type OccSettings,
  type SmacRunSettings,
} from "../spec/campaign.js";
import type { Point } from "../space/parameters.js";
import { formatValue, formatNumber } from "../space/parameters.js";
import { shellJoin } from "../transport/shellQuote.js";
import type { TrialOutcomeValues, TrialProgram, TrialRun } from "./trialProgram.js";
import { BUDGET_NAME } from "../spec/buildBudget.js";

/**
 * How a campaign's program runs and how its output becomes an outcome:
 * - program_style omniopt: a command template, results as `NAME: value` lines;
 * - program_style smac: SMAC's target-function-script protocol,
 *   `program --seed=S [--instance=I --instance_features=f1,f2] --name=value ...` (a seed per
 *   trial derived from the campaign seed, or the campaign seed for all with `smac_seeds:
 *   campaign`; instances round-robin or drawn per trial), result line `cost=...; status=...`.
 * With OCC the program prints the results in campaign.occ.results; the stored values hold them
 * and their combination under the campaign's single objective (OCC).
 */
export function createTrialProgram(campaign: Campaign): TrialProgram {
  const names = (campaign.occ?.results ?? campaign.objectives).map((o) => o.name);
  const metrics = metricNames(campaign).filter((m) => !names.includes(m));
  const combined = campaign.occ ? campaign.objectives[0]!.name : null;
  const finish = (o: TrialOutcomeValues): TrialOutcomeValues =>
    campaign.occ && combined !== null ? withOcc(o, campaign.occ, combined) : o;
  if (campaign.programStyle === "smac") {
    const runs = smacRunSettings(campaign);
    const argvFor = (point: Point, index: number, run?: TrialRun): string[] => {
      // A configuration keeps the seed and instance of its first trial at every budget.
      const configIndex = run?.configIndex ?? index;
      const instance = smacInstanceFor(runs, campaign.seed, configIndex);
      return buildSmacArgv(campaign.program, point, {
        seed: smacSeedFor(runs, campaign.seed, configIndex),
        ...(instance !== null
          ? { instance: instance.name, instanceFeatures: instance.features }
          : {}),
        ...(run !== undefined ? { budget: run.budget } : {}),
      });
    };
    return {
      render(point, trial) {
        const env: Record<string, string> = {
          [TRIAL_ID_ENV]: String(trial.id),
          [TRIAL_INDEX_ENV]: String(trial.index),
          [ATTEMPT_DIR_ENV]: trial.attemptDir,
        };
        for (const [name, v] of Object.entries(point)) env[parameterEnvName(name)] = formatValue(v);
        if (trial.budget !== undefined) env[BUDGET_ENV] = formatNumber(trial.budget.budget);
        return { command: shellJoin(argvFor(point, trial.index, trial.budget)), env };
      },
      describe: (point, index, run) => shellJoin(argvFor(point, index, run)),
      outcome(result: AttemptResult): TrialOutcomeValues {
        const smac = parseSmacOutput(result.stdout, names);
        const o = classifySmacOutcome({ ...result, smac });
        return finish({
          state: o.state,
          values: { ...smac.parsed.values },
          sems: {},
          extras: { ...smac.parsed.extras },
          reason: o.reason,
          ...(smac.stopRequested ? { stopCampaign: "a trial reported SMAC status STOP" } : {}),
        });
      },
    };
  }
  return {
    render(point: Point, trial) {
      const r = renderCommand(campaign.program, withBudget(campaign, point, trial.budget), {
        trialId: trial.id,
        trialIndex: trial.index,
        attemptDir: trial.attemptDir,
        ...(trial.budget !== undefined
          ? { env: { [BUDGET_ENV]: formatNumber(trial.budget.budget) } }
          : {}),
      });
      return { command: r.command, env: r.env };
    },
    describe(point: Point, _index, run): string {
      return renderCommand(campaign.program, withBudget(campaign, point, run)).command;
    },
    outcome(result: AttemptResult): TrialOutcomeValues {
      const parsed = parseResults(result.stdout, names, metrics);
      const o = classifyOutcome({ ...result, parsed });
      return finish({
        state: o.state,
        values: parsed.values,
        sems: parsed.sems,
        extras: parsed.extras,
        reason: o.reason,
      });
    },
  };
}

/** The environment variable holding the budget of a trial at a budget (both program styles). */
export const BUDGET_ENV = "SLURMOPT_BUDGET";

/** The point as the command template sees it: inactive values, and `budget` at a budget. */
function withBudget(campaign: Campaign, point: Point, run: TrialRun | undefined): Point {
  const full = withInactiveValues(point, campaign.parameters);
  return run === undefined ? full : { ...full, [BUDGET_NAME]: run.budget };
}

/** The campaign's SMAC run settings; a campaign stored before them used its seed for all trials. */
function smacRunSettings(campaign: Campaign): SmacRunSettings {
  if (campaign.smacRuns !== undefined) return campaign.smacRuns;
  return {
    seeds: "campaign",
    instances:
      campaign.smacInstance !== null ? [{ name: campaign.smacInstance, features: [] }] : [],
    instanceOrder: "round_robin",
  };
}

/**
 * Adds the combined value of a completed trial (the raw results stay). SEMs of single results do
 * not carry over to the combination and are kept as they are.
 */
function withOcc(o: TrialOutcomeValues, occ: OccSettings, name: string): TrialOutcomeValues {
  if (o.state !== "COMPLETED") return o;
  const raw = occ.results.map((r) => o.values[r.name]);
  if (raw.some((v) => v === undefined)) return o;
  const value = combineOcc(raw as number[], occ);
  if (!Number.isFinite(value))
    return {
      ...o,
      state: "FAILED",
      reason: `the ${occ.type} combination of ${occ.results.map((r) => `${r.name}=${formatNumber(o.values[r.name]!)}`).join(", ")} is not finite (${value})`,
    };
  return { ...o, values: { ...o.values, [name]: value } };
}
