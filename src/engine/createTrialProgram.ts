import { renderCommand } from "../evaluate/commandTemplate.js";
import { classifyOutcome, parseResults } from "../evaluate/parseResults.js";
import type { AttemptResult } from "../executor/executor.js";
import type { Campaign } from "../spec/campaign.js";
import type { Point } from "../space/parameters.js";
import type { TrialOutcomeValues, TrialProgram } from "./trialProgram.js";

/** The OmniOpt2-style program: a command template, results as `NAME: value` lines. */
export function createTrialProgram(campaign: Campaign): TrialProgram {
  const names = campaign.objectives.map((o) => o.name);
  return {
    render(point: Point, trial) {
      const r = renderCommand(campaign.program, point, {
        trialId: trial.id,
        trialIndex: trial.index,
        attemptDir: trial.attemptDir,
      });
      return { command: r.command, env: r.env };
    },
    describe(point: Point): string {
      return renderCommand(campaign.program, point).command;
    },
    outcome(result: AttemptResult): TrialOutcomeValues {
      const parsed = parseResults(result.stdout, names);
      const o = classifyOutcome({ ...result, parsed });
      return {
        state: o.state,
        values: parsed.values,
        sems: parsed.sems,
        extras: parsed.extras,
        reason: o.reason,
      };
    },
  };
}
